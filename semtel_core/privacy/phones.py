"""Phone numbers, found by Google's libphonenumber (the ``phonenumbers`` port) and its ``PhoneNumberMatcher``.

libphonenumber knows every country's numbering plan, so it accepts ``+44 20 7946 0958`` and
``(415) 555-2671`` but rejects dates, versions and most arbitrary digit runs that a regex would take.
It is slow (pure Python, ~0.3 MB/s on digit-dense text), so it runs only on short windows around
candidate digit runs that a cheap regex finds first; text without seven digits in a row never reaches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers

from semtel_core.privacy.spans import PHONE, Span

# Seven or more digits joined by at most three phone separators each: the shortest valid numbers have 7.
# The window padding gives the matcher the "+" or "(" in front.
_CANDIDATE = re.compile(r"\d(?:[ \t().\-/]{0,3}\d){6,}")
_CONTEXT_CHARS = 24
# A number right after these words is an identifier, not a phone ("Order #4155552671", "ISBN 0-306-40615-2").
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:\b(?:order|invoice|ticket|tracking|isbn(?:-1[03])?|sku|serial|ref|reference|transaction|confirmation|"
    r"account|acct|case|po|id|customer|member|policy|shipment|bestellung|bestellnummer|auftragsnummer|"
    r"kundennummer|rechnungsnummer|rechnung|commande|facture|pedido)"
    r"(?:\s*(?:number|no\.?|nr\.?|num|n°|#|id))?|#|№)\s*[:#.]?\s*$",
    re.IGNORECASE,
)
# A bare number next to an operator is arithmetic or an assignment in code ("x = 6283185306").
_ARITHMETIC_BEFORE = re.compile(r"[=*/×÷^<>≤≥]\s*$")
_ARITHMETIC_AFTER = re.compile(r"\s*[=*/×÷^<>≤≥]")
# A bare number between other numbers is a cell of a table or a list of values ("31916031  16929656  7726640").
_NUMBER_BEFORE = re.compile(r"\d[ \t]*[-–]?[ \t]*$")
_NUMBER_AFTER = re.compile(r"[ \t]+-?\d")
# "0.37 0.33 0.41" (a row of decimals) and "16.4557315" (one decimal) are not phone numbers.
_DECIMALS = re.compile(r"-?\d+[.,]\d+|.*\d\.\d.*\s.*|.*\s.*\d\.\d.*")
# Digits right after "3." or before ".5" belong to a decimal number (the digits of pi are not a phone).
_DECIMAL_BEFORE = re.compile(r"\d[.,]$")
_DECIMAL_AFTER = re.compile(r"[.,]\d")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


class PhoneDetector:
    """Emits PHONE for numbers written internationally ("+44 …") or valid in one of ``regions``.

    An explicit country code is strong evidence, so an international number needs only a possible length
    (fictional and newly allocated ranges included); a national-format number must be valid in the
    region's numbering plan. The first region's pass finds both kinds, so the default costs one matcher
    run per candidate window; every further region adds one. No regions: international numbers only.
    """

    def __init__(self, regions: Sequence[str] = ("US",)) -> None:
        unknown = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions {unknown}; use ISO 3166 codes such as 'US', 'GB'")
        self._regions: tuple[str | None, ...] = tuple(regions) or (None,)

    @property
    def entities(self) -> tuple[str, ...]:
        return (PHONE,)

    def detect(self, text: str) -> Iterator[Span]:
        seen: set[tuple[int, int]] = set()
        for window_start, window_end in _candidate_windows(text):
            window = text[window_start:window_end]
            for index, region in enumerate(self._regions):
                leniency = phonenumbers.Leniency.POSSIBLE if index == 0 else phonenumbers.Leniency.VALID
                for match in phonenumbers.PhoneNumberMatcher(window, region, leniency=leniency):
                    start, end = window_start + match.start, window_start + match.end
                    if (start, end) in seen or (index == 0 and not _international_or_valid(match)):
                        continue
                    if _context_allows(text, start, end):
                        seen.add((start, end))
                        yield Span(PHONE, start, end)


def _international_or_valid(match: phonenumbers.PhoneNumberMatch) -> bool:
    # The matcher does not keep the country-code source, so look at what was written.
    return match.raw_string.lstrip("(").startswith("+") or phonenumbers.is_valid_number(match.number)


def _candidate_windows(text: str) -> Iterator[tuple[int, int]]:
    """Merged windows around candidate digit runs, padded so the matcher sees a little context."""
    current: tuple[int, int] | None = None
    for match in _CANDIDATE.finditer(text):
        start = max(0, match.start() - _CONTEXT_CHARS)
        end = min(len(text), match.end() + _CONTEXT_CHARS)
        if current is not None and start <= current[1]:
            current = (current[0], end)
            continue
        if current is not None:
            yield current
        current = (start, end)
    if current is not None:
        yield current


def _context_allows(text: str, start: int, end: int) -> bool:
    raw = text[start:end]
    before = text[max(0, start - _CONTEXT_CHARS) : start]
    if _NOT_A_PHONE_BEFORE.search(before) or _DOTTED_QUAD.fullmatch(raw):
        return False
    if _DECIMAL_BEFORE.search(before) or _DECIMAL_AFTER.match(text, end):
        return False
    if raw.startswith("+"):
        return True
    if _ARITHMETIC_BEFORE.search(before) or _ARITHMETIC_AFTER.match(text, end) or _DECIMALS.fullmatch(raw):
        return False
    return not (_NUMBER_BEFORE.search(before) or _NUMBER_AFTER.match(text, end))
