"""Every normalization path: exact, fenced, prose, near-miss, synonym, fuzzy, invalid, batched ids, grades."""

from __future__ import annotations

import pytest

from semtel_core.config import load_settings
from semtel_core.prompts import OutputNormalizer, RepairStats
from semtel_core.prompts.json_output import parse_json_output
from semtel_core.prompts.repair import LabelRepairer

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize(
    ("raw", "label", "status", "repairs"),
    [
        ('{"topic": "coding"}', "coding", "ok", ()),
        ('{"topic": {"label": "math"}}', "math", "ok", ()),
        ('```json\n{"topic": "coding"}\n```', "coding", "repaired", ("fenced",)),
        ('```\n{"topic": "travel"}\n```', "travel", "repaired", ("fenced",)),
        ('Sure! The answer is {"topic": "health"}. Hope this helps.', "health", "repaired", ("prose",)),
        ('{"topic": "Coding"}', "coding", "repaired", ("case",)),
        ('{"topic": " coding "}', "coding", "repaired", ("whitespace",)),
        ('{"topic": "data-analysis."}', "data_analysis", "repaired", ("punctuation",)),
        ('{"topic": "Food & Cooking"}', "food_cooking", "repaired", ("case", "punctuation")),
        ('{"topic": "programming"}', "coding", "repaired", ("synonym",)),
        ('{"topic": "codng"}', "coding", "repaired", ("fuzzy",)),
        ('{"Topic": "coding"}', "coding", "repaired", ("field_name",)),
        ('{"label": "coding"}', "coding", "repaired", ("field_name",)),
        ('{"topic": ["coding"]}', "coding", "repaired", ("list",)),
        ("coding", "coding", "repaired", ("bare_label",)),
        ("Programming.", "coding", "repaired", ("bare_label", "case", "punctuation", "synonym")),
    ],
)
def test_label_paths(
    normalizer: OutputNormalizer, raw: str, label: str, status: str, repairs: tuple[str]
) -> None:
    result = normalizer.labels(raw, ["topic"])["topic"]
    assert (result.label, result.status, result.repairs) == (label, status, repairs)
    assert result.raw_output == raw
    assert result.classifier_version == normalizer.registry.get("topic").version


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"topic": "astrology"}', "unknown_label"),
        ('{"topic": 42}', "unknown_label"),
        ('{"topic": {"nested": {"deep": 1}}}', "not_a_string"),
        ('{"category": "coding", "other": 1}', "missing_field"),
        ('["coding"]', "not_an_object"),
        ("I'm sorry, I can't classify this conversation because it is too short.", "no_json"),
        ("{'topic': 'coding',}", "no_json"),
        ("", "no_json"),
    ],
)
def test_invalid_keeps_the_raw_output(normalizer: OutputNormalizer, raw: str, reason: str) -> None:
    result = normalizer.labels(raw, ["topic"])["topic"]
    assert (result.status, result.label, result.reason) == ("invalid", None, reason)
    assert result.raw_output == raw


def test_created_is_repaired_to_create_by_fuzzy_matching() -> None:
    repairer = LabelRepairer(("create", "edit", "explain"), {})
    assert repairer.repair("created") == ("create", ("fuzzy",))
    assert repairer.repair("deleted") == (None, ())


def test_near_twins_are_never_guessed(normalizer: OutputNormalizer) -> None:
    # "unsatisfied" scores 90 against "satisfied" and 78 against "dissatisfied": fuzz alone would flip it.
    assert normalizer.labels('{"satisfaction": "unsatisfied"}', ["satisfaction"])["satisfaction"].label == (
        "dissatisfied"
    )
    repairer = LabelRepairer(("satisfied", "dissatisfied"), {})
    assert repairer.repair("unsatisfied") == (None, ())
    assert repairer.repair("not satisfied") == (None, ("punctuation",))
    assert repairer.repair("satisfiedd") == ("satisfied", ("fuzzy",))


def test_fuzzy_threshold_comes_from_settings(normalizer: OutputNormalizer) -> None:
    strict = OutputNormalizer.from_settings(
        normalizer.registry, load_settings(prompts={"fuzzy_threshold": 99})
    )
    assert strict.labels('{"topic": "codng"}', ["topic"])["topic"].status == "invalid"
    assert normalizer.labels('{"topic": "codng"}', ["topic"])["topic"].status == "repaired"


def test_multi_task_fields_are_judged_one_by_one(normalizer: OutputNormalizer) -> None:
    raw = '{"topic": "coding", "satisfaction": "Happy", "task_complexity": "medium"}'
    results = normalizer.labels(raw, ["topic", "satisfaction", "task_complexity", "knowledge_work"])
    assert {k: (r.status, r.label) for k, r in results.items()} == {
        "topic": ("ok", "coding"),
        "satisfaction": ("repaired", "satisfied"),
        "task_complexity": ("invalid", None),
        "knowledge_work": ("invalid", None),
    }
    assert results["knowledge_work"].reason == "missing_field"


def test_batched_missing_extra_and_duplicated_ids(normalizer: OutputNormalizer) -> None:
    raw = """{"results": [
        {"conversation_id": "a", "topic": "math"},
        {"conversation_id": "a", "topic": "coding"},
        {"conversation_id": "zzz", "topic": "math"},
        {"topic": "travel"},
        {"conversation_id": "c", "topic": "Travel"}
    ]}"""
    out = normalizer.batch(raw, ["a", "b", "c", "d"], ["topic"])
    assert out.missing_ids == ("b", "d")
    assert out.extra_ids == ("zzz",)
    assert out.duplicate_ids == ("a",)
    assert out.unidentified_items == 1
    assert out.results["a"]["topic"].label == "math"  # the first answer is kept
    assert out.results["c"]["topic"].repairs == ("case",)
    assert list(out.results) == ["a", "c"]


def test_batched_fenced_output_marks_every_result(normalizer: OutputNormalizer) -> None:
    raw = 'Here you go:\n```json\n{"results": [{"conversation_id": "a", "topic": "math"}]}\n```'
    out = normalizer.batch(raw, ["a"], ["topic"])
    assert out.parse_repairs == ("fenced",)
    assert out.results["a"]["topic"].status == "repaired"


def test_batched_alternative_shapes(normalizer: OutputNormalizer) -> None:
    keyed = normalizer.batch('{"a": {"topic": "math"}, "b": {"topic": "games"}}', ["a", "b"], ["topic"])
    assert keyed.missing_ids == () and keyed.results["b"]["topic"].repairs == ("results_wrapper",)
    bare = normalizer.batch('[{"id": "a", "topic": "math"}]', ["a", "b"], ["topic"])
    assert bare.missing_ids == ("b",)
    assert bare.results["a"]["topic"].repairs == ("results_wrapper", "field_name")


def test_unparseable_batch_sends_every_id_back(normalizer: OutputNormalizer) -> None:
    out = normalizer.batch("The model is overloaded, try later.", ["a", "b"], ["topic"])
    assert out.missing_ids == ("a", "b") and out.results == {}
    assert out.parse_error == "no JSON value found"


def test_grades(normalizer: OutputNormalizer) -> None:
    raw = """{"topic": {"verdict": "Incorrect", "corrected_label": "math"},
              "satisfaction": {"verdict": "correct", "corrected_label": "neutral"},
              "task_complexity": {"verdict": "maybe", "corrected_label": "low"}}"""
    proposed = {
        "topic": "coding",
        "satisfaction": "neutral",
        "task_complexity": "high",
        "knowledge_work": None,
    }
    grades = normalizer.grades(raw, proposed)
    topic = grades["topic"]
    assert (topic.verdict, topic.final_label, topic.flipped, topic.status) == (
        "incorrect",
        "math",
        True,
        "repaired",
    )
    assert grades["satisfaction"].final_label == "neutral" and not grades["satisfaction"].flipped
    assert grades["satisfaction"].status == "ok"
    assert (grades["task_complexity"].status, grades["task_complexity"].reason) == (
        "invalid",
        "unknown_verdict",
    )
    assert (grades["knowledge_work"].status, grades["knowledge_work"].reason) == ("invalid", "missing_field")


def test_grade_verdict_synonyms(normalizer: OutputNormalizer) -> None:
    raw = '{"topic": {"verdict": true, "corrected_label": "coding"}}'
    grade = normalizer.grades(raw, {"topic": "coding"})["topic"]
    assert (grade.verdict, grade.final_label, grade.repairs) == ("correct", "coding", ("type",))
    raw = '{"topic": {"verdict": "Wrong", "corrected_label": "math"}}'
    grade = normalizer.grades(raw, {"topic": "coding"})["topic"]
    assert (grade.verdict, grade.final_label, grade.repairs) == ("incorrect", "math", ("case", "synonym"))


def test_repair_counters_and_rates(normalizer: OutputNormalizer) -> None:
    stats = RepairStats()
    for raw in [
        '{"topic": "coding"}',
        '{"topic": "Coding"}',
        '```{"topic": "codng"}```',
        "nope",
        '{"topic": "x"}',
    ]:
        stats.add_all(normalizer.labels(raw, ["topic"]).values())
    rates = stats.rates()["topic"]
    assert (rates.total, rates.ok, rates.repaired, rates.invalid) == (5, 1, 2, 2)
    assert rates.repair_rate == pytest.approx(0.4) and rates.invalid_rate == pytest.approx(0.4)
    assert stats.repair_counts() == {"case": 1, "fenced": 1, "fuzzy": 1}
    other = RepairStats()
    other.add_all(normalizer.labels('{"satisfaction": "happy"}', ["satisfaction"]).values())
    stats.merge(other)
    summary = stats.as_dict()
    assert summary["satisfaction"]["repair_kinds"] == {"synonym": 1}
    assert summary["topic"]["invalid_reasons"] == {"no_json": 1, "unknown_label": 1}


def test_json_extraction_prefers_the_whole_text() -> None:
    assert parse_json_output('  {"a": 1}  ').repairs == ()
    assert parse_json_output('text {"a": [1, {"b": 2}]} more {"c": 3}').value == {"a": [1, {"b": 2}]}
    assert parse_json_output("{ broken").error == "no JSON value found"
