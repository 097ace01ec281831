"""``custom_id`` of a batch request: which content and which classifier versions it asks about.

Format ``st2|<ref, percent-encoded>|<classifier>@<version>,...``, where the ref is the content hash of the
request's conversation (the run's partition file maps it back to conversation ids): a conversation id, which may
hold an e-mail address or a customer number, never goes into an uploaded file. Runs submitted before wrote
``st1|<conversation id>|...``; both decode. Refs are percent-encoded (``|`` and ``,`` never appear unescaped);
classifier names are ``[a-z0-9_]`` and versions hex, so the string splits back unambiguously:
``decode(encode(x)) == x``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

from semtel_core.errors import BatchError

_PREFIX = "st2"
_PREFIXES = frozenset({"st1", _PREFIX})


@dataclass(frozen=True, slots=True)
class RequestKey:
    """What one batch request classifies: a ref (a content hash; a conversation id in ``st1`` runs) and
    (classifier, version) pairs."""

    ref: str
    classifiers: tuple[tuple[str, str], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.classifiers)


def encode(ref: str, classifiers: Sequence[tuple[str, str]]) -> str:
    if not classifiers:
        raise ValueError("a request asks about at least one classifier")
    tasks = ",".join(f"{name}@{version}" for name, version in classifiers)
    return f"{_PREFIX}|{quote(ref, safe='')}|{tasks}"


def decode(custom_id: str) -> RequestKey:
    """The request behind ``custom_id``; :class:`BatchError` for an id this module did not write."""
    parts = custom_id.split("|")
    if len(parts) != 3 or parts[0] not in _PREFIXES or not parts[2]:
        raise BatchError(f"not a semtel custom_id: {custom_id!r}", custom_id=custom_id)
    pairs = []
    for task in parts[2].split(","):
        name, sep, version = task.partition("@")
        if not sep or not name or not version:
            raise BatchError(f"not a semtel custom_id: {custom_id!r}", custom_id=custom_id)
        pairs.append((name, version))
    return RequestKey(unquote(parts[1]), tuple(pairs))
