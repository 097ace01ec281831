"""The weekly HTML report: label distributions, week-over-week change, cross-tabs, cost, error and flip rates."""

from semtel_core.report.render import render_report

__all__ = ["render_report"]
