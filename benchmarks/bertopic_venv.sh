#!/usr/bin/env bash
# BERTopic (the taxonomy anchor of benchmarks/taxonomy.py) needs sentence-transformers, hence torch, umap-learn and
# hdbscan: none of them belongs in semtel's own environment, so it runs in its own virtualenv.
# Creates .venv-bertopic (idempotent) and prints its python, for:
#   .venv/bin/python benchmarks/taxonomy.py --bertopic-python "$(benchmarks/bertopic_venv.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-bertopic/bin/python ]; then
  python3 -m venv .venv-bertopic >&2
  .venv-bertopic/bin/pip install --quiet torch==2.13.0 >&2
  .venv-bertopic/bin/pip install --quiet bertopic==0.17.3 >&2
fi
echo "$PWD/.venv-bertopic/bin/python"
