#!/usr/bin/env bash
# The whole test suite: lint, strict type check of semtel_core, then every pytest tier (unit, integration, slow).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh || exit 1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

status=0
echo "== ruff"; .venv/bin/ruff check . || status=1
echo "== mypy --strict semtel_core"; .venv/bin/mypy || status=1
echo "== pytest"
# --durations: the slowest tests in every log, to keep the suite well under 15 minutes.
# Two workers (one per core here): most tests wait on servers, JVMs and Airflow processes, not on the CPU.
# The tests of the one shared Airflow deployment stay on one worker (xdist_group "airflow_stack").
.venv/bin/pytest -p no:cacheprovider --durations=15 --numprocesses=auto --dist=loadgroup "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  # pytest's 5 means it collected no test at all: with a suite in tests/, that is a broken collection.
  echo "pytest collected no tests: treating as failure"
  rc=1
fi
[ "$rc" -ne 0 ] && status=$rc
exit $status
