"""An A/B evaluation end to end: run two configurations through the engine on the same sample, compare, gate.

A configuration is the base settings plus overrides, nested like the YAML file, e.g.
``{"endpoints": [{"name": "local", "model": "gpt-4o-mini"}]}`` (model), ``{"paths": {"prompts_dir": "v2/"}}``
(prompt version), ``{"classify": {"strategy": "batched"}}`` (strategy) or
``{"prompts": {"truncation": "tail", "max_conversation_tokens": 512}}`` (truncation). Each side runs
``repeats`` times into its own folder (no checkpoint is shared, so every repeat really calls the model);
the first run of each side is the one compared, all of them give the repeat-run consistency.

Output folder: ``a/run-1 …``, ``b/run-1 …`` (engine outputs), ``comparison.json``, ``disagreements.csv``,
``disagreements.html``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from semtel_core.config import Settings, load_settings
from semtel_core.errors import EvaluationGateError
from semtel_core.evaluate.compare import Comparison, compare_runs
from semtel_core.evaluate.gate import gate_failures
from semtel_core.evaluate.loading import read_conversations
from semtel_core.evaluate.report import conversation_excerpt, write_report
from semtel_core.evaluate.results_io import load_run

log = logging.getLogger(__name__)


class ModelEvalOutcome(BaseModel):
    """What the CLI prints and the DAG task returns (XCom-sized: paths and figures, no rows)."""

    passed: bool
    failures: list[str]
    reports: dict[str, str]
    runs_a: list[str]
    runs_b: list[str]
    classifiers: dict[str, dict[str, float | None]]


def deep_merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else (lists included) is replaced by the override."""
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base.get(key), value)
        return merged
    return override


def side_settings(config_path: str | Path | None, overrides: Mapping[str, Any]) -> Settings:
    """The base YAML (if any) with one side's overrides merged into it; environment variables still win."""
    base: dict[str, Any] = {}
    if config_path:
        base = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    merged = {key: deep_merge(base.get(key), value) for key, value in overrides.items()}
    return load_settings(config_path, **merged)


def _run_side(
    inputs: Sequence[str], folder: Path, settings: Settings, repeats: int, classifiers: Sequence[str] | None
) -> list[str]:
    from semtel_core.classify.run import classify_run
    from semtel_core.endpoint.embedded import embedded_endpoint

    runs: list[str] = []
    # As ``semtel run`` and ``semtel weekly`` do: a side on the default local endpoint gets one when none answers.
    with embedded_endpoint(settings) as side:
        for r in range(1, repeats + 1):
            output = folder / f"run-{r}"
            summary = classify_run(
                inputs, str(output), side, classifiers=classifiers, run_id=f"{folder.name}-{r}"
            )
            log.info("%s run %d: %d rows, statuses %s", folder.name, r, summary.rows, summary.statuses)
            runs.append(str(output / "results"))
    return runs


def summarize(comparison: Comparison) -> dict[str, dict[str, float | None]]:
    return {
        c.classifier: {
            "paired": float(c.paired),
            "agreement": c.agreement.estimate,
            "kappa": c.kappa.estimate,
            "jsd": c.jsd.estimate,
            "chi_square_p": c.chi_square.p_value,
            "changed_share_a": c.consistency_a.changed_share.estimate if c.consistency_a else None,
            "changed_share_b": c.consistency_b.changed_share.estimate if c.consistency_b else None,
        }
        for c in comparison.classifiers
    }


def compare_result_sets(
    runs_a: Sequence[str],
    runs_b: Sequence[str],
    out_dir: str | Path,
    settings: Settings,
    *,
    conversations: Sequence[str] = (),
    classifiers: Sequence[str] | None = None,
) -> ModelEvalOutcome:
    """Compare two result sets (each path one run: a Parquet file or folder, or a JSONL file); the first of each
    side is compared, the rest are repeats of that side. Writes the report; never raises on a failed gate."""
    a, *repeats_a = [load_run([p]) for p in runs_a]
    b, *repeats_b = [load_run([p]) for p in runs_b]
    comparison = compare_runs(
        a, b, settings.evaluation, repeats_a=repeats_a, repeats_b=repeats_b, classifiers=classifiers
    )
    failures = gate_failures(comparison, settings.evaluation)
    excerpts = {c.conversation_id: conversation_excerpt(c) for c in read_conversations(conversations)}
    paths = write_report(comparison, failures, out_dir, excerpts)
    return ModelEvalOutcome(
        passed=not failures,
        failures=[str(f) for f in failures],
        reports={name: str(p) for name, p in paths.items()},
        runs_a=list(runs_a),
        runs_b=list(runs_b),
        classifiers=summarize(comparison),
    )


def run_model_eval(
    inputs: Sequence[str],
    out_dir: str | Path,
    *,
    config_path: str | Path | None = None,
    config_a: Mapping[str, Any] | None = None,
    config_b: Mapping[str, Any] | None = None,
    repeats: int = 1,
    classifiers: Sequence[str] | None = None,
    raise_on_failure: bool = True,
) -> ModelEvalOutcome:
    """Run A and B ``repeats`` times each on ``inputs``, compare, write the report; raise
    :class:`EvaluationGateError` (with the outcome in ``details``) when the gate fails and ``raise_on_failure``."""
    out = Path(out_dir)
    settings_a = side_settings(config_path, config_a or {})
    settings_b = side_settings(config_path, config_b or {})
    runs_a = _run_side(inputs, out / "a", settings_a, repeats, classifiers)
    runs_b = _run_side(inputs, out / "b", settings_b, repeats, classifiers)
    outcome = compare_result_sets(
        runs_a,
        runs_b,
        out,
        settings_a,
        conversations=inputs,
        classifiers=classifiers,
    )
    if raise_on_failure and not outcome.passed:
        raise EvaluationGateError(
            f"A/B gate failed: {'; '.join(outcome.failures)}",
            failures=outcome.failures,
            outcome=outcome.model_dump(),
        )
    return outcome
