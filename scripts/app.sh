#!/usr/bin/env bash
# Set up and start the dashboard (http://localhost:8501): serve.py = Streamlit running app.py plus the sign-in routes.
# Listens on 127.0.0.1 only unless told otherwise (e.g. `bash scripts/app.sh --server.address 0.0.0.0`, or behind
# nginx as the README shows). On the bundled demo data (PLAN_MONITOR_DATA unset) sign-in is off unless
# PLAN_MONITOR_AUTH says otherwise (演示模式, labelled on every page); on real data it is on by default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${PLAN_MONITOR_DATA:-}" ]; then
  export PLAN_MONITOR_AUTH="${PLAN_MONITOR_AUTH:-off}"
fi
exec .venv/bin/streamlit run serve.py --server.headless true --server.address 127.0.0.1 \
  --browser.gatherUsageStats false "$@"
