from __future__ import annotations

import pytest

from semtel_core.prompts.compression import CompressionOptions, compress_turns

pytestmark = [pytest.mark.unit]


def _one(text: str, **options: int) -> tuple[str, tuple[str, ...]]:
    (turn,), kinds = compress_turns([("user", text)], CompressionOptions(**options))
    return turn[1], kinds


def test_whitespace_keeps_indentation() -> None:
    text, kinds = _one("def f():  \n    return   1\n\n\n\nend   ")
    assert text == "def f():\n    return 1\n\nend"
    assert kinds == ("whitespace",)


def test_long_code_block_is_shortened_with_a_marker() -> None:
    code = "\n".join(f"line_{i} = {i}" for i in range(100))
    text, kinds = _one(f"Fix this:\n```python\n{code}\n```\nplease")
    assert kinds == ("code_block",)
    assert "[… 80 code lines elided …]" in text
    assert "line_0 = 0" in text and "line_99 = 99" in text and "line_50 = 50" not in text
    assert text.startswith("Fix this:\n```python\n") and text.endswith("```\nplease")


def test_short_code_block_is_kept() -> None:
    text, kinds = _one("```\na\nb\n```")
    assert (text, kinds) == ("```\na\nb\n```", ())


def test_pasted_log_is_shortened() -> None:
    log = "\n".join(f"2024-05-01 12:00:{i:02d} INFO worker {i} started" for i in range(30))
    text, kinds = _one(f"My service logs:\n{log}\nwhat is wrong?")
    assert kinds == ("log",)
    assert "[… 22 log lines elided …]" in text and text.endswith("what is wrong?")


def test_python_traceback_counts_as_one_log() -> None:
    frames = "\n".join(f'  File "m{i}.py", line {i}, in f{i}\n    call_{i}()' for i in range(10))
    text, kinds = _one(f"Traceback (most recent call last):\n{frames}\nValueError: boom")
    assert kinds == ("log",)
    assert "log lines elided" in text and "ValueError: boom" in text


def test_repeated_lines_and_paragraphs() -> None:
    paragraph = "As an AI language model, I cannot browse the internet or access real-time information."
    turns = [("assistant", f"{paragraph}\n\nAnswer one."), ("assistant", f"{paragraph}\n\nAnswer two.")]
    (first, second), kinds = compress_turns(turns)
    assert first[1].startswith(paragraph)
    assert second[1] == "[… repeated paragraph elided …]\n\nAnswer two."
    text, kinds2 = _one("spam\n" * 10 + "end")
    assert text == "spam\n[… line repeated 9 more times …]\nend"
    assert kinds == kinds2 == ("repeated",)
