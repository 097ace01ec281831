"""Placeholders, overlaps, idempotence, configuration and whole conversations."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semtel_core.config import PrivacySettings, load_settings
from semtel_core.errors import ConfigError
from semtel_core.privacy import Scrubber, Span, build_scrubber, scrub_conversation
from semtel_core.privacy.regex_detector import RegexDetector
from semtel_core.schema.conversation import Conversation, Message

pytestmark = [pytest.mark.unit]

SCRUBBER = build_scrubber(PrivacySettings())

# One realistic sentence per placeholder: (text, entity, expected scrubbed text).
EXAMPLES = [
    ("write to ana.lopez@example.es today", "EMAIL", "write to <EMAIL> today"),
    ("call +44 20 7946 0958 after six", "PHONE", "call <PHONE> after six"),
    ("or (415) 555-2671 in the US", "PHONE", "or <PHONE> in the US"),
    ("card 4111 1111 1111 1111 exp 12/27", "CREDIT_CARD", "card <CREDIT_CARD> exp 12/27"),
    ("ssh to 203.0.113.42 now", "IP_ADDRESS", "ssh to <IP_ADDRESS> now"),
    ("v6 2001:db8:85a3::8a2e:370:7334 too", "IP_ADDRESS", "v6 <IP_ADDRESS> too"),
    ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN", "IBAN <IBAN> please"),
    ("key sk-proj-Jx8fK2mQ9wLr4TzV7bN1cY5hA3dE6gS0 leaked", "SECRET", "key <SECRET> leaked"),
    ("aws AKIAIOSFODNN7EXAMPLE here", "SECRET", "aws <SECRET> here"),
    ("Authorization: Bearer 8f14e45fceea167a5a36dedd4bea2543", "SECRET", "Authorization: Bearer <SECRET>"),
    ('password = "correct-horse-42"', "SECRET", 'password = "<SECRET>"'),
    (
        "db postgres://app:Zx9kq2w@db.example.com:5432/prod ok",
        "URL_WITH_CREDENTIALS",
        "db <URL_WITH_CREDENTIALS> ok",
    ),
    (
        "reset at https://app.example.com/reset?token=f3a9c2b7e1d0.",
        "URL_WITH_CREDENTIALS",
        "reset at <URL_WITH_CREDENTIALS>.",
    ),
]


@pytest.mark.parametrize(("text", "entity", "expected"), EXAMPLES)
def test_each_entity_gets_its_typed_placeholder(text: str, entity: str, expected: str) -> None:
    result = SCRUBBER.scrub(text)
    assert result.text == expected
    assert result.counts == {entity: 1}
    (span,) = result.spans
    assert span.entity == entity
    assert f"<{entity}>" == result.text[span.start : span.start + len(entity) + 2]


def test_spans_point_into_the_original_text_and_counts_add_up() -> None:
    text = "mail a@example.com, call +1 415-555-2671, mail b@example.org"
    result = SCRUBBER.scrub(text)
    assert [text[s.start : s.end] for s in result.spans] == [
        "a@example.com",
        "+1 415-555-2671",
        "b@example.org",
    ]
    assert result.counts == {"EMAIL": 2, "PHONE": 1}
    assert result.total == 3


@pytest.mark.parametrize(
    "text",
    [
        "Upgrade numpy from 1.26.4 to 2.0.1 on 2024-03-15.",
        "Order #4155552671 shipped; invoice total $1,299.99.",
        "4111 1111 1111 1112 fails the Luhn check.",
        "DE89 3704 0044 0532 0130 01 fails mod-97.",
        "Bind 127.0.0.1 with mask 255.255.255.0.",
        'api_key = os.environ["OPENAI_API_KEY"]',
        "git clone git@github.com:org/repo.git and open logo@2x.png",
        "",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    result = SCRUBBER.scrub(text)
    assert result.text == text
    assert result.counts == {}
    assert result.spans == ()


def test_url_with_credentials_wins_over_the_email_like_part_inside_it() -> None:
    result = SCRUBBER.scrub("https://alice:wonderland@intranet.example.org/x")
    assert result.text == "<URL_WITH_CREDENTIALS>"


class _FixedSpans:
    """A detector that reports the given spans in one given text (overlaps on demand), nothing elsewhere."""

    def __init__(self, text: str, *spans: Span) -> None:
        self._text = text
        self._spans = spans

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple({span.entity for span in self._spans})

    def detect(self, text: str) -> tuple[Span, ...]:
        return self._spans if text == self._text else ()


def test_earlier_detector_wins_an_overlap_and_longer_span_wins_within_one() -> None:
    text = "0123456789"
    early = _FixedSpans(text, Span("EARLY", 2, 4))
    late = _FixedSpans(text, Span("LATE", 0, 3), Span("LATE", 3, 9), Span("LATE", 4, 6))
    assert Scrubber((early, late)).scrub(text).text == "01<EARLY><LATE>6789"
    result = Scrubber((late, early)).scrub(text)
    assert result.text == "<LATE><LATE>9"  # (3, 9) beats the shorter (4, 6) it overlaps
    assert [(s.entity, s.start, s.end) for s in result.spans] == [("LATE", 0, 3), ("LATE", 3, 9)]


def test_entities_glued_together_are_all_found_and_spans_map_to_the_original() -> None:
    text = "x +49 30 901820GB29NWBK60161331926819 y"
    result = SCRUBBER.scrub(text)
    assert result.text == "x <PHONE><IBAN> y"
    assert [text[s.start : s.end] for s in result.spans] == ["+49 30 901820", "GB29NWBK60161331926819"]
    assert result.counts == {"PHONE": 1, "IBAN": 1}


def test_scrubbing_scrubbed_text_changes_nothing_on_the_examples() -> None:
    for text, _, _ in EXAMPLES:
        once = SCRUBBER.scrub(text)
        twice = SCRUBBER.scrub(once.text)
        assert twice.text == once.text
        assert twice.counts == {}


_FRAGMENTS = [
    "jane@example.com", "+49 30 901820", "4111-1111-1111-1111", "10.1.2.3", "GB29NWBK60161331926819",
    "token=abc123def456", "Bearer abcdefghijklmnop1234", "https://u:p@h.example.com/x", "<EMAIL>", "<",
    ">", "@", "password:", " ", "\n", "0", "7", "-", ".", ":", "é", "x", "sk-", "AKIA",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=6), max_size=14).map("".join))
def test_scrubbing_is_idempotent_and_spans_rebuild_the_output(text: str) -> None:
    result = SCRUBBER.scrub(text)
    assert SCRUBBER.scrub(result.text).text == result.text
    rebuilt, position = [], 0
    for span in result.spans:
        rebuilt += [text[position : span.start], f"<{span.entity}>"]
        position = span.end
    assert "".join([*rebuilt, text[position:]]) == result.text


def test_extra_patterns_from_config_are_applied_with_their_own_placeholder() -> None:
    settings_ = load_settings(privacy={"extra_patterns": {"employee_id": r"\bEMP-\d{6}\b"}})
    scrubber = build_scrubber(settings_.privacy)
    result = scrubber.scrub("ticket from EMP-004211 (jane@example.com)")
    assert result.text == "ticket from <EMPLOYEE_ID> (<EMAIL>)"
    assert result.counts == {"EMPLOYEE_ID": 1, "EMAIL": 1}
    assert scrubber.scrub(result.text).text == result.text


def test_extra_patterns_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMTEL_PRIVACY__EXTRA_PATTERNS", '{"badge": "B#[0-9]{4}"}')
    scrubber = build_scrubber(load_settings().privacy)
    assert scrubber.scrub("badge B#1234").text == "badge <BADGE>"


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ({"broken": "(unclosed"}, "not a valid regex"),
        ({"bad name!": "x"}, "placeholder name"),
        ({"empty": "a*"}, "empty string"),
    ],
)
def test_invalid_extra_patterns_fail_with_the_field_named(patterns: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        build_scrubber(PrivacySettings(extra_patterns=patterns))
    assert info.value.details["field"].startswith("privacy.extra_patterns.")


def test_unknown_phone_region_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        build_scrubber(PrivacySettings(phone_regions=["XX"]))
    assert info.value.details["field"] == "privacy.phone_regions"


def test_more_phone_regions_find_national_formats() -> None:
    text = "Ruf an: 030 901820"
    assert build_scrubber(PrivacySettings()).scrub(text).counts == {}
    assert build_scrubber(PrivacySettings(phone_regions=["US", "DE"])).scrub(text).text == "Ruf an: <PHONE>"


def test_disabled_privacy_gives_a_pass_through_scrubber(caplog: pytest.LogCaptureFixture) -> None:
    scrubber = build_scrubber(PrivacySettings(enabled=False))
    assert scrubber.scrub("jane@example.com").text == "jane@example.com"
    assert "disabled" in caplog.text


def test_scrub_conversation_returns_a_new_conversation_and_the_counts() -> None:
    conversation = Conversation(
        conversation_id="c-1",
        messages=(
            Message(role="user", content="I'm jane@example.com, call +1 415-555-2671"),
            Message(role="assistant", content="Thanks, noted."),
            Message(role="user", content="backup: jane@example.org"),
        ),
    )
    scrubbed, counts = scrub_conversation(conversation, SCRUBBER)
    assert counts == {"EMAIL": 2, "PHONE": 1}
    assert [m.content for m in scrubbed.messages] == [
        "I'm <EMAIL>, call <PHONE>",
        "Thanks, noted.",
        "backup: <EMAIL>",
    ]
    assert scrubbed.conversation_id == "c-1"
    assert conversation.messages[0].content.startswith("I'm jane@")
    assert scrubbed.content_hash != conversation.content_hash


def test_scrub_conversation_without_pii_returns_the_same_conversation() -> None:
    conversation = Conversation(conversation_id="c-2", messages=(Message(role="user", content="hello"),))
    scrubbed, counts = scrub_conversation(conversation, SCRUBBER)
    assert scrubbed is conversation
    assert counts == {}


def test_span_carries_no_matched_text() -> None:
    assert set(Span.__slots__) == {"entity", "start", "end"}


def test_prefilters_never_change_what_a_detector_finds() -> None:
    # A prefilter is a speed-up only: on the labelled corpus (every entity type, near misses included) each
    # detector finds exactly the spans it finds without one.
    corpus = Path(__file__).with_name("pii_corpus.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in corpus]
    detectors = [
        d
        for d in build_scrubber(PrivacySettings()).detectors
        if isinstance(d, RegexDetector) and d.prefilter is not None
    ]
    assert {d.entity for d in detectors} >= {"NATIONAL_ID", "IP_ADDRESS", "SECRET"}
    for detector in detectors:
        plain = dataclasses.replace(detector, prefilter=None)
        found = 0
        for text in texts:
            spans = list(detector.detect(text))
            assert spans == list(plain.detect(text)), (detector.entity, text)
            found += len(spans)
        assert found >= 5, (
            detector.entity
        )  # the corpus holds these entities: not a comparison of empty results
