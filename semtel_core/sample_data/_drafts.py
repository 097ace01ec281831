"""Hand-written conversations as data: one :class:`Draft` per conversation, labels written next to the text.

The build script (``_build.py``) gives each draft an id, a timestamp and metadata; the drafts themselves hold
only what a person wrote: the turns and the labels a careful reader would give them.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_SETS: dict[str, tuple[str, ...]] = {
    "user_expertise": ("novice", "beginner", "intermediate", "proficient", "expert"),
    "topic": (
        "coding", "math", "data_analysis", "writing", "creative_writing", "business", "finance", "legal",
        "education", "science", "health", "travel", "entertainment", "games", "food_cooking",
        "relationships_advice", "career", "technology_support", "language_translation", "shopping", "other",
    ),
    "satisfaction": ("dissatisfied", "neutral", "satisfied"),
    "task_complexity": ("low", "high"),
    "knowledge_work": ("yes", "no"),
}  # fmt: skip

# Kinds of fake PII a draft may contain; ``expected_pii.jsonl`` lists them per conversation.
PII_KINDS: frozenset[str] = frozenset(
    {"email", "phone", "card", "iban", "api_key", "ip", "person", "address"}
)


@dataclass(frozen=True)
class Draft:
    """One conversation: turns alternate user/assistant, starting with the user."""

    labels: dict[str, str]
    turns: tuple[str, ...]
    locale: str = "en-US"
    system: str | None = None
    pii: tuple[str, ...] = ()


def d(labels: str, *turns: str, locale: str = "en-US", system: str | None = None, pii: str = "") -> Draft:
    """A draft from compact labels ``"topic expertise satisfaction complexity knowledge_work"``.

    Example: ``d("coding novice satisfied low yes", "user text", "assistant text", "thanks!")``.
    Labels are checked here so that a typo fails the build instead of reaching the expected-labels file.
    """
    topic, expertise, satisfaction, complexity, knowledge_work = labels.split()
    values = {
        "user_expertise": expertise,
        "topic": topic,
        "satisfaction": satisfaction,
        "task_complexity": complexity,
        "knowledge_work": knowledge_work,
    }
    for name, value in values.items():
        if value not in LABEL_SETS[name]:
            raise ValueError(f"{name}={value!r} is not one of {LABEL_SETS[name]} in draft {turns[0][:40]!r}")
    kinds = tuple(pii.split())
    if not set(kinds) <= PII_KINDS:
        raise ValueError(f"unknown PII kind in {kinds} (known: {sorted(PII_KINDS)})")
    if not turns:
        raise ValueError("a draft needs at least one turn")
    return Draft(labels=values, turns=turns, locale=locale, system=system, pii=kinds)
