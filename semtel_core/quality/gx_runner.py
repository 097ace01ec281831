"""Run expectation suites on in-memory frames with Great Expectations 1.x, quietly and without a project folder.

An ephemeral data context (nothing written to disk), one pandas data source, one dataframe asset and validation
definition per suite. Analytics are switched off before the first import and progress bars off in the context,
so a run makes no network call and prints nothing. Each result becomes an :class:`ExpectationOutcome`.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from semtel_core.quality.report import ExpectationOutcome

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.data_context.data_context.abstract_data_context import AbstractDataContext
    from great_expectations.expectations.expectation import Expectation

log = logging.getLogger(__name__)
# Result keys that only repeat row positions; the values and counts are what an operator reads.
_DROPPED_KEYS = frozenset({"partial_unexpected_index_list", "unexpected_list", "partial_unexpected_counts"})


def import_gx() -> Any:
    """``great_expectations``, imported with analytics off and quietly (untyped: its exports are implicit)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # GX logs hundreds of INFO lines per context (method registrations, field defaults): keep its warnings only.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # great_expectations imports pyspark when it is installed, which warns about the pandas version.
        warnings.simplefilter("ignore", FutureWarning)
        import great_expectations as gx
    return gx


def ephemeral_context() -> AbstractDataContext:
    """A data context that lives in memory only: in-memory stores, no docs site, no analytics, no progress bars."""
    gx = import_gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context: AbstractDataContext = gx.get_context(mode="ephemeral", project_config=config)
    return context


def _jsonable(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else str(value)


def _outcome(suite: str, result: Any) -> ExpectationOutcome:
    config = result.expectation_config
    observed = {k: v for k, v in (result.result or {}).items() if k not in _DROPPED_KEYS}
    kwargs = {k: v for k, v in config.kwargs.items() if k not in {"batch_id", "result_format"}}
    return ExpectationOutcome(
        expectation=config.type,
        suite=suite,
        success=bool(result.success),
        expected=json.loads(json.dumps(kwargs, default=_jsonable)),
        observed=json.loads(json.dumps(observed, default=_jsonable)),
    )


def run_suite(
    context: AbstractDataContext,
    name: str,
    frame: pd.DataFrame,
    expectations: Sequence[Expectation],
    *,
    index_columns: Sequence[str] = (),
) -> list[ExpectationOutcome]:
    """Validate ``frame`` against ``expectations``; ``index_columns`` name the failing rows in the outcome."""
    gx = import_gx()
    source = context.data_sources.add_or_update_pandas(f"semtel_{name}")
    asset = source.add_dataframe_asset(name)
    batch = asset.add_batch_definition_whole_dataframe(name)
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=list(expectations)))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=suite)
    )
    result_format: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 10}
    if index_columns:
        result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": list(index_columns)}
    validation = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format)
    outcomes = [_outcome(name, r) for r in validation.results]
    log.info(
        "quality suite %s: %d of %d expectations met", name, sum(o.success for o in outcomes), len(outcomes)
    )
    return outcomes
