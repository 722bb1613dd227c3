#!/usr/bin/env bash
# Set up and run the whole test suite, browser tests in Debian's Chromium included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
exec .venv/bin/python -m pytest -q "$@"
