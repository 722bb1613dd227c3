"""Where the project's own files live, relative to the checkout."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
DEFAULT_TARGETS = ROOT / "targets.yaml"
DEFAULT_DATA = ROOT / "data" / "demo"
