"""Deferrable operator for one partition's provider batches: submit (or re-attach), defer, finish.

``execute`` submits through ``semtel_core.pipeline.batch_step`` and defers to :class:`SemtelBatchTrigger`, so no
worker slot is held while the provider works. ``execute_complete`` turns the trigger's event into the task's
result (the run state as JSON, for the collect task) or into an Airflow failure. The constructor only stores
its arguments: it runs at every parse.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseOperator, Context
from airflow.sdk.exceptions import AirflowException

from semtel_airflow.triggers import SemtelBatchTrigger

logger = logging.getLogger(__name__)
ONLINE_FALLBACK_STATES = frozenset({"completed", "failed", "expired", "cancelled", "in_progress"})


class SemtelBatchOperator(BaseOperator):
    """Submit one planned partition (a ``plan_week`` descriptor) to the Batch API and wait, deferred.

    ``params_dict`` are the run's parameters (``RunParams``); default: the DAG run's ``params``. Every terminal status is handled: ``completed``
    returns the state; ``failed``, ``expired`` and ``cancelled`` (or a mix, ``in_progress``) return it too when
    ``online_fallback`` is true, since collect classifies the unanswered items online, and fail the task otherwise.
    A polling error fails the task."""

    template_fields: Sequence[str] = ("descriptor", "params_dict", "run_label")
    ui_color = "#e8f4fd"

    def __init__(
        self,
        *,
        descriptor: dict[str, Any],
        params_dict: dict[str, Any] | None = None,
        run_label: str = "{{ run_id }}",
        poll_interval_s: float | None = None,
        online_fallback: bool = True,
        batch_timeout: timedelta | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.descriptor = descriptor
        self.params_dict = params_dict
        self.run_label = run_label
        self.poll_interval_s = poll_interval_s
        self.online_fallback = online_fallback
        self.batch_timeout = batch_timeout

    def _run_params(self, context: Context) -> dict[str, Any]:
        if self.params_dict is None:
            given = context["params"]
            self.params_dict = {k: given[k] for k in given}
        return self.params_dict

    def _interval(self, params: dict[str, Any]) -> float:
        from semtel_core.pipeline.params import RunParams

        run = RunParams.parse(params)
        if self.poll_interval_s is not None:
            return self.poll_interval_s
        return run.poll_interval_s or run.settings().batch.poll_interval_s

    def execute(self, context: Context) -> dict[str, Any]:
        from semtel_airflow.hooks import connection_key_resolver
        from semtel_core.batch.state import BatchRunState
        from semtel_core.pipeline.batch_step import submit_partition

        params = self._run_params(context)
        state = submit_partition(
            self.descriptor, params, run_id=self.run_label, key_resolver=connection_key_resolver
        )
        run_state = BatchRunState.model_validate(state)
        if run_state.finished:  # re-attached to batches that already ended
            return self.execute_complete(context, {"status": run_state.summary_status(), "state": state})
        self.defer(
            trigger=SemtelBatchTrigger(state=state, params=params, poll_interval_s=self._interval(params)),
            method_name="execute_complete",
            timeout=self.batch_timeout,
        )
        raise AssertionError("defer() returns only by raising")  # pragma: no cover

    def execute_complete(self, context: Context, event: dict[str, Any]) -> dict[str, Any]:
        status = str(event.get("status"))
        if status == "error":
            raise AirflowException(f"polling the batches failed: {event.get('message')}")
        state: dict[str, Any] = event["state"]
        if status == "completed":
            return state
        if self.online_fallback and status in ONLINE_FALLBACK_STATES:
            logger.warning(
                "batch run %s ended %s: collect classifies unanswered items online", state["run_id"], status
            )
            return state
        raise AirflowException(f"batch run {state['run_id']} ended {status} (online_fallback is off)")

    def on_kill(self) -> None:
        """Killed while running on a worker (submitting): cancel what was created. While deferred, the trigger's
        ``on_kill`` does the same."""
        from semtel_airflow.hooks import connection_key_resolver
        from semtel_core.pipeline.batch_step import batch_state_dir, cancel_partition

        if self.params_dict is None:  # killed before execute() read the run's params: nothing was submitted
            return
        status = cancel_partition(
            batch_state_dir(self.descriptor), self.params_dict, key_resolver=connection_key_resolver
        )
        logger.warning(
            "batch partition %s killed; remote status after cancel: %s", self.descriptor["index"], status
        )
