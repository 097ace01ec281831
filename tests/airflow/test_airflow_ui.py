"""The weekly DAG driven as an analyst and an operator drive it: through the Airflow web UI in headless Chromium
(Playwright with the system ``/usr/bin/chromium``), against the real deployment (scheduler, triggerer,
dag-processor, api-server on PostgreSQL).

1. Trigger from the form with a logical date and a non-default parameter (``classifiers: topic``, where the
   settings file configures topic and satisfaction): the run processes the week of its logical date, its id and
   note name the week, the parameter is honoured.
2. A UI backfill over the sample's four weeks, "Missing Runs", after that manual run, with the parameter typed in
   the backfill form and "Override parameters on existing runs" ticked: the dialog announces 3 runs, and the
   four weeks are produced, one dataset partition each, no duplicate (conversation, classifier), topic only.
3. The report task's "Weekly report" extra link opens the week's report through the semtel report view.
4. The Add Connection form offers the ``semtel LLM endpoint`` type with labelled fields, and the list's Test
   button asks the endpoint's ``/models`` with the stored key and reports success.

Screenshots of every step are kept in ``test-artifacts/airflow-ui/`` (git-ignored).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow.dataset as ds
import pytest
from airflow_stack import REPO, AirflowStack, get_json, wait_backfills_completed
from weekly_config import write_config

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.xdist_group("airflow_stack")]

DAG_ID = "semantic_telemetry_weekly"
WEEKS = [date(2026, 10, 5) + timedelta(weeks=i) for i in range(4)]  # the bundled sample's four weeks
MANUAL_WEEK = WEEKS[1]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts" / "airflow-ui"
# As the workplace's machines need it: no sandbox as root, no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            "the system Chromium is missing: scripts/bootstrap.sh installs it (Debian package chromium)"
        )
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    try:
        yield context.new_page()
    finally:
        context.close()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _set_datetime(page: Any, field: Any, day: date) -> None:
    """Airflow's date-time picker: a popover with a YYYY/MM/DD and an HH:mm text input."""
    field.click()
    popover = page.locator("[data-scope=popover][data-part=content]:visible")
    day_input = popover.get_by_placeholder("YYYY/MM/DD")
    day_input.fill(day.strftime("%Y/%m/%d"))
    day_input.press("Enter")
    time_input = popover.get_by_placeholder("HH:mm")
    time_input.fill("00:00")
    time_input.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)


def _fill_params(page: Any, dialog: Any, conf: dict[str, Any]) -> None:
    dialog.locator("#element_config_path").fill(conf["config_path"])
    dialog.locator("#element_output_root").fill(conf["output_root"])
    classifiers = dialog.locator("input[aria-label='Select one or multiple values']").first
    classifiers.click()
    classifiers.fill("topic")
    page.wait_for_timeout(300)
    classifiers.press("Enter")


def _open_trigger_dialog(stack: AirflowStack, page: Any) -> Any:
    page.goto(f"{stack.api_url}/dags/{DAG_ID}")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog").first
    dialog.get_by_text("Run Parameters").wait_for()
    return dialog


def _runs(stack: AirflowStack) -> dict[str, dict[str, Any]]:
    return {r["dag_run_id"]: r for r in get_json(stack, f"/dags/{DAG_ID}/dagRuns", limit=100)["dag_runs"]}


def _wait_runs_done(stack: AirflowStack, expected: int, timeout: float) -> dict[str, dict[str, Any]]:
    def probe() -> dict[str, dict[str, Any]] | None:
        runs = _runs(stack)
        done = len(runs) == expected and all(r["state"] in ("success", "failed") for r in runs.values())
        return runs if done else None

    return stack.wait_for(f"{expected} run(s) to end", probe, timeout, interval=1)


def _trigger_manual_run(stack: AirflowStack, page: Any, conf: dict[str, Any]) -> dict[str, Any]:
    dialog = _open_trigger_dialog(stack, page)
    _set_datetime(page, dialog.get_by_test_id("datetime-input"), MANUAL_WEEK)
    _fill_params(page, dialog, conf)
    _shot(page, "1-trigger-form")
    dialog.get_by_role("button", name="Trigger").click()
    # The UI may render one toast twice while it animates: any copy will do.
    page.get_by_text("Dag run has been successfully triggered").first.wait_for()
    (run,) = _wait_runs_done(stack, 1, timeout=240).values()
    _shot(page, "2-manual-run")
    return run


def _backfill_from_the_form(stack: AirflowStack, page: Any, conf: dict[str, Any]) -> None:
    dialog = _open_trigger_dialog(stack, page)
    dialog.get_by_text("Backfill", exact=True).click()
    fields = dialog.get_by_test_id("datetime-input")
    _set_datetime(page, fields.nth(0), WEEKS[0])
    _set_datetime(page, fields.nth(1), WEEKS[-1] + timedelta(days=6))
    dialog.locator("input[name=max_active_runs]").fill("2")
    dialog.get_by_text("Override parameters on existing runs").click()
    _fill_params(page, dialog, conf)
    # One week already ran by hand: "Missing Runs" (the default) creates the other three.
    dialog.get_by_text("3 runs will be triggered.").wait_for()
    _shot(page, "3-backfill-form")
    dialog.get_by_role("button", name="Run Backfill").click()


# A trigger and a backfill of three weeks, each with its own deadline (240 s and 420 s) inside: the suite's 300 s
# default cut it short on a machine running at half speed (245 s of call after 55 s of setup).
@pytest.mark.timeout(900)
def test_trigger_and_backfill_from_the_ui(
    stack: AirflowStack, endpoint_url: str, tmp_path: Path, page: Any
) -> None:
    conf = {
        "config_path": write_config(
            tmp_path / "semtel.yaml", endpoint_url
        ),  # configures topic + satisfaction
        "output_root": str(tmp_path / "out"),
    }
    manual = _trigger_manual_run(stack, page, conf)
    context = f"{manual}\n{stack.log_tails()}"
    assert manual["state"] == "success", context
    assert manual["dag_run_id"].startswith(f"manual__week-{MANUAL_WEEK}__"), context
    assert manual["data_interval_start"].startswith(MANUAL_WEEK.isoformat()), context
    assert manual["note"].startswith(f"semtel: week {MANUAL_WEEK} "), context
    assert manual["conf"]["classifiers"] == ["topic"], context

    _backfill_from_the_form(stack, page, conf)
    runs = _wait_runs_done(stack, 4, timeout=420)
    context = f"{json.dumps(runs, indent=1)}\n{stack.log_tails()}"
    backfilled = {r["logical_date"][:10]: r for r in runs.values() if r["run_type"] == "backfill"}
    assert sorted(backfilled) == [w.isoformat() for w in WEEKS if w != MANUAL_WEEK], context
    for week, run in backfilled.items():
        assert run["state"] == "success", context
        assert run["note"].startswith(f"semtel: week {week} "), context
        assert run["conf"]["classifiers"] == ["topic"], context  # typed in the backfill form
    wait_backfills_completed(stack, DAG_ID)  # the form's backfill ends too, not only its runs
    page.goto(f"{stack.api_url}/dags/{DAG_ID}/runs")
    page.get_by_text(f"manual__week-{MANUAL_WEEK}").first.wait_for()
    _shot(page, "4-runs")

    root = Path(conf["output_root"])
    assert sorted(p.name for p in (root / "dataset").iterdir()) == [f"week={w}" for w in WEEKS]
    table = ds.dataset(root / "dataset", format="parquet", partitioning="hive").to_table()
    assert set(table.column("classifier").to_pylist()) == {"topic"}
    pairs = list(
        zip(table.column("conversation_id").to_pylist(), table.column("classifier").to_pylist(), strict=True)
    )
    assert len(pairs) == len(set(pairs)), "duplicate (conversation, classifier) rows"
    sampled = sum(
        json.loads((root / f"week={w}" / "extract" / "extract_summary.json").read_text())["sampled"]
        for w in WEEKS
    )
    assert table.num_rows == sampled > 200

    # The report, one click from the run: the report task's extra link, served by the semtel plugin.
    run_id = quote(manual["dag_run_id"], safe="")
    page.goto(f"{stack.api_url}/dags/{DAG_ID}/runs/{run_id}/tasks/report/details")
    link = page.get_by_role("link", name="Weekly report")
    link.wait_for()
    _shot(page, "5-report-link")
    href = link.get_attribute("href")
    assert href and "/semtel/report?path=" in href, href
    response = page.goto(href)
    assert response is not None and response.status == 200, href
    assert f"week%3D{MANUAL_WEEK}" in page.url
    page.get_by_text("semtel weekly report").first.wait_for()
    _shot(page, "6-report")


def test_add_connection_form_offers_the_semtel_endpoint_with_labelled_fields(
    stack: AirflowStack, endpoint_url: str, page: Any
) -> None:
    conn_id = "semtel_ui_form"
    stack.api.delete(f"/connections/{conn_id}")
    page.goto(f"{stack.api_url}/connections")
    page.get_by_role("button", name="Add Connection").click()
    dialog = page.get_by_role("dialog").first
    dialog.locator("input[name=connection_id]").fill(conn_id)
    kind = dialog.get_by_role("combobox").first
    kind.click(force=True)
    kind.fill("semtel")
    page.get_by_text("semtel LLM endpoint").first.click()
    for label in ("Base URL", "API key"):
        dialog.get_by_text(label, exact=True).wait_for()
    dialog.locator("input[name=host]").fill(endpoint_url)
    dialog.locator("input[name=password]").fill("local-key")
    dialog.get_by_role("button", name="Extra Fields", exact=True).click()
    for label in ("Model", "Kind", "Requests per minute", "Tokens per minute", "Timeout (s)"):
        dialog.get_by_text(label, exact=True).wait_for()
    dialog.locator("#element_model").fill("local-zeroshot")
    _shot(page, "7-add-connection")
    dialog.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Test Connection").first.wait_for()
    _shot(page, "8-connections")

    saved = get_json(stack, f"/connections/{conn_id}")
    assert (saved["conn_type"], saved["host"]) == ("semtel_llm", endpoint_url)
    assert json.loads(saved["extra"])["model"] == "local-zeroshot"

    # The Test button of the list: it asks the endpoint's /models with the stored key (on Airflow 3.3.2 the
    # semtel plugin's middleware lets a portless connection through: apache/airflow#73298).
    row = page.get_by_role("row").filter(has_text=conn_id)
    row.get_by_role("button", name="Test Connection").click()
    page.get_by_text("serves 'local-zeroshot'").first.wait_for()
    _shot(page, "9-test-connection")
    # A wrong model fails the test with the reason.
    wrong = {
        "connection_id": conn_id,
        "conn_type": "semtel_llm",
        "host": endpoint_url,
        "password": "local-key",
        "extra": json.dumps({"model": "gpt-9"}),
    }
    tested = stack.api.post("/connections/test", json=wrong).json()
    assert tested["status"] is False and "gpt-9" in tested["message"], tested
