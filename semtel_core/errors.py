"""The one error tree of semtel.

Every error carries the payload an operator on call needs (file and line, endpoint and attempts,
failed expectations, ...) in ``details`` so that logs, alerts and the Airflow UI can show it without
parsing the message. Airflow exceptions are produced from these only at the operator boundary.
"""

from __future__ import annotations

from typing import Any


class SemtelError(Exception):
    """Root of every error semtel raises on purpose."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details

    def __str__(self) -> str:
        return self.message


class ConfigError(SemtelError):
    """Configuration is missing or invalid; ``details['field']`` names the offending field."""


class InputFileError(SemtelError):
    """A whole input file cannot be read (truncated JSON, wrong Parquet schema, missing file).

    ``details`` holds ``path`` and, where known, ``line`` (1-based) or ``row`` (0-based).
    Bad *rows* inside a readable file are never raised: they go to the rejects dataset.
    """


class PromptError(SemtelError):
    """A classifier definition or prompt template is invalid."""


class LLMError(SemtelError):
    """A call to an LLM endpoint failed for good.

    ``details`` carries ``endpoint``, ``model``, ``request_id``, ``attempts``, ``status_code`` and ``usage``.
    """


class RateLimitedError(LLMError):
    """The endpoint kept answering 429 until the deadline."""


class EndpointUnavailableError(LLMError):
    """No endpoint of the pool could be reached (all down or in cooldown)."""


class NonRetryableLLMError(LLMError):
    """Bad request, content filter, authentication: retrying cannot help."""


class ContextLengthError(NonRetryableLLMError):
    """The prompt is longer than the model's context window."""


class BatchError(SemtelError):
    """A provider batch job failed, expired or could not be created; ``details['batch_id']``."""


class EmptyWeekError(InputFileError):
    """A weekly run found no conversation inside its week (upstream data missing or late).

    ``details``: ``week``, ``sources``, ``read``, ``rejected``, ``outside_window``."""


class CheckpointError(SemtelError):
    """Checkpoint storage is unreadable or inconsistent."""


class ReconciliationError(SemtelError):
    """Row counts do not reconcile (read != accepted + rejected, or results missing/duplicated)."""


class LoadError(SemtelError):
    """Loading a week's results failed; ``details`` has ``table`` / ``week`` (never a DSN or password)."""


class DataQualityError(SemtelError):
    """A data-quality suite failed; ``details`` has ``statistics`` and ``failed_expectations``."""


class AlertDeliveryError(SemtelError):
    """An on-call alert could not be delivered; ``details['failures']`` maps each channel to its error."""


class WorkflowRunError(SemtelError):
    """A local Airflow run of a DAG (``dag.test``) could not start or did not succeed; ``details`` has
    ``dag_id``, ``logical_date`` and the task states."""


class EvaluationGateError(SemtelError):
    """An A/B comparison shifted more than the gate allows; ``details['failures']`` lists each breach."""
