#!/usr/bin/env bash
# The main job: installs burnoutkit into .venv and runs it on the built-in inventory and the
# shipped reference cohort, writing the report to reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
mkdir -p reports
.venv/bin/burnoutkit main --out reports "$@"
