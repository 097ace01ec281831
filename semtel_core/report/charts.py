"""Inline SVG charts, generated here rather than with Vega-Lite/altair: a report that opens offline, from an
e-mail attachment or an object store, with no JavaScript and no 700 kB of inlined vega libraries, and whose
charts are plain DOM elements a test (or a screen reader, via ``<title>``) can inspect."""

from __future__ import annotations

from markupsafe import Markup, escape

from semtel_core.report.figures import Distribution

_BAR_H = 22
_GAP = 6
_LABEL_W = 170
_PLOT_W = 360
_VALUE_W = 120


def _fmt_pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _fmt_delta(delta: float | None) -> str:
    if delta is None:
        return ""
    return f"{delta * 100:+.1f} pp"


def distribution_svg(dist: Distribution, k: int) -> Markup:
    """Horizontal bars of label shares; a tick marks last week's share; withheld labels get no bar."""
    height = max(1, len(dist.bars)) * (_BAR_H + _GAP) + _GAP
    width = _LABEL_W + _PLOT_W + _VALUE_W
    top = max((b.share or 0.0 for b in dist.bars), default=0.0)
    top = max(top, max((b.previous_share or 0.0 for b in dist.bars), default=0.0), 1e-9)
    parts = [
        f'<svg class="chart distribution" data-classifier="{escape(dist.classifier)}" '
        f'xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f"<title>Label distribution of {escape(dist.classifier)}</title>",
    ]
    for i, bar in enumerate(dist.bars):
        y = _GAP + i * (_BAR_H + _GAP)
        mid = y + _BAR_H / 2 + 4
        parts.append(
            f'<text x="{_LABEL_W - 8}" y="{mid}" text-anchor="end" class="axis">{escape(bar.label)}</text>'
        )
        if bar.share is None:
            parts.append(
                f'<text x="{_LABEL_W + 4}" y="{mid}" class="suppressed" data-label="{escape(bar.label)}">'
                f"suppressed (&lt; {k} conversations)</text>"
            )
            continue
        w = max(1.0, bar.share / top * _PLOT_W)
        parts.append(
            f'<rect class="bar" data-label="{escape(bar.label)}" x="{_LABEL_W}" y="{y}" width="{w:.1f}" '
            f'height="{_BAR_H}" rx="3"><title>{escape(bar.label)}: {bar.count} ({_fmt_pct(bar.share)})'
            "</title></rect>"
        )
        text_x = _LABEL_W + w + 6
        if bar.previous_share is not None:
            px = _LABEL_W + bar.previous_share / top * _PLOT_W
            text_x = max(text_x, px + 6)  # keep the figures clear of last week's tick
            parts.append(
                f'<line class="previous" x1="{px:.1f}" x2="{px:.1f}" y1="{y - 2}" y2="{y + _BAR_H + 2}">'
                f"<title>last week {_fmt_pct(bar.previous_share)}</title></line>"
            )
        delta_cls = "up" if (bar.delta or 0) > 0 else "down" if (bar.delta or 0) < 0 else ""
        parts.append(
            f'<text x="{text_x:.1f}" y="{mid}" class="value">{_fmt_pct(bar.share)}'
            f'<tspan class="delta {delta_cls}" dx="6">{_fmt_delta(bar.delta)}</tspan></text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bar_svg(parts: list[tuple[str, float]], css_class: str) -> Markup:
    """One stacked 100% bar (e.g. cost online vs batch); ``parts`` are (name, value) with value >= 0."""
    total = sum(v for _, v in parts) or 1.0
    width, height, x = 480, 26, 0.0
    out = [
        f'<svg class="chart {escape(css_class)}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
    ]
    for i, (name, value) in enumerate(parts):
        w = value / total * width
        if w <= 0:
            continue
        out.append(
            f'<rect class="seg seg{i % 4}" x="{x:.1f}" y="0" width="{w:.1f}" height="{height}">'
            f"<title>{escape(name)}: {value:,.4g} ({value / total:.0%})</title></rect>"
        )
        if w > 60:
            out.append(
                f'<text class="seglabel" x="{x + 6:.1f}" y="17">{escape(name)} {value / total:.0%}</text>'
            )
        x += w
    out.append("</svg>")
    return Markup("".join(out))
