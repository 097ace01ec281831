"""Scrubbing: run the detectors, resolve overlaps by priority, replace entities with typed placeholders."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from semtel_core.privacy.spans import Detector, ScrubResult, Span, placeholder


class Scrubber:
    """Replaces every entity found by ``detectors`` with its placeholder, e.g. ``<EMAIL>``.

    Detectors are listed from highest to lowest priority: where two spans overlap, the one from the
    earlier detector wins (a URL with credentials beats the e-mail-like ``user:pw@host`` inside it), and
    within one detector the longer span wins. Placeholders already present in the text are never
    touched, which makes scrubbing idempotent: ``scrub(scrub(t).text).text == scrub(t).text``.
    """

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self._detectors = tuple(detectors)
        names = sorted({entity for d in self._detectors for entity in d.entities}, key=len, reverse=True)
        self._placeholders: re.Pattern[str] | None = (
            re.compile("|".join(re.escape(placeholder(n)) for n in names)) if names else None
        )

    @property
    def detectors(self) -> tuple[Detector, ...]:
        return self._detectors

    def scrub(self, text: str) -> ScrubResult:
        if not text or not self._detectors:
            return ScrubResult(text)
        current, found = text, self._one_pass(text)
        if not found:
            return ScrubResult(text)
        spans: list[Span] = []
        # Replacing an entity changes its neighbours' context ("+49 30 901820GB29…" hides the IBAN behind a
        # digit until the phone becomes "<PHONE>"), so repeat until nothing new is found: that is what makes
        # scrubbing idempotent. Placeholders are never matched, so each pass shrinks the unscrubbed text and
        # the loop ends; a second pass runs only on text that had PII, a third is rare.
        while found:
            spans = _merge_into_original(spans, found)
            current = _replace(current, found)
            found = self._one_pass(current)
        return ScrubResult(current, dict(Counter(span.entity for span in spans)), tuple(spans))

    def _one_pass(self, text: str) -> list[Span]:
        """Non-overlapping spans of ``text``, sorted by start, that are not already placeholders."""
        taken = _IntervalSet()
        if self._placeholders is not None and "<" in text:
            for match in self._placeholders.finditer(text):
                taken.add(match.start(), match.end())
        chosen = [span for span in _by_priority(self._candidates(text)) if taken.add(span.start, span.end)]
        chosen.sort(key=lambda span: span.start)
        return chosen

    def _candidates(self, text: str) -> Iterable[tuple[int, Span]]:
        for priority, detector in enumerate(self._detectors):
            for span in detector.detect(text):
                yield priority, span


def _by_priority(candidates: Iterable[tuple[int, Span]]) -> list[Span]:
    ranked = sorted(candidates, key=lambda item: (item[0], item[1].start - item[1].end, item[1].start))
    return [span for _, span in ranked]


def _merge_into_original(original: list[Span], found: list[Span]) -> list[Span]:
    """Spans ``found`` in scrubbed text, mapped back to offsets of the original text and merged with ``original``.

    The scrubbed text is the original with every ``original`` span replaced by its placeholder; a new span
    never overlaps a placeholder, so it maps back by the length change of the placeholders before it.
    """
    merged: list[Span] = []
    shift, index = 0, 0  # shift: original offset minus scrubbed offset, after the placeholders seen so far
    for span in original:
        scrubbed_start = span.start - shift
        while index < len(found) and found[index].start < scrubbed_start:
            merged.append(_shifted(found[index], shift))
            index += 1
        merged.append(span)
        shift += (span.end - span.start) - len(placeholder(span.entity))
    merged.extend(_shifted(span, shift) for span in found[index:])
    return merged


def _shifted(span: Span, shift: int) -> Span:
    return Span(span.entity, span.start + shift, span.end + shift)


def _replace(text: str, spans: Sequence[Span]) -> str:
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(placeholder(span.entity))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


class _IntervalSet:
    """Disjoint half-open intervals; ``add`` refuses (returns False) an interval that overlaps one held."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start)
        if index > 0 and self._ends[index - 1] > start:
            return False
        if index < len(self._starts) and self._starts[index] < end:
            return False
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True
