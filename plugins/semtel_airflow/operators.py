"""Deferrable operator for one shard's provider batches: submit (or re-attach), defer, finish.

``execute`` submits through ``semtel_core.pipeline.batch_step`` and defers to :class:`SemtelBatchTrigger`, so no
worker slot is held while the provider works. ``execute_complete`` turns the trigger's event into the task's
result (the shard and its partitions' state directories, for the collect task) or into an Airflow failure. The constructor only stores
its arguments: it runs at every parse.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseOperator, Context
from airflow.sdk.exceptions import AirflowException

from semtel_airflow.report_link import SemtelReportLink
from semtel_airflow.triggers import SemtelBatchTrigger

logger = logging.getLogger(__name__)
ONLINE_FALLBACK_STATES = frozenset({"completed", "failed", "expired", "cancelled", "in_progress"})


class SemtelBatchOperator(BaseOperator):
    """Submit the partitions of one shard (a ``plan_week`` work-list entry) to the Batch API and wait, deferred.

    ``params_dict`` are the run's parameters (``RunParams``); default: the DAG run's ``params``. Every terminal
    status is handled: ``completed`` returns the submission (shard + state directories); ``failed``,
    ``expired`` and ``cancelled`` (or a mix, ``in_progress``) return it too when ``online_fallback`` is true,
    since collect classifies the unanswered items online, and fail the task otherwise. A polling error fails
    the task."""

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
        max_wait: timedelta | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.descriptor = descriptor
        self.params_dict = params_dict
        self.run_label = run_label
        self.poll_interval_s = poll_interval_s
        self.online_fallback = online_fallback
        self.max_wait = max_wait

    def _run_params(self, context: Context) -> dict[str, Any]:
        if self.params_dict is None:
            given = context["params"]
            self.params_dict = {k: given[k] for k in given}
        return self.params_dict

    def _timing(self, params: dict[str, Any], created_at: int) -> tuple[float, float]:
        """(poll interval, deadline in epoch seconds): the wait ends ``max_wait`` (default
        ``weekly.batch_wait_timeout_h``) after the first submission, so a retry does not restart the clock."""
        from semtel_core.pipeline.params import RunParams

        settings = RunParams.parse(params).settings()
        interval = self.poll_interval_s or settings.batch.poll_interval_s
        wait = self.max_wait or timedelta(hours=settings.weekly.batch_wait_timeout_h)
        return interval, created_at + wait.total_seconds()

    def execute(self, context: Context) -> dict[str, Any]:
        from semtel_airflow.hooks import connection_key_resolver
        from semtel_core.pipeline.batch_step import submit_shard
        from semtel_core.pipeline.shards import shard_status

        params = self._run_params(context)
        submitted = submit_shard(
            self.descriptor, params, run_id=self.run_label, key_resolver=connection_key_resolver
        )
        status = shard_status(submitted["statuses"])
        if status != "running":  # re-attached to batches that had all ended
            return self.execute_complete(context, {"status": status, "state_dirs": submitted["state_dirs"]})
        interval, deadline = self._timing(params, submitted["created_at"])
        self.defer(
            trigger=SemtelBatchTrigger(
                state_dirs=submitted["state_dirs"], params=params, poll_interval_s=interval, deadline=deadline
            ),
            method_name="execute_complete",
        )
        raise AssertionError("defer() returns only by raising")  # pragma: no cover

    def execute_complete(self, context: Context, event: dict[str, Any]) -> dict[str, Any]:
        status = str(event.get("status"))
        shard = self.descriptor.get("shard")
        if status == "error":
            raise AirflowException(f"polling the batches of shard {shard} failed: {event.get('message')}")
        if status == "timeout":
            from semtel_core.errors import BatchError

            raise BatchError(
                f"batches of shard {shard} still not finished after the wait limit (weekly.batch_wait_timeout_h); "
                f"batches {event.get('batch_ids')} are left running: cancel them or clear this task to wait again",
                batch_ids=event.get("batch_ids"),
            )
        submitted = {"shard": self.descriptor, "state_dirs": event["state_dirs"], "status": status}
        if status == "completed":
            return submitted
        if self.online_fallback and status in ONLINE_FALLBACK_STATES:
            logger.warning(
                "batches of shard %s ended %s: collect classifies unanswered items online", shard, status
            )
            return submitted
        raise AirflowException(f"batches of shard {shard} ended {status} (online_fallback is off)")

    def on_kill(self) -> None:
        """Killed while running on a worker (submitting): cancel what was created. While deferred, the trigger's
        ``on_kill`` does the same."""
        from semtel_airflow.hooks import connection_key_resolver
        from semtel_core.pipeline.batch_step import cancel_shard

        if self.params_dict is None:  # killed before execute() read the run's params: nothing was submitted
            return
        statuses = cancel_shard(self.descriptor, self.params_dict, key_resolver=connection_key_resolver)
        logger.warning(
            "batch shard %s killed; remote statuses after cancel: %s", self.descriptor.get("shard"), statuses
        )


class SemtelReportOperator(BaseOperator):
    """Render the week's HTML report (``semtel_core.pipeline.publish_step.report_week``); its path is the task's
    result, and the task's "Weekly report" button in the UI opens it."""

    operator_extra_links = (SemtelReportLink(),)
    ui_color = "#eef7ee"

    def execute(self, context: Context) -> str:
        from semtel_airflow.timetable import week_of_context
        from semtel_core.pipeline.publish_step import report_week

        given = context["params"]
        return report_week(week_of_context(context).start, {k: given[k] for k in given})
