#!/usr/bin/env bash
# Sets up everything the test suite needs on a fresh machine and runs it:
# a virtual environment with burnoutkit and its test extras, R with psych/lavaan/mclust for the
# reference scripts (where root and apt-get are available), ruff, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh test
if ! bash scripts/install_r.sh; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI needs R for the reference tests." >&2
    exit 1
  fi
  echo "R is not available: the tests that re-run R scripts will be skipped." >&2
fi
.venv/bin/ruff check burnoutkit tests benchmarks scripts notebooks
# Run from tests/ so that the installed package, not the source tree, is imported.
cd tests
../.venv/bin/python -m pytest -p no:cacheprovider "$@"
