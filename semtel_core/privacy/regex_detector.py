"""A detector made of one compiled regex, an optional validator and a cheap pre-filter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from semtel_core.privacy.spans import Span

Validator = Callable[[re.Match[str]], bool]


@dataclass(frozen=True)
class RegexDetector:
    """Emits ``entity`` for every match of ``pattern`` that ``validator`` accepts.

    ``group`` selects the part of the match that is replaced (``Bearer <SECRET>`` keeps the word
    ``Bearer``). ``required`` lists substrings of which at least one must occur in the (lower-cased when
    ``required_lower``) text for the regex to run at all: most conversations contain no ``@`` or ``://``,
    and a substring test is far cheaper than a regex scan. ``prefilter`` is a cheap regex that every match of
    ``pattern`` contains (a necessary condition, so results never change), searched in the same text as
    ``required``: a pattern that begins with a lookbehind or a repeated group is tried at every character.
    """

    entity: str
    pattern: re.Pattern[str]
    group: int | str = 0
    validator: Validator | None = None
    required: tuple[str, ...] = ()
    required_lower: bool = False
    prefilter: re.Pattern[str] | None = None

    @property
    def entities(self) -> tuple[str, ...]:
        return (self.entity,)

    def _may_match(self, text: str) -> bool:
        haystack = text.lower() if self.required_lower else text
        if self.required and not any(needle in haystack for needle in self.required):
            return False
        return self.prefilter is None or self.prefilter.search(haystack) is not None

    def detect(self, text: str) -> Iterator[Span]:
        if not self._may_match(text):
            return
        for match in self.pattern.finditer(text):
            if self.validator is not None and not self.validator(match):
                continue
            start, end = match.span(self.group)
            if end > start:
                yield Span(self.entity, start, end)
