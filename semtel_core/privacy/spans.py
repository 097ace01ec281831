"""The vocabulary shared by every PII detector: spans, results and the detector protocol."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

# Entity types produced by the built-in detectors; custom patterns and engines may add more.
EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_CARD = "CREDIT_CARD"
IP_ADDRESS = "IP_ADDRESS"
IBAN = "IBAN"
SECRET = "SECRET"
URL_WITH_CREDENTIALS = "URL_WITH_CREDENTIALS"
NATIONAL_ID = "NATIONAL_ID"
PASSPORT = "PASSPORT"


def placeholder(entity: str) -> str:
    """The typed placeholder that replaces an entity in scrubbed text, e.g. ``<EMAIL>``."""
    return f"<{entity}>"


@dataclass(frozen=True, slots=True)
class Span:
    """A detected entity: ``text[start:end]`` of the *original* text is of type ``entity``.

    The matched text itself is deliberately not stored, so results can be logged without leaking PII.
    """

    entity: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ScrubResult:
    """Scrubbed text, how many entities of each type were replaced, and where they were in the input."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)
    spans: tuple[Span, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@runtime_checkable
class Detector(Protocol):
    """Finds entities in text. Built-in regex detectors, the phone matcher and the Presidio adapter all fit.

    ``entities`` names every type the detector can emit, so the scrubber can recognise its placeholders
    in already-scrubbed text and leave them alone. Spans may overlap; the scrubber resolves overlaps.
    """

    @property
    def entities(self) -> tuple[str, ...]: ...

    def detect(self, text: str) -> Iterable[Span]: ...
