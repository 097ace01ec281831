from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semtel_core.config import load_settings
from semtel_core.prompts import TokenBudget
from semtel_core.prompts.budget import TruncationStrategy, fit_turns
from semtel_core.prompts.tokens import count_tokens

pytestmark = [pytest.mark.unit]

LONG = (
    ("user", "FIRST " + "alpha " * 400),
    ("assistant", "beta " * 400),
    ("user", "gamma " * 400),
    ("assistant", "delta " * 400 + " LAST"),
)
STRATEGIES: list[TruncationStrategy] = ["head", "tail", "head_tail", "turns"]


def _tokens(turns: tuple[tuple[str, str], ...]) -> int:
    return sum(count_tokens(c) for _, c in turns)


def test_short_conversations_are_untouched() -> None:
    turns = (("user", "hi"), ("assistant", "hello"))
    fitted, record = fit_turns(turns, TokenBudget(max_tokens=512))
    assert fitted == turns
    assert (record.truncated, record.original_tokens, record.final_tokens) == (False, 2, 2)


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("limit", [64, 512, 1024])
def test_every_strategy_respects_the_limit(strategy: TruncationStrategy, limit: int) -> None:
    fitted, record = fit_turns(LONG, TokenBudget(max_tokens=limit, strategy=strategy))
    assert record.truncated and record.strategy == strategy and record.limit == limit
    assert record.final_tokens == _tokens(fitted) <= limit
    assert record.original_tokens == _tokens(LONG)
    assert "elided" in " ".join(c for _, c in fitted)


def test_head_keeps_the_beginning_tail_the_end() -> None:
    head, _ = fit_turns(LONG, TokenBudget(max_tokens=128, strategy="head"))
    tail, _ = fit_turns(LONG, TokenBudget(max_tokens=128, strategy="tail"))
    both, record = fit_turns(LONG, TokenBudget(max_tokens=128, strategy="head_tail"))
    assert head[0][1].startswith("FIRST") and "LAST" not in head[-1][1]
    assert tail[-1][1].endswith("LAST") and "FIRST" not in tail[0][1]
    assert both[0][1].startswith("FIRST") and both[-1][1].endswith("LAST")
    assert [r for r, _ in both] == ["user", "assistant"]
    assert (record.turns_dropped, record.turns_cut) == (2, 2)


def test_turns_strategy_keeps_first_user_turn_and_last_turns() -> None:
    turns = (("system", "be nice"), *LONG, ("user", "thanks, bye"))
    fitted, record = fit_turns(turns, TokenBudget(max_tokens=400, strategy="turns", turn_cap=100))
    assert fitted[0][0] == "user" and fitted[0][1].startswith("FIRST")
    assert fitted[-1] == ("user", "thanks, bye")
    assert "turns elided" in fitted[0][1]
    assert record.turns_dropped == len(turns) - len(fitted)
    assert record.final_tokens <= 400


def test_compression_is_recorded() -> None:
    turns = (("user", "hello     world\n\n\n\n\nagain"), ("assistant", "ok"))
    fitted, record = fit_turns(turns, TokenBudget(max_tokens=512, compress=True))
    assert fitted[0][1] == "hello world\n\nagain"
    assert record.compression == ("whitespace",) and not record.truncated
    assert record.compressed_tokens is not None and record.compressed_tokens < record.original_tokens


def test_none_strategy_never_truncates() -> None:
    fitted, record = fit_turns(LONG, TokenBudget(max_tokens=64, strategy="none"))
    assert fitted == LONG and not record.truncated


def test_budget_from_settings() -> None:
    budget = TokenBudget.from_settings(
        load_settings(prompts={"truncation": "turns", "max_conversation_tokens": 999})
    )
    assert (budget.strategy, budget.max_tokens, budget.compress) == ("turns", 999, False)
    with pytest.raises(ValueError, match="at least"):
        TokenBudget(max_tokens=5)


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)


@settings(max_examples=60, deadline=None)
@given(
    turns=st.lists(st.tuples(st.sampled_from(["user", "assistant"]), _text), min_size=1, max_size=6),
    limit=st.integers(min_value=32, max_value=300),
    strategy=st.sampled_from(STRATEGIES),
)
def test_any_text_fits_any_limit(
    turns: list[tuple[str, str]], limit: int, strategy: TruncationStrategy
) -> None:
    fitted, record = fit_turns(tuple(turns), TokenBudget(max_tokens=limit, strategy=strategy))
    assert record.final_tokens <= limit or not record.truncated
    assert record.final_tokens <= max(limit, record.original_tokens)
    assert len(fitted) >= 1
