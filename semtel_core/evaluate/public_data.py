"""Gold labels from the human labels of the public datasets in ``../shared/data`` (for the real-data evidence).

- ``arena_subcategory`` (``arena_hard_v2_prompts.jsonl``): classifier ``subcategory`` = coding / math /
  creative_writing, as the arena-hard-auto authors assigned it.
- ``mwoz_satisfaction`` (``uss_mwoz.jsonl``): classifier ``satisfaction`` from the annotators' mean overall rating
  (1-5): ``<= 2.5`` dissatisfied, ``>= 3.5`` satisfied, else neutral. These are the data README's rounded
  counts (53 / 758 / 189 of 1,000), so the skew is kept and macro-F1 is the figure to read.
- ``mwoz_domains`` (``uss_mwoz.jsonl``): one yes/no classifier per MultiWOZ service domain
  (``domain_restaurant`` …), since a dialogue may touch several; ``booking`` is an act, not a domain, and
  hospital/police have 4 dialogues each, too few to learn.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from semtel_core.evaluate.gold import GoldLabels

MWOZ_DOMAINS = ("attraction", "hotel", "restaurant", "taxi", "train")


def satisfaction_from_mean(mean: float) -> str:
    if mean <= 2.5:
        return "dissatisfied"
    if mean >= 3.5:
        return "satisfied"
    return "neutral"


def _subcategory(labels: Mapping[str, Any]) -> dict[str, str]:
    return {"subcategory": str(labels["subcategory"])}


def _satisfaction(labels: Mapping[str, Any]) -> dict[str, str]:
    return {"satisfaction": satisfaction_from_mean(float(labels["satisfaction_overall_mean"]))}


def _domains(labels: Mapping[str, Any]) -> dict[str, str]:
    present = set(labels.get("domains") or ())
    return {f"domain_{d}": "yes" if d in present else "no" for d in MWOZ_DOMAINS}


TASKS: dict[str, tuple[str, Callable[[Mapping[str, Any]], dict[str, str]]]] = {
    "arena_subcategory": ("arena_hard_v2_prompts.jsonl", _subcategory),
    "mwoz_satisfaction": ("uss_mwoz.jsonl", _satisfaction),
    "mwoz_domains": ("uss_mwoz.jsonl", _domains),
}


def public_gold(data_dir: str | Path, task: str) -> tuple[Path, GoldLabels]:
    """The task's input file and its gold labels (``gold[classifier][conversation_id]``)."""
    filename, derive = TASKS[task]
    path = Path(data_dir) / filename
    gold: GoldLabels = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            for classifier, label in derive(record["labels"]).items():
                gold.setdefault(classifier, {})[record["conversation_id"]] = label
    return path, gold


def write_gold_jsonl(gold: GoldLabels, path: str | Path) -> None:
    """Gold in the long JSONL shape :func:`semtel_core.evaluate.gold.load_gold` reads (``semtel embed train``)."""
    with Path(path).open("w", encoding="utf-8") as f:
        for classifier, labels in sorted(gold.items()):
            for cid, label in labels.items():
                f.write(json.dumps({"conversation_id": cid, "classifier": classifier, "label": label}) + "\n")
