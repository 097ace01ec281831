"""Fixtures of the prompt-layer tests: the repository's classifiers and small real-shaped conversations."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from semtel_core.prompts import ClassifierRegistry, OutputNormalizer, PromptRenderer, default_prompts_dir
from semtel_core.schema.conversation import Conversation, Message

ConversationFactory = Callable[..., Conversation]


@pytest.fixture(scope="session")
def registry() -> ClassifierRegistry:
    return ClassifierRegistry()


@pytest.fixture(scope="session")
def renderer(registry: ClassifierRegistry) -> PromptRenderer:
    return PromptRenderer(registry)


@pytest.fixture(scope="session")
def normalizer(registry: ClassifierRegistry) -> OutputNormalizer:
    return OutputNormalizer(registry)


@pytest.fixture
def make_conversation() -> ConversationFactory:
    def make(conversation_id: str = "c-1", *turns: str) -> Conversation:
        texts = turns or ("How do I reverse a list in Python?", "Use reversed() or slicing: xs[::-1].")
        roles = ("user", "assistant")
        messages = tuple(Message(role=roles[i % 2], content=t) for i, t in enumerate(texts))
        return Conversation(conversation_id=conversation_id, messages=messages)

    return make


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's prompts directory."""
    target = tmp_path / "prompts"
    shutil.copytree(default_prompts_dir(), target)
    return target
