"""Topic discovery with an LLM that writes text: llama.cpp's server (``semtel endpoint llama``, SmolLM2-135M).
Nothing here depends on the model being good: only that summaries and names come from it, are scrubbed, are
counted, and that the privacy threshold and the no-raw-text rule hold whatever it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from topic_data import constructed

from semtel_core.config import EndpointSettings, Settings
from semtel_core.endpoint.testing import running_llama
from semtel_core.topics.discover import discover
from semtel_core.topics.summaries import _template, writes_text
from semtel_core.topics.taxonomy import llm_label, propose

SIZES = {"tax": 8, "python": 8, "zeppelin": 2}


@pytest.mark.unit
def test_the_local_models_write_no_text_so_auto_names_from_terms() -> None:
    assert not writes_text(Settings())  # local-zeroshot
    assert writes_text(Settings(endpoints=[EndpointSettings(name="e", model="local-llm")]))
    forced = Settings(topics={"naming": "terms"}, endpoints=[EndpointSettings(name="e", model="gpt-4o-mini")])
    assert not writes_text(forced)
    data = constructed({"tax": 12, "python": 12})
    found = discover(data.conversations, Settings(topics={"min_conversations": 5}))
    assert found.summary.naming == "terms" and found.summary.llm.calls == 0
    assert "the endpoint's model 'local-zeroshot' writes no text" in found.summary.naming_note


@pytest.mark.unit
def test_a_prompts_directory_without_the_topic_templates_uses_the_shipped_ones(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    shipped = _template(Settings(), "topic_summary")
    assert _template(Settings(paths={"prompts_dir": tmp_path}), "topic_summary").path == shipped.path
    own = tmp_path / "styles" / "topic_summary.prompty"
    own.write_bytes(shipped.path.read_bytes().replace(b"at most 20 words", b"at most 12 words"))
    assert _template(Settings(paths={"prompts_dir": tmp_path}), "topic_summary").path == own


@pytest.mark.integration
@pytest.mark.slow
def test_summaries_and_names_come_from_the_llm_scrubbed_and_counted() -> None:
    pytest.importorskip("xllamacpp", reason="semtel[llm-local] is not installed")
    data = constructed(SIZES, email_every=3)
    with running_llama("--context", "2048") as (url, _):
        endpoint = EndpointSettings(name="llama", base_url=url, model="local-llm", timeout_s=120)
        settings = Settings(endpoints=[endpoint], topics={"min_conversations": 4, "llm_concurrency": 4})
        found = discover(data.conversations, settings)
    summary = found.summary
    n = len(data.conversations)
    assert summary.naming == "llm" and "embedded by their LLM summaries ('local-llm'" in summary.naming_note
    # One summary call per conversation, one naming call per shown cluster; usage from the server.
    assert summary.llm.calls == n + len(summary.topics) and summary.llm.prompt_tokens > 0
    assert summary.llm.errors <= summary.llm.calls
    assert summary.shown_conversations + summary.withheld_conversations + summary.outliers == n
    assert all(t.conversations >= 4 and t.name and t.description for t in summary.topics)
    # json_schema decoding gives every naming call a usable answer; a proposal's definitions are the LLM's
    named = [t for t in summary.topics if t.named_by == "llm"]
    assert len(named) == len(summary.topics)
    definitions = " ".join(propose(found, "llm_topics").labels.values())
    assert all(t.description in definitions for t in named if llm_label(t.name) is not None)
    shown = json.dumps(summary.model_dump(mode="json")).lower()
    for planted in ("@example.org", "person0", "grandfather"):  # e-mails scrubbed before the LLM; no raw text
        assert planted not in shown
