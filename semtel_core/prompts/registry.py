"""The classifier registry: every ``<name>.prompty`` + ``<name>.labels.yaml`` pair in a prompts directory.

Adding a classifier is adding those two files; no code changes. The style templates that combine classifiers
(multi-task, batched, grader) live in ``<prompts_dir>/styles/``. Templates are loaded with prompty once, here,
so rendering never touches the file system.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from semtel_core.errors import PromptError
from semtel_core.prompts.labels import LabelDefinitions, load_label_definitions
from semtel_core.prompts.schemas import label_model

if TYPE_CHECKING:
    from prompty import Agent

    from semtel_core.config import Settings

log = logging.getLogger(__name__)

StyleName = Literal["multi_task", "batched", "grader"]
STYLE_NAMES: tuple[StyleName, ...] = ("multi_task", "batched", "grader")
LABELS_SUFFIX = ".labels.yaml"
# Field names the batched output uses itself; a classifier named like them would collide.
_RESERVED_NAMES = frozenset({"conversation_id", "id", "results"})


def default_prompts_dir() -> Path:
    """The shipped prompts: the checkout's ``prompts/`` or the installed package's copy."""
    from semtel_core.resources import bundled_dir

    return bundled_dir("prompts")


def content_hash(*parts: bytes) -> str:
    """Short, stable hash of file contents, length-prefixed so that part boundaries matter."""
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def load_template(path: Path) -> Agent:
    """Load one ``.prompty`` file with prompty; any failure becomes a :class:`PromptError` naming the file."""
    import prompty

    try:
        return prompty.load(path)
    except Exception as exc:  # prompty raises ValueError, KeyError, its own errors, yaml errors ...
        raise PromptError(f"cannot load prompt template {path}: {exc}", path=str(path)) from exc


@dataclass(frozen=True)
class Template:
    """A loaded prompty template and the hash of its file."""

    path: Path
    agent: Agent
    version: str

    @classmethod
    def load(cls, path: Path) -> Template:
        return cls(path=path, agent=load_template(path), version=content_hash(path.read_bytes()))


@dataclass(frozen=True)
class Classifier:
    """One classifier: its single-style template, its labels, its output model and its version."""

    definitions: LabelDefinitions
    template: Template
    labels_path: Path
    version: str

    @property
    def name(self) -> str:
        return self.definitions.name

    @property
    def labels(self) -> tuple[str, ...]:
        return self.definitions.label_names

    @cached_property
    def output_model(self) -> type[BaseModel]:
        """``{"<name>": Literal[labels]}``; its JSON schema is what the model is asked to fill."""
        return label_model([self.definitions])


def _load_classifier(labels_path: Path) -> Classifier:
    definitions = load_label_definitions(labels_path)
    if definitions.name in _RESERVED_NAMES:
        raise PromptError(f"classifier name {definitions.name!r} is reserved", path=str(labels_path))
    template_path = labels_path.with_name(definitions.name + ".prompty")
    if not template_path.is_file():
        raise PromptError(f"classifier {definitions.name!r} has labels but no template {template_path}")
    template = Template.load(template_path)
    version = content_hash(template_path.read_bytes(), labels_path.read_bytes())
    return Classifier(definitions=definitions, template=template, labels_path=labels_path, version=version)


class ClassifierRegistry:
    """All classifiers of one prompts directory, plus its style templates."""

    def __init__(self, prompts_dir: Path | str | None = None) -> None:
        self.prompts_dir = Path(prompts_dir) if prompts_dir is not None else default_prompts_dir()
        if not self.prompts_dir.is_dir():
            raise PromptError(
                f"prompts directory {self.prompts_dir} does not exist", path=str(self.prompts_dir)
            )
        self._classifiers = {
            c.name: c for c in map(_load_classifier, sorted(self.prompts_dir.glob("*" + LABELS_SUFFIX)))
        }
        orphans = {p.stem for p in self.prompts_dir.glob("*.prompty")} - set(self._classifiers)
        if orphans:
            raise PromptError(
                f"templates without a labels file: {sorted(orphans)}", path=str(self.prompts_dir)
            )
        if not self._classifiers:
            raise PromptError(f"no classifiers in {self.prompts_dir}", path=str(self.prompts_dir))
        self._styles = {style: self._load_style(style) for style in STYLE_NAMES}
        log.debug("loaded %d classifiers from %s", len(self._classifiers), self.prompts_dir)

    @classmethod
    def from_settings(cls, settings: Settings) -> ClassifierRegistry:
        return cls(settings.paths.prompts_dir)

    def _load_style(self, style: StyleName) -> Template:
        path = self.prompts_dir / "styles" / f"{style}.prompty"
        if not path.is_file():
            raise PromptError(f"style template {path} is missing", path=str(path))
        return Template.load(path)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._classifiers)

    def get(self, name: str) -> Classifier:
        try:
            return self._classifiers[name]
        except KeyError:
            raise PromptError(f"unknown classifier {name!r}; known: {list(self._classifiers)}") from None

    def select(self, names: Sequence[str] | None = None) -> list[Classifier]:
        """The named classifiers (all when ``names`` is None), in the given order, no duplicates."""
        if names is None:
            return list(self._classifiers.values())
        if len(set(names)) != len(names) or not names:
            raise PromptError(f"classifier list must be non-empty and without duplicates, got {list(names)}")
        return [self.get(n) for n in names]

    def style(self, style: StyleName) -> Template:
        return self._styles[style]

    def __iter__(self) -> Iterator[Classifier]:
        return iter(self._classifiers.values())

    def __len__(self) -> int:
        return len(self._classifiers)

    def __contains__(self, name: object) -> bool:
        return name in self._classifiers
