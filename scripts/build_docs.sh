#!/usr/bin/env bash
# Builds the documentation site into docs/_build/html with warnings as errors.
#
#   bash scripts/build_docs.sh            # full notebook runs (about 5 minutes on 2 cores)
#   bash scripts/build_docs.sh --small    # the small runs of notebooks/small.toml (CI)
#
# Steps: install burnoutkit with its docs extra into .venv (scripts/setup_env.sh), execute every
# notebook once into docs/tutorials/executed/ (scripts/execute_notebooks.py), then let Sphinx
# render them with the rest of the site (MyST-NB with nb_execution_mode = "off": Sphinx never
# executes a notebook itself). Set SKIP_SETUP=1 to reuse an existing .venv as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
small=""
for arg in "$@"; do
  case "$arg" in
    --small) small="--small" ;;
    *) echo "usage: bash scripts/build_docs.sh [--small]" >&2; exit 2 ;;
  esac
done
if [ "${SKIP_SETUP:-}" != "1" ]; then
  bash scripts/setup_env.sh docs
fi
start=$(date +%s)
rm -rf docs/tutorials/executed docs/reference/generated docs/_build/html
export MPLBACKEND=Agg
.venv/bin/python scripts/execute_notebooks.py $small --out docs/tutorials/executed
.venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html
echo "Documentation built in $(( $(date +%s) - start )) s: docs/_build/html/index.html"
