"""Structural text signals of a conversation: a short, fixed vector beside its embedding.

Language-independent figures about the shape of the text (length, script, digits, code and math notation) and
a few English dialogue-friction counts (apologies and refusals of the assistant, corrections and thanks of the
user). They carry what a sentence embedding of a truncated text drops: that a prompt is mostly code, has LaTeX
in it, is written in Chinese, or that the assistant kept saying "sorry, there is no ...". Stateless: the same
conversation always gives the same vector; each classifier standardises and weights them itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from semtel_core.schema.conversation import Conversation

_CODE_WORDS = re.compile(
    r"\b(def|return|import|class|function|const|let|var|public|private|static|void|elif|else|while|try|catch"
    r"|except|async|await|null|None|True|False|true|false|println|printf|console|include|struct|enum|fn|impl"
    r"|func|package|select|where|insert|join|echo|sudo|npm|pip|git|docker|api|json|html|css|sql|python|java"
    r"|javascript|typescript|rust|golang|kotlin|swift|php|ruby|bash|regex|script|code|program|bug|error"
    r"|compile|debug|server|database|query)\b",
    re.IGNORECASE,
)
_MATH_WORDS = re.compile(
    r"\b(solve|equation|prove|proof|probability|integral|derivative|calculate|compute|sum|number|integer"
    r"|prime|triangle|angle|area|volume|matrix|vector|limit|series|theorem|lemma|polynomial|roots?|expected"
    r"|variance|mean|median|percent|ratio|how many|how much|find|value|minimum|maximum|formula)\b",
    re.IGNORECASE,
)
_LATEX = re.compile(
    r"\\(frac|sum|int|sqrt|cdot|times|leq|geq|infty|alpha|beta|theta|pi|lambda|mathbb|mathrm|left|right"
    r"|begin|end)|\$[^$\n]+\$|\^\{|_\{|\\\(|\\\["
)
_MATH_SYMBOLS = re.compile(r"[∑∫√π≤≥≠±×÷∞∈∀∃→↔∧∨¬∆∂≈∠°²³¹⁴ⁿ½¼]")
_EQUATIONS = re.compile(r"\d\s*[-+*/^×÷=]\s*\d|\b[a-zA-Z]\s*[=<>]\s*-?\d|\b[a-z]\^\d|\b\d+[a-z]\b")
_CODE_SYMBOLS = re.compile(r"[{};]|=>|->|::|==|!=|&&|\|\||\+\+|</?\w+[^>\n]*>|\w+\.\w+\(|\w+\(\)")
_IDENTIFIERS = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z][a-zA-Z]+\b")
_INDENTED = re.compile(r"^(    |\t)", re.MULTILINE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_APOLOGY = re.compile(
    r"\bsorry\b|\bunfortunately\b|\bno\b|\bnot\b|n't\b|\bunable\b|\bcannot\b", re.IGNORECASE
)
_CORRECTION = re.compile(r"\bno\b|\bnot\b|n't\b|\bwrong\b|\bactually\b|\binstead\b", re.IGNORECASE)
_THANKS = re.compile(r"\bthank|\bthanks\b|\bgreat\b|\bperfect\b|\bbye\b", re.IGNORECASE)


def _share(text: str, test: Callable[[str], bool]) -> float:
    return sum(1 for ch in text if test(ch)) / max(len(text), 1)


def _per_kilochar(pattern: re.Pattern[str], text: str) -> float:
    return math.log1p(1000 * len(pattern.findall(text)) / max(len(text), 1))


def _per_hundred_words(pattern: re.Pattern[str], text: str) -> float:
    return math.log1p(100 * len(pattern.findall(text)) / max(len(text.split()), 1))


def _share_of_lines(lines: Sequence[str], test: Callable[[str], bool]) -> float:
    return sum(1 for line in lines if test(line.rstrip())) / max(len(lines), 1)


def text_signals(text: str) -> list[float]:
    """Shape, script, code and math figures of one text (order: :data:`TEXT_SIGNALS`)."""
    lines = text.splitlines() or [""]
    return [
        math.log1p(len(text)),
        math.log1p(len(lines)),
        _share(text, str.isascii),
        len(_CJK.findall(text)) / max(len(text), 1),
        len(_CYRILLIC.findall(text)) / max(len(text), 1),
        _share(text, str.isdigit),
        _share(text, str.isupper),
        _share(text, str.isspace),
        _share(text, lambda ch: not ch.isalnum() and not ch.isspace()),
        math.log1p(text.count("```")),
        _per_hundred_words(_CODE_WORDS, text),
        _per_hundred_words(_MATH_WORDS, text),
        _per_kilochar(_LATEX, text),
        _per_kilochar(_MATH_SYMBOLS, text),
        _per_kilochar(_EQUATIONS, text),
        _per_kilochar(_CODE_SYMBOLS, text),
        _per_kilochar(_IDENTIFIERS, text),
        len(_INDENTED.findall(text)) / len(lines),
        text.count("?") / len(lines) / 5,
        _share_of_lines(lines, lambda line: line.endswith(";")),
        _share_of_lines(lines, lambda line: line.endswith(("{", "}"))),
    ]


def dialogue_signals(turns: Sequence[tuple[str, str]]) -> list[float]:
    """Turn count and friction counts (order: :data:`DIALOGUE_SIGNALS`)."""
    user = [text for role, text in turns if role == "user"]
    other = [text for role, text in turns if role != "user"]

    def count(pattern: re.Pattern[str], texts: Sequence[str]) -> float:
        return math.log1p(sum(len(pattern.findall(t)) for t in texts))

    return [
        math.log1p(len(turns)),
        count(_APOLOGY, other),
        count(_CORRECTION, user),
        count(_THANKS, user),
        float(bool(user) and _THANKS.search(user[-1]) is not None),
    ]


TEXT_SIGNALS = (
    "log_chars",
    "log_lines",
    "ascii_share",
    "cjk_share",
    "cyrillic_share",
    "digit_share",
    "upper_share",
    "space_share",
    "punctuation_share",
    "code_fences",
    "code_words",
    "math_words",
    "latex",
    "math_symbols",
    "equations",
    "code_symbols",
    "identifiers",
    "indented_lines",
    "questions",
    "semicolon_lines",
    "brace_lines",
)
DIALOGUE_SIGNALS = ("log_turns", "assistant_apologies", "user_corrections", "user_thanks", "ends_with_thanks")
SIGNAL_NAMES = TEXT_SIGNALS + DIALOGUE_SIGNALS


def conversation_signals(conversation: Conversation) -> list[float]:
    """:data:`SIGNAL_NAMES` of a conversation: text signals of all its turns, then the dialogue signals."""
    turns = [(m.role, m.content) for m in conversation.messages if m.role != "system"]
    return text_signals("\n".join(text for _, text in turns)) + dialogue_signals(turns)
