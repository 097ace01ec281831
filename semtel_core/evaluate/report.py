"""Writing a comparison: ``comparison.json`` (every statistic), and the disagreements side by side as CSV and HTML.

The HTML is rendered by Jinja2 with autoescaping on: conversation excerpts are user text and must not become
markup in the reviewer's browser.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jinja2

from semtel_core.evaluate.compare import Comparison
from semtel_core.evaluate.gate import GateFailure
from semtel_core.schema.conversation import Conversation
from semtel_core.storage import atomic_open

EXCERPT_CHARS = 300
NO_LABEL = "(no label)"
CSV_COLUMNS = ("classifier", "conversation_id", "excerpt", "label_a", "label_b")

_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!doctype html>
<html><head><meta charset="utf-8"><title>semtel A/B disagreements</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;
vertical-align:top}td.x{max-width:60em;white-space:pre-wrap}.fail{color:#b00}</style></head><body>
<h1>A/B comparison</h1>
<p>A: {{ config_a }}<br>B: {{ config_b }}</p>
<p class="{{ 'fail' if failures else '' }}">Gate: {{ 'FAILED' if failures else 'passed' }}</p>
<ul>{% for f in failures %}<li class="fail">{{ f }}</li>{% endfor %}</ul>
<table><tr><th>classifier</th><th>paired</th><th>agreement</th><th>kappa</th><th>JSD</th><th>chi² p</th></tr>
{% for c in classifiers %}<tr><td>{{ c.classifier }}</td><td>{{ c.paired }}</td>
<td>{{ fmt(c.agreement) }}</td><td>{{ fmt(c.kappa) }}</td><td>{{ fmt(c.jsd) }}</td>
<td>{{ '%.3g' % c.chi_square.p_value }}</td></tr>{% endfor %}</table>
<h2>Disagreements ({{ rows|length }})</h2>
<table><tr>{% for col in columns %}<th>{{ col }}</th>{% endfor %}</tr>
{% for r in rows %}<tr><td>{{ r.classifier }}</td><td>{{ r.conversation_id }}</td><td class="x">{{ r.excerpt }}</td>
<td>{{ r.label_a }}</td><td>{{ r.label_b }}</td></tr>{% endfor %}</table></body></html>
"""
)


def conversation_excerpt(conversation: Conversation, limit: int = EXCERPT_CHARS) -> str:
    """The opening of the conversation, roles kept, cut at ``limit`` characters."""
    text = conversation.text()
    return text if len(text) <= limit else text[:limit] + "…"


def disagreement_rows(comparison: Comparison, excerpts: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "classifier": d.classifier,
            "conversation_id": d.conversation_id,
            "excerpt": excerpts.get(d.conversation_id, ""),
            "label_a": d.label_a if d.label_a is not None else NO_LABEL,
            "label_b": d.label_b if d.label_b is not None else NO_LABEL,
        }
        for d in comparison.disagreements
    ]


def _nan_to_none(value: Any) -> Any:
    """JSON has no NaN: an undefined statistic (no paired labels) is written as null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nan_to_none(v) for v in value]
    return value


def comparison_dict(comparison: Comparison, failures: Iterable[GateFailure]) -> dict[str, Any]:
    failures = list(failures)
    body = {
        "config_a": comparison.config_a,
        "config_b": comparison.config_b,
        "gate": {"passed": not failures, "failures": [asdict(f) for f in failures]},
        "classifiers": [asdict(c) for c in comparison.classifiers],
        "disagreements": len(comparison.disagreements),
    }
    return dict(_nan_to_none(body))


def _interval_text(interval: Any) -> str:
    return f"{interval.estimate:.3f} [{interval.low:.3f}, {interval.high:.3f}]"


def write_report(
    comparison: Comparison,
    failures: Iterable[GateFailure],
    out_dir: str | Path,
    excerpts: Mapping[str, str] | None = None,
) -> dict[str, Path]:
    """Write ``comparison.json``, ``disagreements.csv`` and ``disagreements.html`` atomically; return the paths."""
    failures = list(failures)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = disagreement_rows(comparison, excerpts or {})
    paths = {name: out / name for name in ("comparison.json", "disagreements.csv", "disagreements.html")}
    body = json.dumps(comparison_dict(comparison, failures), indent=2, allow_nan=False)
    _write_text(paths["comparison.json"], body)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    _write_text(paths["disagreements.csv"], buffer.getvalue())
    html = _HTML.render(
        config_a=json.dumps(comparison.config_a),
        config_b=json.dumps(comparison.config_b),
        failures=[str(f) for f in failures],
        classifiers=comparison.classifiers,
        rows=rows,
        columns=CSV_COLUMNS,
        fmt=_interval_text,
    )
    _write_text(paths["disagreements.html"], html)
    return paths


def _write_text(path: Path, text: str) -> None:
    with atomic_open(str(path), "wb") as f:
        f.write(text.encode("utf-8"))
