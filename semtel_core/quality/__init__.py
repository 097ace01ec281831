"""Data quality of a week's results: a Great Expectations suite plus week-over-week label drift.

``validate_week`` returns a JSON-able :class:`QualityReport` or raises :class:`DataQualityError` carrying the
statistics and the failed expectations; warnings (drift above the warn level) stay in the report.
"""

from semtel_core.quality.report import ClassifierStatistics, ExpectationOutcome, QualityReport
from semtel_core.quality.statistics import js_divergence
from semtel_core.quality.validate import validate_week

__all__ = ["ClassifierStatistics", "ExpectationOutcome", "QualityReport", "js_divergence", "validate_week"]
