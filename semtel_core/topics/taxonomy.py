"""A proposed classifier from discovered topics: ``<name>.labels.yaml`` and ``<name>.prompty`` for review.

The refinement follows TnT-LLM's (merge near-duplicates, cap the count): topics whose centroids are nearly the
same direction, or whose labels would be the same, become one label; while there are more than ``max_labels``, the
two most similar topics merge. ``other`` is always the last label. A topic the LLM named (``named_by: llm``) gives
its label from that name and its definition from the LLM's description (a merged label keeps each description);
a topic named from its terms gives its top two terms and "conversations about" all of them. The files load
through the prompt registry's own validation, so a reviewed proposal is a classifier (and ``semtel eval
compare`` can gate it against the current one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

from semtel_core.endpoint.encoder import Vectors
from semtel_core.errors import ConfigError
from semtel_core.prompts.labels import (
    LABEL_PATTERN,
    NAME_PATTERN,
    LabelDefinitions,
    canonical_form,
    load_label_definitions,
)
from semtel_core.topics.discover import Discovered

DUPLICATE_SIMILARITY = 0.9  # centroids this close (cosine) describe the same topic
OTHER = "other"
LABEL_CHARS = 40  # an LLM-written name longer than this is cut at a word
DESCRIPTIONS = 3  # LLM descriptions a merged label's definition keeps (the largest topics' first)


@dataclass
class _Group:
    terms: list[str]
    conversations: int
    centroid: Vectors  # unit, weighted by conversations
    name: str | None = None  # the LLM's label form of its name (None: named from terms)
    descriptions: tuple[str, ...] = ()  # the LLM's descriptions


def _merged(a: _Group, b: _Group) -> _Group:
    big, small = (a, b) if a.conversations >= b.conversations else (b, a)  # the larger one's terms lead
    centroid = a.centroid * a.conversations + b.centroid * b.conversations
    terms = [*big.terms, *(t for t in small.terms if t not in big.terms)]
    descriptions = (*big.descriptions, *(d for d in small.descriptions if d not in big.descriptions))
    return _Group(
        terms,
        a.conversations + b.conversations,
        centroid / np.linalg.norm(centroid),
        big.name or small.name,
        descriptions,
    )


def llm_label(name: str) -> str | None:
    """``name`` in label form, cut at a word to :data:`LABEL_CHARS`; None when that is not a valid label (a name
    in another script, say) or is ``other``."""
    label = canonical_form(name)
    if len(label) > LABEL_CHARS:
        label = label[: LABEL_CHARS + 1].rsplit("_", 1)[0][:LABEL_CHARS].rstrip("_")
    return label if re.match(LABEL_PATTERN, label) and label != OTHER else None


def _label(group: _Group) -> str:
    return group.name or canonical_form("_".join(group.terms[:2])) or "topic"


def _definition(group: _Group) -> str:
    if group.descriptions:
        return " ".join(group.descriptions[:DESCRIPTIONS])
    return f"conversations about {', '.join(group.terms)}"


def _refine(groups: list[_Group], max_labels: int) -> list[_Group]:
    while len(groups) > 1:
        centroids = np.vstack([g.centroid for g in groups])
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = divmod(int(similarity.argmax()), len(groups))
        same_label = next(
            (
                (a, b)
                for a in range(len(groups))
                for b in range(a + 1, len(groups))
                if _label(groups[a]) == _label(groups[b])
            ),
            None,
        )
        if same_label is not None:
            i, j = same_label
        elif similarity[i, j] < DUPLICATE_SIMILARITY and len(groups) <= max_labels:
            break
        keep, gone = min(i, j), max(i, j)
        groups[keep] = _merged(groups[keep], groups[gone])
        del groups[gone]
    return sorted(groups, key=lambda g: -g.conversations)


def propose(found: Discovered, name: str, *, max_labels: int = 20) -> LabelDefinitions:
    """The label definitions of a classifier named ``name`` from the shown topics of ``found``."""
    if not found.summary.topics:
        raise ConfigError(
            "no topic was shown (all under the privacy threshold): nothing to propose", field="topics"
        )
    groups = []
    for t in found.summary.topics:
        written = llm_label(t.name) if t.named_by == "llm" else None
        descriptions = (t.description,) if written is not None else ()
        groups.append(
            _Group(
                list(t.terms) or [t.id.lower()], t.conversations, found.centroids[t.id], written, descriptions
            )
        )
    groups = _refine(groups, max(1, max_labels - 1))  # one place is other's
    labels = {_label(g): _definition(g) for g in groups}
    labels[OTHER] = "none of the topics above"
    return LabelDefinitions(
        name=name,
        question="Which of these topics is the user's main request about?",
        guidance="Pick the topic of the user's goal; use other only when no label fits.",
        labels=labels,
    )


_PROMPTY = """---
name: {name}
description: "Single-conversation classifier proposed by semtel topics discover; review the labels before use."
version: "1"
model:
  id: gpt-4o-mini
  provider: openai
inputs:
  - name: task
    kind: object
    description: the classifier (name, question, guidance, labels with definitions)
  - name: conversation
    kind: string
    description: one escaped conversation block
template:
  format:
    kind: jinja2
    strict: true
  parser:
    kind: prompty
---
"""


def write_proposal(
    definitions: LabelDefinitions, folder: Path, *, template: Path, conversations: int
) -> Path:
    """Write ``<name>.labels.yaml`` and ``<name>.prompty`` (the body of ``template``, an existing classifier's
    prompty) into ``folder``; refuse to overwrite a classifier. Returns the labels file, read back through the
    registry's validation."""
    if not re.match(NAME_PATTERN, definitions.name):
        raise ConfigError(f"classifier name {definitions.name!r} must match {NAME_PATTERN}", field="name")
    labels_path = folder / f"{definitions.name}.labels.yaml"
    prompty_path = folder / f"{definitions.name}.prompty"
    for path in (labels_path, prompty_path):
        if path.exists():
            raise ConfigError(f"{path} exists: choose another name or remove it", field="name")
    body = template.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    folder.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Proposed by semtel topics discover from {conversations:,} conversations on "
        f"{datetime.now(UTC):%Y-%m-%d}: review the labels and definitions before use.\n"
    )
    labels_path.write_text(
        header
        + yaml.safe_dump(definitions.model_dump(exclude={"synonyms"}), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    prompty_path.write_text(_PROMPTY.format(name=definitions.name) + body, encoding="utf-8")
    load_label_definitions(labels_path)
    return labels_path
