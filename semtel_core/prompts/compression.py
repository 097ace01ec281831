"""Optional compression of conversation text before it is put in a prompt.

Whitespace squeezing changes nothing a classifier can see. The other steps shorten what a classifier does not
need verbatim (repeated lines and paragraphs, long code blocks, long pasted logs) and leave a marker saying what
was removed, so a reader and the model both know text was elided. Each step is a small regex pass: the text shapes
are too varied for a parser, and no maintained library does this job for chat text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Turn = tuple[str, str]

_TRAILING_SPACE_RE = re.compile(r"[ \t]+$", re.M)
_INNER_SPACES_RE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_FENCE_RE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
_LOG_LINE_RE = re.compile(
    r"^\s*(?:\[?\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}"  # ISO timestamp
    r"|\[?\d{1,2}:\d{2}:\d{2}"  # clock time
    r"|\[?(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|CRITICAL|FATAL)\b"  # log level
    r"|at [\w$.<>]+\(.*\)\s*$"  # Java / JS stack frame
    r'|File ".*", line \d+)'  # Python stack frame
)
_PY_FRAME_RE = re.compile(r'^\s*File ".*", line \d+')


@dataclass(frozen=True)
class CompressionOptions:
    code_max_lines: int = 40
    code_keep_head: int = 15
    code_keep_tail: int = 5
    log_min_lines: int = 12
    log_keep_head: int = 5
    log_keep_tail: int = 3
    repeat_min_run: int = 3
    paragraph_min_chars: int = 80


def _squeeze_whitespace(text: str) -> str:
    # Leading indentation is kept (it carries code structure); runs of inner spaces are not.
    text = _TRAILING_SPACE_RE.sub("", text)
    text = _INNER_SPACES_RE.sub(" ", text)
    return _BLANK_LINES_RE.sub("\n\n", text).strip()


def _shorten_code_blocks(text: str, opts: CompressionOptions) -> str:
    def shorten(m: re.Match[str]) -> str:
        lines = m.group(2).splitlines()
        if len(lines) <= opts.code_max_lines:
            return m.group(0)
        elided = len(lines) - opts.code_keep_head - opts.code_keep_tail
        kept = [
            *lines[: opts.code_keep_head],
            f"[… {elided} code lines elided …]",
            *lines[-opts.code_keep_tail :],
        ]
        opening = m.group(0).split("\n", 1)[0]
        return "\n".join([opening, *kept, m.group(1)])

    return _FENCE_RE.sub(shorten, text)


def _shorten_runs(
    lines: list[str], is_member: Callable[[int], bool], min_run: int, make: Callable[[list[str]], list[str]]
) -> list[str]:
    """Replace each run of at least ``min_run`` consecutive member lines by ``make(run)``."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not is_member(i):
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and is_member(j):
            j += 1
        run = lines[i:j]
        out.extend(make(run) if len(run) >= min_run else run)
        i = j
    return out


def _shorten_logs(text: str, opts: CompressionOptions) -> str:
    lines = text.split("\n")

    def make(run: list[str]) -> list[str]:
        elided = len(run) - opts.log_keep_head - opts.log_keep_tail
        return [*run[: opts.log_keep_head], f"[… {elided} log lines elided …]", *run[-opts.log_keep_tail :]]

    def is_log_line(k: int) -> bool:
        # A Python frame is followed by an indented source line: that line belongs to the trace too.
        after_frame = k > 0 and lines[k][:1].isspace() and bool(_PY_FRAME_RE.match(lines[k - 1]))
        return after_frame or bool(_LOG_LINE_RE.match(lines[k]))

    return "\n".join(_shorten_runs(lines, is_log_line, opts.log_min_lines, make))


def _collapse_repeated_lines(text: str, opts: CompressionOptions) -> str:
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1] == lines[i]:
            j += 1
        run = j - i + 1
        if lines[i].strip() and run >= opts.repeat_min_run:
            out.extend([lines[i], f"[… line repeated {run - 1} more times …]"])
        else:
            out.extend(lines[i : j + 1])
        i = j + 1
    return "\n".join(out)


def _collapse_seen_paragraphs(text: str, seen: set[str], opts: CompressionOptions) -> str:
    out = []
    for paragraph in text.split("\n\n"):
        key = paragraph.strip()
        if len(key) >= opts.paragraph_min_chars and key in seen:
            out.append("[… repeated paragraph elided …]")
        else:
            seen.add(key)
            out.append(paragraph)
    return "\n\n".join(out)


def compress_turns(
    turns: Sequence[Turn], options: CompressionOptions | None = None
) -> tuple[tuple[Turn, ...], tuple[str, ...]]:
    """Compress every turn; returns the new turns and the kinds of compression that changed something."""
    opts = options or CompressionOptions()
    seen: set[str] = set()
    kinds: dict[str, None] = {}
    steps: list[tuple[str, Callable[[str], str]]] = [
        ("whitespace", _squeeze_whitespace),
        ("code_block", lambda t: _shorten_code_blocks(t, opts)),
        ("log", lambda t: _shorten_logs(t, opts)),
        ("repeated", lambda t: _collapse_repeated_lines(t, opts)),
        ("repeated", lambda t: _collapse_seen_paragraphs(t, seen, opts)),
    ]
    out: list[Turn] = []
    for role, content in turns:
        for kind, step in steps:
            new = step(content)
            if new != content:
                kinds[kind] = None
                content = new
        out.append((role, content))
    return tuple(out), tuple(kinds)
