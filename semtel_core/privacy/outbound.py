"""The one choke point in front of everything that leaves the machine: every chat request the LLM client sends,
every line of an uploaded Batch API file and every text sent for embedding goes through :class:`Outbound`.

So no path (``semtel classify`` on raw input, ``batch submit``, the grader, the eval DAG, the weekly run) can skip
scrubbing, whether or not its input went through the extract step; text already scrubbed is left as it is (the
scrubber is idempotent). The only way around it is explicit: ``privacy.enabled: false`` (``--no-scrub`` on the
command line), logged at WARNING when the outbound path is built.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from semtel_core.config import PrivacySettings
from semtel_core.privacy.build import build_scrubber
from semtel_core.privacy.scrubber import Scrubber

log = logging.getLogger(__name__)


class Outbound:
    """Scrubs what is about to leave; counts what it replaced (``found``: entity -> count)."""

    def __init__(self, privacy: PrivacySettings | None = None) -> None:
        privacy = privacy or PrivacySettings()
        self.enabled = privacy.enabled
        self._scrubber: Scrubber = build_scrubber(privacy)  # warns when disabled
        self.found: dict[str, int] = {}

    def text(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        result = self._scrubber.scrub(text)
        for entity, count in result.counts.items():
            self.found[entity] = self.found.get(entity, 0) + count
        return result.text

    def messages(self, messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Chat messages with every text scrubbed (string contents and the text parts of multi-part ones)."""
        return [self._message(m) for m in messages]

    def _message(self, message: Mapping[str, Any]) -> dict[str, Any]:
        content = message.get("content")
        if isinstance(content, str):
            return {**message, "content": self.text(content)}
        if isinstance(content, list):
            parts = [
                {**p, "text": self.text(p["text"])}
                if isinstance(p, Mapping) and isinstance(p.get("text"), str)
                else p
                for p in content
            ]
            return {**message, "content": parts}
        return dict(message)
