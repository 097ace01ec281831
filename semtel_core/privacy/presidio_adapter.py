"""Microsoft Presidio as a detector, for deployments that install it (``pip install presidio-analyzer``).

Presidio adds NER-based entities (names, locations) that no regex can find. It is imported lazily, so
semtel neither requires it nor pays its (spaCy) import cost unless ``privacy.engine: presidio`` is set.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from semtel_core.errors import ConfigError
from semtel_core.privacy.spans import CREDIT_CARD, EMAIL, IBAN, IP_ADDRESS, PHONE, Span

# Presidio entity name -> semtel placeholder name. Presidio's URL recognizer flags every URL, which is
# not PII by itself, so it is left out; semtel's own detector handles URLs that carry credentials.
PRESIDIO_ENTITIES: dict[str, str] = {
    "EMAIL_ADDRESS": EMAIL,
    "PHONE_NUMBER": PHONE,
    "CREDIT_CARD": CREDIT_CARD,
    "IP_ADDRESS": IP_ADDRESS,
    "IBAN_CODE": IBAN,
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "US_SSN": "US_SSN",
    "US_PASSPORT": "PASSPORT",
    "UK_NHS": "NHS_NUMBER",
    "CRYPTO": "CRYPTO_WALLET",
}


class PresidioDetector:
    """Runs a Presidio ``AnalyzerEngine`` and maps its results to semtel spans and placeholder names."""

    def __init__(
        self,
        analyzer: Any | None = None,
        *,
        language: str = "en",
        score_threshold: float = 0.4,
        entity_map: Mapping[str, str] | None = None,
    ) -> None:
        self._analyzer = analyzer if analyzer is not None else _default_analyzer()
        self._language = language
        self._score_threshold = score_threshold
        self._entity_map = dict(entity_map if entity_map is not None else PRESIDIO_ENTITIES)

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(sorted(set(self._entity_map.values())))

    def detect(self, text: str) -> Iterator[Span]:
        results = self._analyzer.analyze(
            text=text,
            language=self._language,
            entities=list(self._entity_map),
            score_threshold=self._score_threshold,
        )
        for result in results:
            entity = self._entity_map.get(result.entity_type)
            if entity is not None and result.end > result.start:
                yield Span(entity, int(result.start), int(result.end))


def _default_analyzer() -> Any:
    try:
        from presidio_analyzer import AnalyzerEngine
    except ImportError as exc:
        raise ConfigError(
            "privacy.engine is 'presidio' but presidio-analyzer is not installed "
            "(pip install presidio-analyzer, plus a spaCy model)",
            field="privacy.engine",
        ) from exc
    return AnalyzerEngine()
