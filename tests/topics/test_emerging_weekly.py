"""The weekly run's emerging-topics step on week folders as the pipeline leaves them (extract + results): a family
that appears in week 4 is flagged there, in whatever order the weeks ran; the 'uncertain' scope and the sample cap
choose what they say; the report shows the section; ids and text never reach the summary."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from topic_data import constructed

from semtel_core.config import Settings
from semtel_core.pipeline.emerging_step import emerging_week_task
from semtel_core.pipeline.weekly import week_dir
from semtel_core.schema.arrow import CONVERSATION_SCHEMA
from semtel_core.schema.results import RESULT_SCHEMA, result_row
from semtel_core.topics import SUMMARY_FILE, TOPICS_DIR, VECTORS_FILE

pytestmark = [pytest.mark.unit]

MONDAY = datetime(2026, 9, 7, tzinfo=UTC)
STABLE = {"tax": 30, "python": 30, "garden": 30}
LABEL = {"tax": "finance", "python": "coding", "garden": "other", "knitting": "other", "zeppelin": "other"}


def _topic(family: str, unknown: frozenset[str]) -> dict[str, object]:
    """The topic row's fields: a label, or for a family in ``unknown`` what the embedding strategy writes when its
    bundle abstains and no cascade is configured."""
    if family in unknown:
        return {
            "label": None,
            "status": "error",
            "strategy": "embedding",
            "reason": "unknown: below the floor",
        }
    return {"label": LABEL[family], "status": "ok", "strategy": "single"}


def _write_week(root: Path, n: int, sizes: dict[str, int], unknown: frozenset[str] = frozenset()) -> None:
    """Week ``n``'s extract and results, as the pipeline leaves them; the topic classifier labels each family
    (families in ``unknown``: the embedding classifier abstained)."""
    data = constructed(sizes, seed=n, email_every=0)
    folder = Path(week_dir(str(root), MONDAY + timedelta(weeks=n)))
    (folder / "extract").mkdir(parents=True)
    (folder / "results").mkdir()
    stamp = MONDAY + timedelta(weeks=n, hours=1)
    rows = [
        {
            "conversation_id": f"w{n}-{c.conversation_id}",
            "timestamp": stamp,
            "messages": [{"role": m.role, "content": m.content} for m in c.messages],
            "content_hash": f"h{n}-{c.conversation_id}",
        }
        for c in data.conversations
    ]
    pq.write_table(
        pa.Table.from_pylist(rows, CONVERSATION_SCHEMA), folder / "extract" / "conversations.parquet"
    )
    results = [
        result_row(
            run_id="r",
            conversation_id=f"w{n}-{c.conversation_id}",
            content_hash="h",
            classifier=name,
            classifier_version="1",
            created_at=stamp,
            **(
                _topic(data.family[c.conversation_id], unknown)
                if name == "topic"
                else {"label": "novice", "status": "ok", "strategy": "single"}
            ),
        )
        for c in data.conversations
        for name in ("topic", "user_expertise")
    ]
    pq.write_table(pa.Table.from_pylist(results, RESULT_SCHEMA), folder / "results" / "part-00000.parquet")


def _weeks(root: Path) -> None:
    for n in range(4):
        _write_week(root, n, STABLE)
    _write_week(root, 4, {**STABLE, "knitting": 15})


def _run(
    root: Path, n: int, endpoints: list[dict[str, object]] | None = None, **topics: object
) -> dict[str, object]:
    config = root / f"semtel-{len(list(root.glob('semtel-*.yaml')))}.yaml"
    settings: dict[str, object] = {"topics": {"emerging": True, **topics}}
    if endpoints:
        settings["endpoints"] = endpoints
    config.write_text(yaml.safe_dump(settings))
    return emerging_week_task(
        MONDAY + timedelta(weeks=n), {"output_root": str(root), "config_path": str(config)}
    )


def _summary(root: Path, n: int) -> dict[str, object]:
    path = Path(week_dir(str(root), MONDAY + timedelta(weeks=n))) / TOPICS_DIR / SUMMARY_FILE
    summary: dict[str, object] = json.loads(path.read_text())
    return summary


def test_a_new_family_is_flagged_in_its_week_whatever_order_the_weeks_ran(tmp_path: Path) -> None:
    in_order, shuffled = tmp_path / "in-order", tmp_path / "shuffled"
    _weeks(in_order)
    _weeks(shuffled)
    for n in range(5):
        out = _run(in_order, n)
    assert out["earlier_weeks"] == 4 and out["sampled"] == 105 and out["clusters_tested"] >= 1
    assert len(out["emerging"]) == 1 and ("knit" in out["emerging"][0] or "yarn" in out["emerging"][0])
    summary = _summary(in_order, 4)
    (topic,) = summary["report"]["emerging"]
    assert topic["earlier_counts"] == [0, 0, 0, 0] and topic["conversations"] >= 12
    assert summary["earlier_weeks_read"] == [str((MONDAY + timedelta(weeks=n)).date()) for n in range(4)]
    text = json.dumps(summary)
    assert "w4-" not in text and "circular needles" not in text  # no ids, no conversation text
    # a backfill: week 4 first (nothing earlier yet), then the others out of order, then week 4 again
    first = _run(shuffled, 4)
    assert first["earlier_weeks"] == 0 and first["emerging"] == []
    for n in (2, 0, 3, 1):
        _run(shuffled, n)
    _run(shuffled, 4)
    assert _summary(shuffled, 4)["report"] == summary["report"]
    for n in range(5):
        vectors = pq.read_table(
            Path(week_dir(str(shuffled), MONDAY + timedelta(weeks=n))) / TOPICS_DIR / VECTORS_FILE
        )
        assert vectors.num_rows == (105 if n == 4 else 90)


def test_the_uncertain_scope_takes_what_the_topic_classifier_could_not_place(tmp_path: Path) -> None:
    _weeks(tmp_path)
    out = _run(tmp_path, 4, emerging_scope="uncertain")
    summary = _summary(tmp_path, 4)
    assert out["sampled"] == 30 + 15  # garden and knitting are labelled "other"
    assert "'topic' classifier labelled other" in summary["selection"]
    missing = _run(tmp_path, 4, emerging_scope="uncertain", emerging_classifier="no_such")
    assert missing["sampled"] == 105 and "has no 'no_such' results" in _summary(tmp_path, 4)["selection"]


def test_rows_the_embedding_classifier_abstained_on_go_to_the_emerging_path(tmp_path: Path) -> None:
    # A bundle trained with --abstain-cost writes 'unknown:' error rows when no cascade is set: the uncertain scope
    # takes them, so a new kind of request shows up as an emerging topic, not as the nearest old label.
    for n in range(4):
        _write_week(tmp_path, n, STABLE)
    _write_week(tmp_path, 4, {**STABLE, "knitting": 15}, unknown=frozenset({"knitting"}))
    for n in range(5):
        out = _run(tmp_path, n, emerging_scope="uncertain")
    assert out["sampled"] == 30 + 15  # garden ("other") and knitting (unknown)
    assert len(out["emerging"]) == 1 and ("knit" in out["emerging"][0] or "yarn" in out["emerging"][0])


@pytest.mark.integration
@pytest.mark.slow
def test_with_an_llm_that_writes_text_an_emerging_topic_gets_scrubbed_example_summaries(
    tmp_path: Path,
) -> None:
    pytest.importorskip("xllamacpp", reason="semtel[llm-local] is not installed")
    from semtel_core.endpoint.testing import running_llama

    for n in range(4):
        _write_week(tmp_path, n, STABLE)
    _write_week(tmp_path, 4, {**STABLE, "knitting": 15})
    for n in range(4):
        _run(tmp_path, n)
    with running_llama("--context", "2048") as (url, _):
        endpoint = {"name": "llama", "base_url": url, "model": "local-llm", "timeout_s": 120}
        out = _run(tmp_path, 4, endpoints=[endpoint])
    assert len(out["emerging"]) == 1
    summary = _summary(tmp_path, 4)
    (topic,) = summary["report"]["emerging"]
    assert 1 <= len(topic["examples"]) <= 3 and all(isinstance(e, str) and e for e in topic["examples"])
    assert (
        "example summaries of up to 3 members each by the LLM ('local-llm'), scrubbed; 3 calls"
        in (summary["examples_note"])
    )
    assert "w4-" not in json.dumps(summary)  # no ids


def test_the_sample_cap_takes_the_same_conversations_on_every_rerun(tmp_path: Path) -> None:
    _weeks(tmp_path)
    folder = Path(week_dir(str(tmp_path), MONDAY + timedelta(weeks=4))) / TOPICS_DIR / VECTORS_FILE
    out = _run(tmp_path, 4, emerging_sample=40)
    first = pq.read_table(folder).column("conversation_id").to_pylist()
    _run(tmp_path, 4, emerging_sample=40)
    assert out["sampled"] == 40 and out["in_scope"] == 105
    assert pq.read_table(folder).column("conversation_id").to_pylist() == first
    assert len(set(first)) == 40


def test_the_report_shows_the_section(tmp_path: Path) -> None:
    from semtel_core.report.render import render_report

    _weeks(tmp_path)
    for n in range(5):
        _run(tmp_path, n)
    week = Path(week_dir(str(tmp_path), MONDAY + timedelta(weeks=4)))
    out = render_report(
        week / "results",
        tmp_path / "report.html",
        Settings(),
        week=date(2026, 10, 5),
        emerging=_summary(tmp_path, 4),
    )
    html = out.read_text()
    assert '<section id="emerging"><h2>Emerging this week</h2>' in html
    assert "105 of 105 conversations in scope" in html and "0, 0, 0, 0" in html
    quiet = render_report(
        week / "results", tmp_path / "quiet.html", Settings(), emerging=_summary(tmp_path, 0)
    ).read_text()
    assert "No earlier week to" in quiet


def test_a_week_with_nothing_in_scope_is_kept_and_skipped(tmp_path: Path) -> None:
    _weeks(tmp_path)
    for n in range(4):  # nothing labelled "other" or unplaced in these weeks' scope: empty samples
        assert _run(tmp_path, n, emerging_scope="uncertain", emerging_labels=["none"])["sampled"] == 0
    out = _run(tmp_path, 4, emerging_scope="uncertain")
    assert out["sampled"] == 45 and out["earlier_weeks"] == 0  # the empty weeks teach no rate
    assert _summary(tmp_path, 4)["report"]["clusters_tested"] == 0


def test_off_by_default_it_removes_the_weeks_topics_folder(tmp_path: Path) -> None:
    _weeks(tmp_path)
    _run(tmp_path, 0)
    folder = Path(week_dir(str(tmp_path), MONDAY)) / TOPICS_DIR
    assert (folder / SUMMARY_FILE).exists()
    out = emerging_week_task(MONDAY, {"output_root": str(tmp_path)})
    assert out == {"enabled": False, "why": "topics.emerging is off"} and not folder.exists()
