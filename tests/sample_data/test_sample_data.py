"""Shape of the bundled sample: rows, bad rows, labels, timestamps, PII, duplicates, the truncated file.

Bad rows are detected here from the raw bytes, independently of ``expected_rejects.jsonl``, so a drift
between the file and its manifest fails.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from semtel_core.sample_data import (
    CONVERSATIONS_PATH,
    EXPECTED_LABELS_PATH,
    FIRST_DAY,
    LAST_DAY,
    MALFORMED_TRUNCATED_PATH,
    SAMPLE_DIR,
    load_expected_labels,
    load_expected_pii,
    load_expected_rejects,
)
from semtel_core.sample_data._build import build_files
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit]

MAX_TEXT_CHARS = 200_000
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

# The label sets as the task defines them; written out again here so the sample is checked against the spec.
LABEL_SETS = {
    "user_expertise": {"novice", "beginner", "intermediate", "proficient", "expert"},
    "topic": {
        "coding", "math", "data_analysis", "writing", "creative_writing", "business", "finance", "legal",
        "education", "science", "health", "travel", "entertainment", "games", "food_cooking",
        "relationships_advice", "career", "technology_support", "language_translation", "shopping", "other",
    },
    "satisfaction": {"dissatisfied", "neutral", "satisfied"},
    "task_complexity": {"low", "high"},
    "knowledge_work": {"yes", "no"},
}  # fmt: skip
# Kind of bad row -> the reject reason the reader reports for it (semtel_core.ingest RejectReason values).
BAD_KINDS = {
    "missing_conversation_id": "missing_id",
    "duplicate_conversation_id": "duplicate_id",
    "empty_messages": "no_messages",
    "unknown_role": "unknown_role",
    "content_not_string_number": "non_string_content",
    "content_not_string_list": "non_string_content",
    "missing_content": "missing_content",
    "invalid_utf8": "invalid_utf8",
    "text_too_long": "text_too_long",
    "invalid_timestamp": "invalid_timestamp",
}


def _raw_lines() -> list[bytes]:
    return CONVERSATIONS_PATH.read_bytes().splitlines()


def _content_defect(messages: list[dict[str, Any]]) -> str | None:
    for message in messages:
        if message.get("role") not in {"system", "user", "assistant", "tool"}:
            return "unknown_role"
        if "content" not in message:
            return "missing_content"
        if isinstance(message["content"], list):
            return "content_not_string_list"
        if not isinstance(message["content"], str):
            return "content_not_string_number"
    if sum(len(m["content"]) for m in messages) > MAX_TEXT_CHARS:
        return "text_too_long"
    return None


def _defect(raw: bytes, seen_ids: set[str]) -> str | None:
    """What is wrong with one raw line, judged from scratch; None for a good row."""
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "invalid_utf8"
    if "conversation_id" not in row:
        return "missing_conversation_id"
    if row["conversation_id"] in seen_ids:
        return "duplicate_conversation_id"
    seen_ids.add(row["conversation_id"])
    if not row["messages"]:
        return "empty_messages"
    try:
        datetime.fromisoformat(row["timestamp"])
    except ValueError:
        return "invalid_timestamp"
    return _content_defect(row["messages"])


def _good_rows() -> list[dict[str, Any]]:
    bad_lines = {r["line"] for r in load_expected_rejects()}
    return [json.loads(raw) for n, raw in enumerate(_raw_lines(), 1) if n not in bad_lines]


def test_build_script_reproduces_every_file_byte_for_byte() -> None:
    files = build_files()
    assert set(files) == {p.name for p in SAMPLE_DIR.iterdir() if p.suffix == ".jsonl"}
    for name, data in files.items():
        assert (SAMPLE_DIR / name).read_bytes() == data, f"{name} is stale: rerun the build script"


def test_sample_has_about_300_rows_and_stays_small() -> None:
    assert 280 <= len(_raw_lines()) <= 320
    total = sum(p.stat().st_size for p in SAMPLE_DIR.iterdir() if p.suffix == ".jsonl")
    assert total < 1_500_000


def test_bad_rows_are_exactly_those_in_the_manifest_and_cover_every_kind() -> None:
    seen: set[str] = set()
    detected = {n: kind for n, raw in enumerate(_raw_lines(), 1) if (kind := _defect(raw, seen))}
    manifest = {r["line"]: r["kind"] for r in load_expected_rejects()}
    assert detected == manifest
    assert set(manifest.values()) == set(BAD_KINDS)
    assert all(r["reject_reason"] == BAD_KINDS[r["kind"]] for r in load_expected_rejects())


def test_bad_rows_are_mixed_in_not_at_the_ends() -> None:
    lines = sorted(r["line"] for r in load_expected_rejects())
    total = len(_raw_lines())
    assert lines[0] > 10 and lines[-1] < total - 10
    assert max(b - a for a, b in itertools.pairwise(lines)) < total / 3


def test_schema_level_bad_rows_fail_conversation_validation() -> None:
    raw = _raw_lines()
    schema_kinds = set(BAD_KINDS) - {"invalid_utf8", "duplicate_conversation_id", "text_too_long"}
    for reject in load_expected_rejects():
        if reject["kind"] in schema_kinds:
            with pytest.raises(ValidationError):
                Conversation.model_validate(json.loads(raw[reject["line"] - 1]))


def test_oversize_row_is_otherwise_a_valid_conversation() -> None:
    (reject,) = [r for r in load_expected_rejects() if r["kind"] == "text_too_long"]
    conversation = Conversation.model_validate(json.loads(_raw_lines()[reject["line"] - 1]))
    assert len(conversation.text()) > MAX_TEXT_CHARS


def test_good_rows_validate_as_conversations_with_openai_shape() -> None:
    for row in _good_rows():
        assert list(row) == ["conversation_id", "timestamp", "messages", "metadata"]
        assert set(row["metadata"]) == {"locale", "product", "model"}
        conversation = Conversation.model_validate(row)
        first_turn = next(m for m in conversation.messages if m.role != "system")
        assert first_turn.role == "user"


def test_every_good_conversation_has_exactly_one_valid_label_row() -> None:
    label_rows = [json.loads(line) for line in EXPECTED_LABELS_PATH.read_text(encoding="utf-8").splitlines()]
    ids = [r["conversation_id"] for r in label_rows]
    assert len(ids) == len(set(ids))
    assert ids == [r["conversation_id"] for r in _good_rows()]
    for row in label_rows:
        assert set(row) == {"conversation_id", *LABEL_SETS}
        for name, allowed in LABEL_SETS.items():
            assert row[name] in allowed, (row["conversation_id"], name, row[name])
    assert len(load_expected_labels()) == len(label_rows)


def test_labels_cover_the_whole_taxonomy_with_some_balance() -> None:
    labels = list(load_expected_labels().values())
    for name, allowed in LABEL_SETS.items():
        counts = Counter(row[name] for row in labels)
        assert set(counts) == allowed, f"{name}: missing {allowed - set(counts)}"
    topic_counts = Counter(row["topic"] for row in labels)
    assert min(topic_counts.values()) >= 8
    satisfaction = Counter(row["satisfaction"] for row in labels)
    assert min(satisfaction.values()) >= 0.15 * len(labels)


def test_timestamps_fall_in_the_four_weeks_roughly_evenly() -> None:
    rows = _good_rows()
    stamps = [datetime.fromisoformat(r["timestamp"]) for r in rows]
    assert all(s.utcoffset() == timedelta(0) for s in stamps)
    assert all(FIRST_DAY <= s.date() <= LAST_DAY for s in stamps)
    weeks = Counter(s.isocalendar().week for s in stamps)
    assert len(weeks) == 4
    assert all(0.2 * len(rows) <= n <= 0.3 * len(rows) for n in weeks.values()), weeks


def test_about_15_percent_are_not_english_across_many_languages() -> None:
    locales = [r["metadata"]["locale"] for r in _good_rows()]
    languages = Counter(loc.split("-")[0] for loc in locales)
    share = 1 - languages["en"] / len(locales)
    assert 0.10 <= share <= 0.22
    assert {"es", "fr", "de", "pt", "zh", "ja", "hi"} <= set(languages)


def test_exact_duplicates_differ_only_in_id_and_share_labels() -> None:
    groups: dict[str, list[str]] = {}
    for row in _good_rows():
        groups.setdefault(Conversation.model_validate(row).content_hash, []).append(row["conversation_id"])
    duplicates = [ids for ids in groups.values() if len(ids) > 1]
    assert 3 <= len(duplicates) <= 10
    labels = load_expected_labels()
    for ids in duplicates:
        assert len({json.dumps(labels[i], sort_keys=True) for i in ids}) == 1


def test_lengths_range_from_one_turn_to_long_sessions() -> None:
    sizes = [len(r["messages"]) for r in _good_rows()]
    assert min(sizes) == 1 and max(sizes) >= 11
    assert sum(s >= 6 for s in sizes) >= 10
    pasted = [r for r in _good_rows() if any(m["content"].count("\n") >= 10 for m in r["messages"][:2])]
    assert len(pasted) >= 5  # users pasting code, tracebacks and logs


def test_openings_are_not_one_template() -> None:
    rows = _good_rows()
    openings = {next(m["content"] for m in r["messages"] if m["role"] == "user") for r in rows}
    prefixes = Counter(" ".join(text.lower().split()[:3]) for text in openings)
    assert len(prefixes) >= 0.8 * len(openings)
    longer = Counter(" ".join(text.lower().split()[:5]) for text in openings)
    assert longer.most_common(1)[0][1] <= 3, longer.most_common(3)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _iban_ok(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


_DETECTORS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(r"\+?\(?\d{1,4}\)?(?:[ .-]\(?\d{2,5}\)?){1,5}"),
    "card": re.compile(r"\b(?:\d{4}[ -]?){3}\d{4}\b"),
    "iban": re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b"),
    "api_key": re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"),
    "ip": re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),
}


def test_pii_conversations_hold_the_kinds_listed_with_valid_checksums() -> None:
    text_by_id = {r["conversation_id"]: "\n".join(m["content"] for m in r["messages"]) for r in _good_rows()}
    expected = load_expected_pii()
    assert 12 <= len(expected) <= 25
    found_kinds: set[str] = set()
    for item in expected:
        text = text_by_id[item["conversation_id"]]
        for kind in set(item["kinds"]) & set(_DETECTORS):
            matches = _DETECTORS[kind].findall(text)
            if kind == "phone":
                matches = [m for m in matches if len(re.sub(r"\D", "", m)) >= 7]
            assert matches, (item["conversation_id"], kind)
            found_kinds.add(kind)
            if kind == "card":
                assert all(_luhn_ok(re.sub(r"\D", "", m)) for m in matches)
            if kind == "iban":
                assert all(_iban_ok(m) for m in matches)
    assert found_kinds == set(_DETECTORS)


def test_truncated_file_has_three_good_lines_then_a_cut_object() -> None:
    data = MALFORMED_TRUNCATED_PATH.read_bytes()
    assert not data.endswith(b"\n")
    lines = data.split(b"\n")
    assert len(lines) == 4
    for line in lines[:3]:
        Conversation.model_validate(json.loads(line))
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[3])
    assert lines[3].startswith(b'{"conversation_id"')
    assert any(full.startswith(lines[3]) and len(full) > len(lines[3]) for full in _raw_lines())


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is absent")
def test_no_message_is_copied_from_the_shared_datasets() -> None:
    theirs: set[str] = set()
    for path in SHARED_DATA.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            for message in json.loads(line).get("messages") or []:
                if isinstance(message.get("content"), str):
                    theirs.add(" ".join(message["content"].split()))
    ours = {" ".join(m["content"].split()) for r in _good_rows() for m in r["messages"]}
    copied = {text for text in ours if len(text) >= 40 and text in theirs}
    assert not copied
