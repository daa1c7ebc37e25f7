#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh machine and runs it:
# a virtual environment with burnoutkit and its test and docs extras, R with psych/lavaan/mclust
# for the reference scripts and Chromium for the browser check of the HTML report (where root and
# apt-get are available), ruff, the documentation build (which executes every notebook with its
# small parameters, warnings as errors), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh test,docs
if ! bash scripts/install_r.sh; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI needs R for the reference tests." >&2
    exit 1
  fi
  echo "R is not available: the tests that re-run R scripts will be skipped." >&2
fi
bash scripts/install_chromium.sh
.venv/bin/ruff check burnoutkit tests benchmarks scripts notebooks
SKIP_SETUP=1 bash scripts/build_docs.sh --small
# The docs build has just executed every notebook; tests/test_notebooks.py checks those runs
# instead of executing the notebooks a second time.
export BURNOUTKIT_EXECUTED_NOTEBOOKS="$PWD/docs/tutorials/executed"
# Run from tests/ so that the installed package, not the source tree, is imported.
cd tests
../.venv/bin/python -m pytest -p no:cacheprovider "$@"
