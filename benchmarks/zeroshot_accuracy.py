"""Accuracy of the local endpoint's ``local-zeroshot`` model on real labelled conversations.

    .venv/bin/python benchmarks/zeroshot_accuracy.py [--data-dir ../shared/data] [--mwoz-limit 300] [--batch 8]

Builds schemas per docs/prompt-protocol.md (enum label fields whose description lists ``- label: definition``),
sends batched prompts (``--batch`` conversations per request, ``results`` keyed by conversation id) through the
openai SDK to a freshly started endpoint, and prints accuracy, macro-F1 and the confusion matrix for:

- arena-hard v2 prompts, gold ``subcategory``: (a) a 3-label schema coding / math / creative_writing, and
  (b) the full 21-label topic taxonomy of the protocol (a prediction outside the three gold classes is wrong);
- MultiWOZ dialogues, gold ``domains`` (multi-label): the model picks one domain; it counts as right when the
  dialogue has that domain ("hit rate"), and exact accuracy is also shown for single-domain dialogues.

The model is a stand-in for an LLM, so these are plain facts about it, not a target.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openai

from semtel_core.endpoint.testing import running_endpoint
from semtel_core.prompts.delimiters import render_conversation_block

ARENA_LABELS = {
    "coding": "writing, debugging or explaining computer programs, code, software and scripts",
    "math": "mathematics problems, equations, proofs, probability and calculations",
    "creative_writing": "writing stories, poems, fiction, song lyrics, role-play or other creative texts",
}
TOPIC_LABELS = {
    "coding": ARENA_LABELS["coding"],
    "math": ARENA_LABELS["math"],
    "data_analysis": "analysing data sets, statistics, spreadsheets, SQL queries and charts",
    "writing": "editing, rewriting or drafting essays, emails, reports and other non-fiction text",
    "creative_writing": ARENA_LABELS["creative_writing"],
    "business": "companies, marketing, strategy, management and sales",
    "finance": "money, investing, banking, taxes and personal finance",
    "legal": "laws, contracts, regulations and legal rights",
    "education": "learning, studying, school, homework help and teaching",
    "science": "physics, chemistry, biology and other natural sciences",
    "health": "medicine, symptoms, fitness, nutrition and mental health",
    "travel": "trips, flights, hotels, tourism and transport",
    "entertainment": "movies, music, TV, celebrities and books",
    "games": "video games, board games, puzzles and riddles",
    "food_cooking": "recipes, cooking, baking, restaurants and food",
    "relationships_advice": "friendship, dating, family and personal advice",
    "career": "jobs, resumes, interviews and career development",
    "technology_support": "fixing devices, software set-up, computers and IT problems",
    "language_translation": "translating text between languages, grammar and vocabulary",
    "shopping": "buying products, product comparisons and prices",
    "other": "anything else",
}
MWOZ_LABELS = {
    "restaurant": "finding or booking a restaurant to eat at, food type, price range",
    "hotel": "finding or booking a hotel or guesthouse to stay at, rooms, parking, wifi",
    "attraction": "sightseeing attractions: museums, colleges, parks, theatres, entertainment",
    "train": "train tickets, departure and arrival times between cities",
    "taxi": "booking a taxi or cab, pick-up and drop-off",
    "hospital": "finding a hospital or medical department",
    "police": "contacting the police station",
}


def _schema(field: str, labels: dict[str, str]) -> dict[str, Any]:
    description = "Which label fits the conversation best?\n" + "\n".join(
        f"- {k}: {v}" for k, v in labels.items()
    )
    item = {
        "type": "object",
        "properties": {
            "conversation_id": {"type": "string"},
            field: {"type": "string", "enum": list(labels), "description": description},
        },
        "required": ["conversation_id", field],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"results": {"type": "array", "items": item}},
        "required": ["results"],
        "additionalProperties": False,
    }


def _chunks(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def classify(
    client: openai.OpenAI, rows: Sequence[dict[str, Any]], field: str, labels: dict[str, str], batch: int
) -> dict[str, str]:
    schema = _schema(field, labels)
    predictions: dict[str, str] = {}
    for chunk in _chunks(rows, batch):
        blocks = "\n\n".join(
            render_conversation_block(
                r["conversation_id"], [(m["role"], m["content"]) for m in r["messages"]]
            )
            for r in chunk
        )
        completion = client.chat.completions.create(
            model="local-zeroshot",
            messages=[
                {"role": "system", "content": f"Classify each conversation's {field}. Answer in JSON."},
                {"role": "user", "content": blocks},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": field, "strict": True, "schema": schema},
            },
        )
        for item in json.loads(completion.choices[0].message.content or "")["results"]:
            predictions[item["conversation_id"]] = item[field]
    return predictions


def _report(title: str, gold: dict[str, str], predicted: dict[str, str]) -> None:
    pairs = [(gold[k], predicted[k]) for k in gold]
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    classes = sorted({g for g, _ in pairs})
    f1s = []
    for c in classes:
        tp = sum(g == c and p == c for g, p in pairs)
        fp = sum(g != c and p == c for g, p in pairs)
        fn = sum(g == c and p != c for g, p in pairs)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    print(f"\n{title}: n={len(pairs)} accuracy={accuracy:.3f} macro-F1={sum(f1s) / len(f1s):.3f}")
    confusion = Counter(pairs)
    columns = sorted({p for _, p in pairs})
    print("gold \\ predicted".ljust(18) + "".join(c[:12].rjust(13) for c in columns))
    for g in classes:
        print(g[:17].ljust(18) + "".join(str(confusion[(g, p)]).rjust(13) for p in columns))


def _load(path: Path) -> list[dict[str, Any]]:
    # Iterate lines, not splitlines(): U+2028 inside a JSON string is no line break.
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    parser.add_argument("--mwoz-limit", type=int, default=300, help="first N MultiWOZ dialogues")
    parser.add_argument("--batch", type=int, default=8, help="conversations per batched prompt")
    args = parser.parse_args()

    arena = _load(args.data_dir / "arena_hard_v2_prompts.jsonl")
    mwoz = [
        r
        for r in _load(args.data_dir / "uss_mwoz.jsonl")[: args.mwoz_limit]
        if set(r["labels"]["domains"] or []) & set(MWOZ_LABELS)
    ]
    with running_endpoint() as url:
        client = openai.OpenAI(base_url=url, api_key="accuracy", max_retries=0, timeout=600)
        started = time.monotonic()
        arena_gold = {r["conversation_id"]: r["labels"]["subcategory"] for r in arena}
        _report(
            "arena-hard v2, 3 labels (subcategory)",
            arena_gold,
            classify(client, arena, "subcategory", ARENA_LABELS, args.batch),
        )
        _report(
            "arena-hard v2, 21-label topic taxonomy",
            arena_gold,
            classify(client, arena, "topic", TOPIC_LABELS, args.batch),
        )
        predicted = classify(client, mwoz, "domain", MWOZ_LABELS, args.batch)
        elapsed = time.monotonic() - started
    domains = {r["conversation_id"]: set(r["labels"]["domains"]) & set(MWOZ_LABELS) for r in mwoz}
    hits = sum(predicted[k] in v for k, v in domains.items())
    print(
        f"\nMultiWOZ domains: n={len(domains)} hit rate (predicted domain is one of the dialogue's) = {hits / len(domains):.3f}"
    )
    single = {k: next(iter(v)) for k, v in domains.items() if len(v) == 1}
    _report("MultiWOZ single-domain dialogues", single, {k: predicted[k] for k in single})
    n = 2 * len(arena) + len(mwoz)
    print(f"\n{n} conversation-classifications in {elapsed:.0f}s ({n / elapsed:.1f}/s, batch {args.batch})")


if __name__ == "__main__":
    main()
