"""One order, everywhere: a run's explicit parameters > SEMTEL_* environment > settings file > defaults; sections
merge field by field. The weekly DAG's parameters all default to "as configured"."""

from __future__ import annotations

from pathlib import Path

import pytest

from semtel_core.config import load_settings
from semtel_core.errors import ConfigError
from semtel_core.pipeline.params import RunParams

pytestmark = [pytest.mark.unit]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("SEMTEL_CONFIG", "SEMTEL_SAMPLING__RATE", "SEMTEL_CLASSIFY__STRATEGY"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "semtel.yaml"
    path.write_text("sampling: {rate: 0.1, salt: file-salt}\nclassify: {strategy: batched, batch_size: 7}\n")
    return str(path)


@pytest.mark.parametrize(
    ("env", "params", "rate", "strategy"),
    [
        ({}, {}, 0.1, "batched"),  # the file over the defaults (1.0, multi)
        ({"SEMTEL_SAMPLING__RATE": "0.3"}, {}, 0.3, "batched"),  # the environment over the file
        (
            {"SEMTEL_SAMPLING__RATE": "0.3"},
            {"sample_rate": 0.5},
            0.5,
            "batched",
        ),  # the run over the environment
        ({"SEMTEL_CLASSIFY__STRATEGY": "single"}, {"strategy": "multi"}, 0.1, "multi"),
        ({"SEMTEL_CLASSIFY__STRATEGY": "single"}, {"strategy": ""}, 0.1, "single"),  # a cleared form field
    ],
)
def test_precedence_table(
    config: str,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    params: dict[str, object],
    rate: float,
    strategy: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = RunParams.parse({"config_path": config, **params}).settings()
    assert (settings.sampling.rate, settings.classify.strategy) == (rate, strategy)
    # Fields nobody overrode keep the file's value: sections merge, they are not replaced.
    assert (settings.sampling.salt, settings.classify.batch_size) == ("file-salt", 7)


def test_explicit_overrides_beat_the_environment(config: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMTEL_SAMPLING__RATE", "0.3")
    assert load_settings(config, sampling={"rate": 0.9}).sampling.rate == 0.9  # e.g. an A/B configuration
    assert load_settings(config).sampling.rate == 0.3
    assert load_settings(None).sampling.rate == 0.3


def test_every_dag_param_defaults_to_as_configured() -> None:
    from airflow.dag_processing.dagbag import DagBag

    from semtel_core.resources import bundled_dir

    bag = DagBag(dag_folder=str(bundled_dir("dags") / "semantic_telemetry_weekly.py"))
    dag = bag.dags["semantic_telemetry_weekly"]
    defaults = {name: dag.params.get_param(name).value for name in dag.params}
    assert set(defaults.values()) == {None}, defaults
    assert RunParams.parse(defaults) == RunParams()
    for name in dag.params:
        param = dag.params.get_param(name)
        assert param.description and "null" in param.schema["type"], name  # described, never required
    assert dag.params.get_param("strategy").schema["enum"] == [None, "single", "multi", "batched"]
    assert "topic" in dag.params.get_param("classifiers").schema["examples"]


def test_a_typo_fails_the_first_check_with_the_known_names(config: str) -> None:
    with pytest.raises(ConfigError, match=r"unknown classifier\(s\) \['topik'\]; known: .*topic"):
        RunParams.parse({"config_path": config, "classifiers": ["topik"]}).check()
    with pytest.raises(ConfigError, match="unknown strategy 'multy'"):
        RunParams.parse({"config_path": config, "strategy": "multy"}).check()
    with pytest.raises(ConfigError, match="invalid run parameter sample_rat"):
        RunParams.parse({"sample_rat": 0.1})
