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
if [ ! -f "$STAMP" ]; then
  echo "bootstrap: installing pinned dependencies (constraints.txt); the first time takes a few minutes"
  "$VENV/bin/pip" install --quiet --upgrade pip setuptools wheel
  # torch first, pinned to the CPU build, so that sentence-transformers does not pull a CUDA build.
  "$VENV/bin/pip" install --quiet -c constraints.txt torch==2.13.0
  "$VENV/bin/pip" install --quiet -c constraints.txt -e '.[all,dev]'
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi

scripts/ensure-services.sh
