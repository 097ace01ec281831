"""The hand-written conversations, one module per group of topics."""

from __future__ import annotations

from semtel_core.sample_data._content import (
    assorted_life,
    assorted_work,
    business_finance_legal,
    coding,
    home_life,
    language_other,
    learning_health,
    leisure,
    long_sessions,
    math_data,
    work_support,
    writing,
)
from semtel_core.sample_data._drafts import Draft

ALL_DRAFTS: tuple[Draft, ...] = (
    *coding.DRAFTS,
    *math_data.DRAFTS,
    *writing.DRAFTS,
    *business_finance_legal.DRAFTS,
    *learning_health.DRAFTS,
    *leisure.DRAFTS,
    *home_life.DRAFTS,
    *work_support.DRAFTS,
    *language_other.DRAFTS,
    *long_sessions.DRAFTS,
    *assorted_work.DRAFTS,
    *assorted_life.DRAFTS,
)
