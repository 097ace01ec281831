"""PII scrubbing of conversation text before anything leaves the machine (see ``docs/privacy.md``)."""

from semtel_core.privacy.build import build_scrubber, custom_detectors
from semtel_core.privacy.checksums import iban_valid, luhn_valid
from semtel_core.privacy.conversation import scrub_conversation
from semtel_core.privacy.regex_detector import RegexDetector
from semtel_core.privacy.scrubber import Scrubber
from semtel_core.privacy.spans import Detector, ScrubResult, Span, placeholder

__all__ = [
    "Detector",
    "RegexDetector",
    "ScrubResult",
    "Scrubber",
    "Span",
    "build_scrubber",
    "custom_detectors",
    "iban_valid",
    "luhn_valid",
    "placeholder",
    "scrub_conversation",
]
