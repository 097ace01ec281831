"""Build glue that setup.cfg cannot express: the Airflow package lives in ``plugins/`` (Airflow's plugins folder in
a checkout), and the wheel ships the top-level ``prompts/`` and ``dags/`` as package data of ``semtel_core``
(``semtel_core/bundled/``, found by ``semtel_core.resources``). Metadata and dependencies are in setup.cfg."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"prompts": ("*.prompty", "*.yaml", "styles/*.prompty"), "dags": ("*.py",)}


class BuildWithBundledFiles(build_py):
    """``build_py`` that also copies ``prompts/`` and ``dags/`` into the built ``semtel_core/bundled/``."""

    def run(self) -> None:
        super().run()
        for folder, patterns in BUNDLED.items():
            target = Path(self.build_lib) / "semtel_core" / "bundled" / folder
            if target.exists():
                shutil.rmtree(target)
            for pattern in patterns:
                for source in sorted((ROOT / folder).glob(pattern)):
                    destination = target / source.relative_to(ROOT / folder)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, destination)


setup(
    packages=[*find_packages(include=["semtel_core", "semtel_core.*"]), "semtel_airflow"],
    package_dir={"semtel_airflow": "plugins/semtel_airflow"},
    cmdclass={"build_py": BuildWithBundledFiles},
)
