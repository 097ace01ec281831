"""Luhn and IBAN mod-97 checks."""

from __future__ import annotations

import pytest

from semtel_core.privacy import iban_valid, luhn_valid

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111111",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "30569309025904",
        "79927398713",
    ],
)
def test_luhn_accepts_valid_numbers(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4111111111111112", "378282246310006", "79927398710", "1234567812345678"])
def test_luhn_rejects_a_wrong_check_digit(number: str) -> None:
    assert not luhn_valid(number)


@pytest.mark.parametrize("text", ["", "7", "4111 1111 1111 1111", "41111111111111a1"])
def test_luhn_rejects_what_is_not_a_digit_string(text: str) -> None:
    assert not luhn_valid(text)


def test_luhn_catches_every_single_digit_error() -> None:
    number = "4111111111111111"
    for position in range(len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1 :]
                assert not luhn_valid(changed), changed


@pytest.mark.parametrize(
    "iban",
    [
        "DE89 3704 0044 0532 0130 00",
        "GB29NWBK60161331926819",
        "FR14 2004 1010 0505 0001 3M02 606",
        "NO93 8601 1117 947",
        "BR97 0036 0305 0000 1000 9795 493P 1",
        "gb29 nwbk 6016 1331 9268 19",
    ],
)
def test_iban_accepts_valid_ibans(iban: str) -> None:
    assert iban_valid(iban)


@pytest.mark.parametrize(
    ("iban", "why"),
    [
        ("DE89 3704 0044 0532 0130 01", "check digits do not match"),
        ("DE88 3704 0044 0532 0130 00", "check digits do not match"),
        ("DE89 3704 0044 0532 0130 0", "too short for DE"),
        ("DE89 3704 0044 0532 0130 000", "too long for DE"),
        ("ZZ89 3704 0044 0532 0130 00", "no such country"),
        ("DEXX 3704 0044 0532 0130 00", "check digits must be digits"),
        ("DE89-3704-0044-0532-0130-00", "only spaces separate groups"),
    ],
)
def test_iban_rejects_invalid_ibans(iban: str, why: str) -> None:
    assert not iban_valid(iban), why


def test_iban_catches_a_swap_of_two_adjacent_digits() -> None:
    assert iban_valid("DE89370400440532013000")
    assert not iban_valid("DE89370400440532010300")
