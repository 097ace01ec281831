#!/usr/bin/env bash
# LiteLLM pins openai<3, so the LiteLLM anchor of benchmarks/rate_limit.py runs in its own virtualenv.
# Creates .venv-litellm (idempotent) and prints its python, for:
#   .venv/bin/python benchmarks/rate_limit.py --litellm-python "$(benchmarks/litellm_venv.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-litellm/bin/python ]; then
  python3 -m venv .venv-litellm >&2
  .venv-litellm/bin/pip install --quiet litellm==1.106.2 >&2
fi
echo "$PWD/.venv-litellm/bin/python"
