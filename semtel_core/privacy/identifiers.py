"""Detectors for structured identifiers: e-mail addresses, IP addresses, payment cards and IBANs.

Each is a permissive regex followed by a strict validator (``ipaddress``, Luhn plus card-network prefixes,
mod-97), so that version strings, order numbers and look-alike digit runs are not scrubbed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from semtel_core.privacy.checksums import IBAN_LENGTHS, iban_valid, luhn_valid
from semtel_core.privacy.regex_detector import RegexDetector
from semtel_core.privacy.spans import CREDIT_CARD, EMAIL, IBAN, IP_ADDRESS, NATIONAL_ID, PASSPORT, Span

# An apostrophe may sit inside the local part (o'brien@example.com), never first: a quote before an address is
# punctuation.
_EMAIL_RE = re.compile(
    r"(?<![\w.%+-])[\w%+-][\w%+'-]*(?:\.[\w%+'-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?![\w-])"
)
# ``icon@2x.png`` and ``logo@3x.webp`` are asset names, not addresses.
_FILE_EXTENSIONS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "css", "scss", "js", "mjs",
        "ts", "tsx", "jsx", "json", "html", "htm", "txt", "pdf", "zip", "tar", "gz", "yaml", "yml", "xml",
        "csv", "lock", "mp3", "mp4", "wav", "mov",
    }
)  # fmt: skip


def _email_ok(match: re.Match[str]) -> bool:
    if match.group(1).lower() in _FILE_EXTENSIONS:
        return False
    text, start, end = match.string, match.start(), match.end()
    if text.endswith("://", 0, start):
        return False  # the user part of a URL (ssh://git@host), not a mailbox
    # scp-style remotes (git@github.com:org/repo.git) name an account on a host, not a mailbox.
    return not (text.startswith(":", end) and end + 1 < len(text) and not text[end + 1].isspace())


# No leading look-behind: a pattern that starts with a digit lets the regex engine skip ahead quickly;
# check the character before the match instead. ``ipaddress`` rejects octets over 255.
_IPV4_RE = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)")
_IPV6_RE = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f]*:[0-9A-Fa-f]*:)[0-9A-Fa-f:]{2,39}(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)"
)
_NETMASK_OCTETS = frozenset({"0", "128", "192", "224", "240", "248", "252", "254", "255"})
# Dotted numbers after these words are versions or outline numbers ("Section 3.2.1.4"), not addresses.
_NOT_AN_ADDRESS_BEFORE = re.compile(
    r"(?:\bv|version|release|build|firmware|section|sec\.|chapter|clause|step|rule|item|§)\s*$", re.IGNORECASE
)


def _preceded_by(match: re.Match[str], chars: str) -> bool:
    start = match.start()
    return start > 0 and (match.string[start - 1] in chars or match.string[start - 1].isalnum())


def _ip_ok(match: re.Match[str]) -> bool:
    value = match.group(0)
    if "." in value and _preceded_by(match, "._"):
        return False
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    # Loopback and "any" addresses identify nobody; netmasks (255.255.255.0) are not addresses at all.
    if address.is_loopback or address.is_unspecified:
        return False
    octets = value.split(".")
    if len(octets) == 4 and octets[0] == "255" and all(o in _NETMASK_OCTETS for o in octets):
        return False
    return _NOT_AN_ADDRESS_BEFORE.search(match.string, max(0, match.start() - 12), match.start()) is None


_CARD_RE = re.compile(r"\d(?:[ -]?\d){12,18}(?![\d]|[.,-]\d)")
# Issuer prefixes (IIN ranges) with their lengths: Visa, Mastercard, Amex, Diners, Discover/UnionPay/Maestro, JCB.
_CARD_NUMBER = re.compile(
    r"4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2(?:2[2-9]\d|[3-6]\d\d|7[01]\d|720)\d{12}|3[47]\d{13}"
    r"|3(?:0[0-5]|[689]\d)\d{11,16}|6\d{15,18}|35\d{14,17}|5[06-9]\d{10,17}"
)


def _card_ok(match: re.Match[str]) -> bool:
    raw = match.group(0)
    if _preceded_by(match, ".,-"):
        return False
    separators = {c for c in raw if not c.isdigit()}
    if len(separators) > 1:
        return False  # "4111 1111-1111 1111" mixes separators: a list of numbers, not a card
    digits = raw.replace(" ", "").replace("-", "")
    return _CARD_NUMBER.fullmatch(digits) is not None and luhn_valid(digits)


_IBAN_START = re.compile(r"([A-Z]{2})\d\d(?=[ ]?[A-Z0-9])")


class IbanDetector:
    """Finds IBANs, compact or printed in groups of four, by walking exactly the country's length."""

    @property
    def entities(self) -> tuple[str, ...]:
        return (IBAN,)

    def detect(self, text: str) -> Iterator[Span]:
        for match in _IBAN_START.finditer(text):
            length = IBAN_LENGTHS.get(match.group(1))
            if length is None or _preceded_by(match, "_"):
                continue
            end = _walk_iban(text, match.start(), length)
            if end is not None and iban_valid(text[match.start() : end]):
                yield Span(IBAN, match.start(), end)


def _walk_iban(text: str, start: int, length: int) -> int | None:
    """End offset after ``length`` alphanumerics (single spaces allowed between), or None if it breaks."""
    seen, position = 0, start
    while seen < length and position < len(text):
        char = text[position]
        if char.isascii() and char.isalnum():
            seen += 1
        elif not (char == " " and seen > 0 and position + 1 < len(text) and text[position + 1].isalnum()):
            return None
        position += 1
    if seen < length or (position < len(text) and (text[position].isalnum() or text[position] == "_")):
        return None
    return position


# US social security numbers in their written form (3-2-4 with dashes or spaces, one separator throughout), with
# the ranges never issued left out (area 000, 666, 9xx; group 00; serial 0000): precision over recall, since a
# bare nine-digit run is as often an order number.
_SSN_RE = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
# Passport numbers have no checksum or common shape: found only when the word passport introduces them.
_PASSPORT_RE = re.compile(
    r"(?i)\b(?:passport|passeport|reisepass|pasaporte)(?:\s+(?:no\.?|number|num\.?|nr\.?|#))?"
    r"(?:\s+(?:is|was))?\s*[:#]?\s*"
    r"(?-i:(?P<number>[A-Z0-9]{1,2}[0-9]{5,8}|[0-9]{2}[A-Z]{2}[0-9]{5}|[A-Z]{1,2}[0-9A-Z]{6,8}))(?![\w-])"
)

EMAIL_DETECTOR = RegexDetector(EMAIL, _EMAIL_RE, validator=_email_ok, required=("@",))
SSN_DETECTOR = RegexDetector(NATIONAL_ID, _SSN_RE, prefilter=re.compile(r"\d\d\d[- ]\d\d[- ]"))
PASSPORT_DETECTOR = RegexDetector(
    PASSPORT, _PASSPORT_RE, group="number", required=("passport", "passeport", "reisepass", "pasaporte"),
    required_lower=True,
)  # fmt: skip
IPV4_DETECTOR = RegexDetector(
    IP_ADDRESS, _IPV4_RE, validator=_ip_ok, required=(".",), prefilter=re.compile(r"\d\.\d{1,3}\.\d")
)
IPV6_DETECTOR = RegexDetector(
    IP_ADDRESS, _IPV6_RE, validator=_ip_ok, required=(":",), prefilter=re.compile(r":[0-9A-Fa-f]*:")
)
CARD_DETECTOR = RegexDetector(CREDIT_CARD, _CARD_RE, validator=_card_ok)
IBAN_DETECTOR = IbanDetector()
