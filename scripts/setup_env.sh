#!/usr/bin/env bash
# Creates .venv (once) and installs burnoutkit into it (not editable: tests use the installed
# package, so a data file missing from the wheel fails here). Usage: setup_env.sh [EXTRAS]
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install --quiet --force-reinstall --no-deps ".[${extras}]"
  .venv/bin/python -m pip install --quiet ".[${extras}]"
else
  .venv/bin/python -m pip install --quiet --force-reinstall --no-deps .
  .venv/bin/python -m pip install --quiet .
fi
