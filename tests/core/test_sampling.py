from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from semtel_core.sampling import in_sample, sample_point
from semtel_core.schema.conversation import Message, content_hash

pytestmark = [pytest.mark.unit]

IDS = [f"conv-{i}" for i in range(20_000)]


def test_sample_is_deterministic_and_close_to_rate() -> None:
    first = [i for i in IDS if in_sample(i, 0.1)]
    second = [i for i in IDS if in_sample(i, 0.1)]
    assert first == second
    assert 0.09 < len(first) / len(IDS) < 0.11


def test_lower_rate_sample_is_subset_of_higher() -> None:
    small = {i for i in IDS if in_sample(i, 0.05)}
    large = {i for i in IDS if in_sample(i, 0.2)}
    assert small < large


def test_salt_changes_the_sample() -> None:
    a = {i for i in IDS if in_sample(i, 0.1, salt="a")}
    b = {i for i in IDS if in_sample(i, 0.1, salt="b")}
    assert a != b


@given(st.text(min_size=1), st.floats(min_value=0.0001, max_value=1.0))
def test_point_in_unit_interval(cid: str, rate: float) -> None:
    p = sample_point(cid)
    assert 0.0 <= p < 1.0
    assert in_sample(cid, rate) == (rate >= 1.0 or p < rate)


def test_content_hash_ignores_ids_but_not_boundaries() -> None:
    a = (Message(role="user", content="ab"), Message(role="assistant", content="c"))
    b = (Message(role="user", content="a"), Message(role="assistant", content="bc"))
    assert content_hash(a) != content_hash(b)
    assert content_hash(a) == content_hash(tuple(a))
