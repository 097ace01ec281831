"""The report's Jinja2 template and style: one self-contained HTML file, no external resources."""

from __future__ import annotations

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2530;background:#f4f6f9}
header{background:#1f3b5a;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.8}main{padding:8px 32px 40px;max-width:1180px}
section{background:#fff;border-radius:8px;padding:14px 20px;margin:16px 0;box-shadow:0 1px 3px #0002}
h2{font-size:17px;margin:4px 0 10px}h3{font-size:14px;margin:10px 0 4px}
.kpis{display:flex;gap:14px;flex-wrap:wrap}.kpi{background:#eef3f8;border-radius:6px;padding:8px 14px}
.kpi b{display:block;font-size:20px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:8px 20px}
svg .bar{fill:#3c78b4}svg .previous{stroke:#e07b39;stroke-width:2}svg text{font-size:12px;fill:#1d2530}
svg .suppressed{fill:#8a94a3;font-style:italic}svg .delta.up{fill:#1c8a4a}svg .delta.down{fill:#c0392b}
svg .seg0{fill:#3c78b4}svg .seg1{fill:#e07b39}svg .seg2{fill:#5aa36b}svg .seg3{fill:#8e6cb8}svg .seglabel{fill:#fff}
table{border-collapse:collapse;margin:6px 0}th,td{padding:4px 10px;border-bottom:1px solid #e3e7ee;text-align:right}
th:first-child,td:first-child{text-align:left}td.suppressed{color:#8a94a3;font-style:italic}
.heat td.cell{min-width:62px}.note{color:#5b6573;font-size:12px}.warn{color:#9a5b00}.fail{color:#c0392b}
table.trend td.up{color:#1c8a4a;font-weight:600}table.trend td.down{color:#c0392b;font-weight:600}
.legend span{display:inline-block;width:12px;height:12px;vertical-align:middle;margin:0 4px 0 10px}
"""

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} — week {{ week }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{{ style }}</style></head>
<body><header><h1>{{ title }}</h1><p>Week {{ week }}{% if previous_week %} · compared with {{ previous_week }}{% endif %}
 · {{ conversations }} conversations · {{ classifiers|length }} classifiers · cells under {{ k }} conversations suppressed</p></header>
<main>
<section id="overview"><h2>Overview</h2><div class="kpis">
<div class="kpi">conversations<b>{{ conversations }}</b></div><div class="kpi">result rows<b>{{ rows }}</b></div>
<div class="kpi">tokens<b>{{ "{:,}".format(total_tokens) }}</b></div><div class="kpi">cost<b>${{ "%.4f"|format(total_cost) }}</b></div>
{% if extract %}<div class="kpi">read / accepted / rejected<b>{{ extract.read }} / {{ extract.accepted }} / {{ extract.rejected }}</b></div>{% endif %}
</div>{% if extract and extract.rejected_by_reason %}<p class="note">Rejected by reason:
{% for reason, n in extract.rejected_by_reason.items() %}{{ reason }} {{ n if n >= k else "< %d"|format(k) }}{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
</section>
{% if quality %}<section id="quality"><h2>Data quality</h2>
<p class="{{ 'fail' if quality.success is false else '' }}">{{ quality.headline }}</p>
{% for w in quality.warnings %}<p class="warn">⚠ {{ w }}</p>{% endfor %}
{% if quality.figures %}<table>{% for key, value in quality.figures %}<tr><td>{{ key }}</td><td>{{ value }}</td></tr>{% endfor %}</table>{% endif %}
</section>{% endif %}
<section id="distributions"><h2>Label distributions</h2>
<p class="legend note">Bars: this week's share of labelled conversations{% if previous_week %}<span style="background:#e07b39;width:3px"></span>last week's share; change in percentage points{% endif %}.</p>
<div class="grid">{% for d in distributions %}<div class="dist" id="dist-{{ d.classifier }}"><h3>{{ d.classifier }}
<span class="note">{{ d.labelled }} labelled{% if d.suppressed_labels %} · {{ d.suppressed_labels }} label(s) suppressed{% endif %}
{% if d.jsd_vs_previous is not none %} · JS divergence vs last week {{ "%.4f"|format(d.jsd_vs_previous) }}{% endif %}</span></h3>
{{ charts[d.classifier] }}</div>{% endfor %}</div></section>
{% if crosstabs %}<section id="crosstabs"><h2>Cross-tabs</h2><div class="grid">{% for t in crosstabs %}
<div><h3>{{ t.rows_classifier }} × {{ t.cols_classifier }}</h3><table class="heat crosstab" data-rows="{{ t.rows_classifier }}" data-cols="{{ t.cols_classifier }}">
<tr><th></th>{% for c in t.col_labels %}<th>{{ c }}</th>{% endfor %}</tr>
{% for r in t.row_labels %}{% set i = loop.index0 %}<tr><th>{{ r }}</th>{% for n in t.cells[i] %}{% if n is none %}<td class="cell suppressed" title="fewer than {{ k }} conversations">&lt;{{ k }}</td>{% else %}<td class="cell" style="background:rgba(60,120,180,{{ '%.2f'|format(0.08 + 0.8 * n / t.max_count) }})">{{ n }}</td>{% endif %}{% endfor %}</tr>{% endfor %}
</table></div>{% endfor %}</div></section>{% endif %}
<section id="cost"><h2>Tokens and cost</h2>
{% if cost_split %}<h3>Cost: online vs batch</h3>{{ cost_split }}{% endif %}
<table class="cost"><tr><th>classifier</th><th>path</th><th>rows</th><th>prompt tokens</th><th>completion tokens</th><th>cost (USD)</th></tr>
{% for c in costs %}<tr><td>{{ c.classifier }}</td><td>{{ c.mode }}</td>{% if c.rows is none %}<td class="suppressed">&lt;{{ k }}</td>{% else %}<td>{{ c.rows }}</td>{% endif %}
<td>{{ "{:,}".format(c.prompt_tokens) }}</td><td>{{ "{:,}".format(c.completion_tokens) }}</td><td>{{ "%.4f"|format(c.cost_usd) }}</td></tr>{% endfor %}</table></section>
<section id="rates"><h2>Errors, repairs and grader flips</h2>
<table class="rates"><tr><th>classifier</th><th>rows</th><th>ok</th><th>repaired</th><th>invalid</th><th>error</th><th>graded</th><th>flip rate</th></tr>
{% for r in rates %}<tr><td>{{ r.classifier }}</td><td>{{ r.rows }}</td>{% for v in (r.ok, r.repaired, r.invalid, r.error) %}<td>{{ "%.1f%%"|format(100 * v) }}</td>{% endfor %}
<td>{{ r.graded }}</td><td>{{ "%.1f%%"|format(100 * r.flip_rate) if r.flip_rate is not none else "—" }}</td></tr>{% endfor %}</table>
<p class="note">Rates are over all result rows of a classifier; flip rate = labels changed by the grader ÷ rows the grader re-checked.</p></section>
{% if trends %}<section id="trends"><h2>Trends</h2>
<p class="note">Share of each label among the classifier's labelled conversations, week by week (hover: 95 % Wilson
interval). ▲/▼: a significant change from the week before (two-proportion test, Benjamini–Hochberg at 5 % over the
classifier's labels and weeks); cells under {{ k }} conversations suppressed.</p>
<div class="grid">{% for t in trends %}<div><h3>{{ t.classifier }}</h3><table class="trend" data-classifier="{{ t.classifier }}">
<tr><th></th>{% for w in t.weeks %}<th>{{ w.strftime("%m-%d") }}</th>{% endfor %}</tr>
{% for label in t.labels %}{% set i = loop.index0 %}<tr><th>{{ label }}</th>{% for c in t.cells[i] %}{% if c.share is none %}<td class="suppressed">—</td>{% else %}<td class="{{ 'up' if c.change > 0 else 'down' if c.change < 0 else '' }}" title="{{ '%.1f'|format(100 * c.low) }}–{{ '%.1f'|format(100 * c.high) }} %">{{ "%.0f%%"|format(100 * c.share) }}{{ " ▲" if c.change > 0 else " ▼" if c.change < 0 else "" }}</td>{% endif %}{% endfor %}</tr>{% endfor %}
</table></div>{% endfor %}</div></section>{% endif %}
{% if emerging %}<section id="emerging"><h2>Emerging this week</h2>
<p class="note">{{ emerging.sampled }} of {{ emerging.in_scope }} conversations in scope ({{ emerging.selection }}),
tested against {{ emerging.earlier_weeks_read|length }} earlier week(s); a topic is shown when it holds at least
{{ emerging.min_conversations }} conversations, is significant (Benjamini–Hochberg at {{ emerging.fdr }} over the
{{ emerging.report.clusters_tested }} clusters tested) and at least {{ emerging.min_growth }}× its expected count.
Names: {{ emerging.naming_note }}; {{ emerging.examples_note }}.</p>
{% if emerging.report.emerging %}<table class="emerging"><tr><th>topic</th><th>description</th><th>conversations</th>
<th>expected</th><th>growth</th><th>q</th><th>weeks seen</th><th>first seen</th><th>earlier weeks</th></tr>
{% for t in emerging.report.emerging %}<tr><td>{{ t.name }}</td><td>{{ t.description }}{% if t.examples is defined and t.examples %}<ul class="examples">{% for e in t.examples %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}</td><td>{{ t.conversations }}</td>
<td>{{ "%.1f"|format(t.expected) }}</td><td>{{ "%.1f"|format(t.growth) }}×</td><td>{{ "%.2g"|format(t.q_value) }}</td>
<td>{{ t.weeks_seen }}</td><td>{{ t.first_seen }}</td><td>{{ t.earlier_counts|join(", ") }}</td></tr>{% endfor %}
</table>{% elif emerging.earlier_weeks_read %}<p>Nothing emerging this week.</p>{% else %}<p>No earlier week to
compare with yet: this week's sample is kept for the weeks after it.</p>{% endif %}</section>{% endif %}
<p class="note">Generated {{ generated }} by semtel from {{ source }}.</p>
</main></body></html>
"""
