"""Label definitions of one classifier, read from ``prompts/<name>.labels.yaml``.

A label file holds the classifier's one-line question, optional guidance, its labels in order with one-line
definitions, and a synonyms table used by the normalizer. Label names are canonical: lower-case letters, digits
and underscores, which is also the form the normalizer reduces near-miss answers to.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from semtel_core.errors import PromptError

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
LABEL_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
_NAME_RE = re.compile(NAME_PATTERN)
_LABEL_RE = re.compile(LABEL_PATTERN)
_SEPARATORS_RE = re.compile(r"[\s\-/.]+")
_NOT_WORD_RE = re.compile(r"[^a-z0-9_]")
_UNDERSCORES_RE = re.compile(r"_{2,}")


def canonical_form(text: str) -> str:
    """Reduce free text to label form: NFKC, lower case, separators to ``_``, other punctuation dropped."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = _SEPARATORS_RE.sub("_", text)
    return _UNDERSCORES_RE.sub("_", _NOT_WORD_RE.sub("", text)).strip("_")


class LabelDefinitions(BaseModel):
    """The content of one ``*.labels.yaml`` file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    question: str = Field(min_length=1)
    guidance: str = ""
    labels: dict[str, str] = Field(min_length=2)
    synonyms: dict[str, str] = Field(default_factory=dict)

    @field_validator("question", "guidance")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v.strip():
            raise ValueError("must be a single line")
        return v.strip()

    @field_validator("labels")
    @classmethod
    def _labels_canonical(cls, v: dict[str, str]) -> dict[str, str]:
        for label, definition in v.items():
            if not _LABEL_RE.match(label):
                raise ValueError(f"label {label!r} must match {LABEL_PATTERN} (quote yes/no/true in YAML)")
            if "\n" in definition.strip():
                raise ValueError(f"definition of {label!r} must be a single line")
        return {label: definition.strip() for label, definition in v.items()}

    @model_validator(mode="after")
    def _synonyms_point_at_labels(self) -> LabelDefinitions:
        for synonym, label in self.synonyms.items():
            if label not in self.labels:
                raise ValueError(f"synonym {synonym!r} points at unknown label {label!r}")
            if canonical_form(synonym) in self.labels:
                raise ValueError(f"synonym {synonym!r} is itself a label")
        return self

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(self.labels)

    @property
    def canonical_synonyms(self) -> dict[str, str]:
        """Synonyms keyed by their canonical form, as the normalizer looks them up."""
        return {canonical_form(s): label for s, label in self.synonyms.items()}

    def field_description(self) -> str:
        """The label field's description: the question, then ``- label: definition`` per label (the protocol)."""
        lines = [self.question, *(f"- {label}: {d}" for label, d in self.labels.items())]
        return "\n".join(lines)

    def template_task(self) -> dict[str, Any]:
        """What templates receive as a ``task``: plain data, no methods, safe in prompty's Jinja sandbox."""
        return {
            "name": self.name,
            "question": self.question,
            "guidance": self.guidance,
            "labels": [{"name": label, "definition": d} for label, d in self.labels.items()],
        }


def _stringify_keys(data: Any) -> Any:
    # YAML 1.1 reads bare yes/no/true as booleans; name the mistake instead of failing obscurely.
    if isinstance(data, dict):
        for key in data:
            if not isinstance(key, str):
                raise PromptError(f"non-string key {key!r}: quote it ('yes', 'no', 'true')", key=repr(key))
    return data


def load_label_definitions(path: Path) -> LabelDefinitions:
    """Read and validate one label file; the classifier name defaults to the file name."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"cannot read label file {path}: {exc}", path=str(path)) from None
    if not isinstance(raw, dict):
        raise PromptError(f"label file {path} must hold a mapping", path=str(path))
    expected_name = path.name.removesuffix(".labels.yaml")
    raw.setdefault("name", expected_name)
    try:
        for section in ("labels", "synonyms"):
            _stringify_keys(raw.get(section))
        definitions = LabelDefinitions(**raw)
    except PromptError as exc:
        raise PromptError(f"label file {path}: {exc.message}", path=str(path)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PromptError(f"label file {path}: {where}: {first['msg']}", path=str(path)) from None
    if definitions.name != expected_name:
        raise PromptError(
            f"label file {path} names classifier {definitions.name!r}, expected {expected_name!r}",
            path=str(path),
        )
    return definitions
