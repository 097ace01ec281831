from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from semtel_core.config import load_settings
from semtel_core.errors import PromptError
from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer
from semtel_core.schema.conversation import Conversation

pytestmark = [pytest.mark.unit]

ConversationFactory = Callable[..., Conversation]

TONE_LABELS = """\
question: What tone does the user write in?
labels:
  formal: complete sentences, polite forms, no slang
  casual: relaxed everyday language, contractions or slang
  hostile: insults, threats or aggressive language
synonyms:
  polite: formal
"""


def _add_tone_classifier(prompts_dir: Path) -> None:
    """A new classifier made of files only: its template (a copy of topic's, renamed) and its labels."""
    template = (
        (prompts_dir / "topic.prompty").read_text(encoding="utf-8").replace("name: topic", "name: tone")
    )
    (prompts_dir / "tone.prompty").write_text(template, encoding="utf-8")
    (prompts_dir / "tone.labels.yaml").write_text(TONE_LABELS, encoding="utf-8")


def test_new_classifier_from_files_only_is_rendered_and_parsed(
    prompts_copy: Path, make_conversation: ConversationFactory
) -> None:
    _add_tone_classifier(prompts_copy)
    registry = ClassifierRegistry(prompts_copy)
    assert "tone" in registry
    conversation = make_conversation("c-7", "hey wassup, fix my code pls")
    renderer = PromptRenderer(registry)
    single = renderer.single(conversation, "tone")
    assert "- hostile: insults, threats or aggressive language" in single.messages[0]["content"]
    schema = single.response_format["json_schema"]["schema"]
    assert schema["properties"]["tone"]["enum"] == ["formal", "casual", "hostile"]
    batched = renderer.batched([conversation, make_conversation("c-8")], ["tone", "topic"])
    normalizer = OutputNormalizer(registry)
    assert normalizer.labels('{"tone": "Casual"}', ["tone"])["tone"].label == "casual"
    out = normalizer.normalize(
        batched,
        '{"results": [{"conversation_id": "c1", "tone": "casual", "topic": "coding"},'
        ' {"conversation_id": "c2", "tone": "polite", "topic": "coding"}]}',
    )
    assert out.results["c-8"]["tone"].label == "formal"
    assert out.results["c-8"]["tone"].repairs == ("synonym",)
    assert out.missing_ids == ()


def test_version_is_a_content_hash_of_template_and_labels(prompts_copy: Path) -> None:
    before = ClassifierRegistry(prompts_copy)
    labels = prompts_copy / "task_complexity.labels.yaml"
    labels.write_text(labels.read_text(encoding="utf-8") + "  trivial: low\n", encoding="utf-8")
    template = prompts_copy / "topic.prompty"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = ClassifierRegistry(prompts_copy)
    assert after.get("task_complexity").version != before.get("task_complexity").version
    assert after.get("topic").version != before.get("topic").version
    assert after.get("satisfaction").version == before.get("satisfaction").version
    assert ClassifierRegistry(prompts_copy).get("topic").version == after.get("topic").version


def test_template_without_labels_is_an_error(prompts_copy: Path) -> None:
    (prompts_copy / "orphan.prompty").write_text("---\nname: orphan\n---\nsystem:\nhi\n", encoding="utf-8")
    with pytest.raises(PromptError, match="orphan"):
        ClassifierRegistry(prompts_copy)


def test_labels_without_template_is_an_error(prompts_copy: Path) -> None:
    (prompts_copy / "tone.labels.yaml").write_text(TONE_LABELS, encoding="utf-8")
    with pytest.raises(PromptError, match="no template"):
        ClassifierRegistry(prompts_copy)


def test_missing_style_template_is_an_error(prompts_copy: Path) -> None:
    (prompts_copy / "styles" / "grader.prompty").unlink()
    with pytest.raises(PromptError, match=r"grader\.prompty"):
        ClassifierRegistry(prompts_copy)


def test_broken_template_is_a_prompt_error(prompts_copy: Path) -> None:
    (prompts_copy / "topic.prompty").write_text("---\nname: [unclosed\n---\nsystem:\nhi\n", encoding="utf-8")
    with pytest.raises(PromptError, match=r"topic\.prompty"):
        ClassifierRegistry(prompts_copy)


def test_reserved_classifier_name_is_refused(prompts_copy: Path) -> None:
    (prompts_copy / "results.labels.yaml").write_text(TONE_LABELS, encoding="utf-8")
    with pytest.raises(PromptError, match="reserved"):
        ClassifierRegistry(prompts_copy)


def test_prompts_dir_comes_from_settings(prompts_copy: Path) -> None:
    _add_tone_classifier(prompts_copy)
    settings = load_settings(paths={"prompts_dir": str(prompts_copy)})
    assert "tone" in ClassifierRegistry.from_settings(settings)
    assert "tone" not in ClassifierRegistry.from_settings(load_settings())


def test_unknown_and_duplicate_selections(registry: ClassifierRegistry) -> None:
    with pytest.raises(PromptError, match="unknown classifier"):
        registry.get("sentiment")
    with pytest.raises(PromptError, match="duplicates"):
        registry.select(["topic", "topic"])
    assert [c.name for c in registry.select(["topic", "satisfaction"])] == ["topic", "satisfaction"]
