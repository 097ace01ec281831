"""Assemble a :class:`Scrubber` from :class:`PrivacySettings`: built-in detectors, config patterns, engine."""

from __future__ import annotations

import logging
import re

from semtel_core.config import PrivacySettings
from semtel_core.errors import ConfigError
from semtel_core.privacy.identifiers import (
    CARD_DETECTOR,
    EMAIL_DETECTOR,
    IBAN_DETECTOR,
    IPV4_DETECTOR,
    IPV6_DETECTOR,
    PASSPORT_DETECTOR,
    SSN_DETECTOR,
)
from semtel_core.privacy.phones import PhoneDetector
from semtel_core.privacy.regex_detector import RegexDetector
from semtel_core.privacy.scrubber import Scrubber
from semtel_core.privacy.secrets import (
    ASSIGNMENT_DETECTOR,
    AUTH_HEADER_DETECTOR,
    PROSE_PASSWORD_DETECTOR,
    URL_TOKEN_DETECTOR,
    URL_USERINFO_DETECTOR,
    VENDOR_KEY_DETECTOR,
)
from semtel_core.privacy.spans import Detector

logger = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Z][A-Z0-9_]*")

# Highest priority first. Credentials come before e-mail (``user:pw@host``); IBANs and cards before phones.
_CREDENTIAL_DETECTORS: tuple[Detector, ...] = (
    URL_USERINFO_DETECTOR,
    URL_TOKEN_DETECTOR,
    VENDOR_KEY_DETECTOR,
    AUTH_HEADER_DETECTOR,
    ASSIGNMENT_DETECTOR,
    PROSE_PASSWORD_DETECTOR,
)
_IDENTIFIER_DETECTORS: tuple[Detector, ...] = (
    EMAIL_DETECTOR,
    IBAN_DETECTOR,
    CARD_DETECTOR,
    SSN_DETECTOR,  # before phones, which come last: 3-2-4 digits are an SSN, never a phone number
    PASSPORT_DETECTOR,
    IPV6_DETECTOR,  # before IPv4: "::ffff:192.0.2.128" is one address, not an IPv4 one in a suffix
    IPV4_DETECTOR,
)


def build_scrubber(settings: PrivacySettings) -> Scrubber:
    """The scrubber the pipeline uses; a pass-through scrubber when ``settings.enabled`` is false.

    ``engine='regex'``: built-in detectors, then ``extra_patterns``, then phones (user patterns such as
    employee ids win over the phone matcher). ``engine='presidio'``: the credential detectors (Presidio has
    none), then Presidio for everything else, then ``extra_patterns``.
    """
    if not settings.enabled:
        logger.warning("PII scrubbing is disabled (privacy.enabled=false): text leaves the machine as is")
        return Scrubber(())
    custom = custom_detectors(settings.extra_patterns)
    if settings.engine == "presidio":
        from semtel_core.privacy.presidio_adapter import PresidioDetector

        return Scrubber((*_CREDENTIAL_DETECTORS, PresidioDetector(), *custom))
    try:
        phones = PhoneDetector(settings.phone_regions)
    except ValueError as exc:
        raise ConfigError(str(exc), field="privacy.phone_regions") from None
    return Scrubber((*_CREDENTIAL_DETECTORS, *_IDENTIFIER_DETECTORS, *custom, phones))


def custom_detectors(patterns: dict[str, str]) -> tuple[RegexDetector, ...]:
    """One detector per ``placeholder name -> regex`` entry; the whole match is replaced by ``<NAME>``."""
    detectors = []
    for raw_name, regex in patterns.items():
        field = f"privacy.extra_patterns.{raw_name}"
        name = raw_name.upper()
        if not _NAME.fullmatch(name):
            raise ConfigError(
                f"placeholder name {raw_name!r} must be letters, digits and '_', starting with a letter",
                field=field,
            )
        try:
            pattern = re.compile(regex)
        except re.error as exc:
            raise ConfigError(f"pattern for {raw_name!r} is not a valid regex: {exc}", field=field) from None
        if pattern.fullmatch(""):
            raise ConfigError(f"pattern for {raw_name!r} matches the empty string", field=field)
        detectors.append(RegexDetector(name, pattern))
    return tuple(detectors)
