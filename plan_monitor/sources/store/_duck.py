"""DuckDB with the DuckLake extensions, loaded from the installed wheels (never INSTALLed from the network).

One in-memory DuckDB per process carries the loaded extensions and every attached DuckLake catalog; callers take
a cursor (its own connection to that database) per operation, so threads do not share a transaction. The
DuckLake, SQLite and PostgreSQL extensions come from the `duckdb-extension-<name>` wheels pinned in
requirements.txt; they are DuckDB's signed binaries, so they load with unsigned extensions disallowed. The
SQLite and PostgreSQL files must be loaded under their scanner names (the name is the entry point), so they are
copied once per process into a private temporary directory under that name.
"""

from __future__ import annotations

import atexit
import importlib.util
import shutil
import tempfile
import threading
from pathlib import Path

import duckdb

from plan_monitor.errors import DataError

SCANNER_NAMES = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}

_lock = threading.Lock()
_attach = threading.Lock()
_db: duckdb.DuckDBPyConnection | None = None
_loaded: set[str] = set()
_private: Path | None = None


def extension_file(name: str) -> Path:
    """The extension binary inside its installed wheel, for the running DuckDB version."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        raise DataError(f"缺少 DuckDB 扩展 {name}（duckdb-extension-{name}），请按 requirements.txt 重新安装",
                        f"the duckdb-extension-{name} wheel is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    wanted = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if wanted.is_file():
        return wanted
    found = sorted(root.rglob(f"{name}.duckdb_extension"))
    raise DataError(f"DuckDB 扩展 {name} 与 DuckDB {duckdb.__version__} 版本不符，请按 requirements.txt 重新安装",
                    f"no {name} extension for DuckDB {duckdb.__version__} in {root} (found {found})")


def _scanner_copy(name: str) -> Path:
    global _private
    if _private is None:
        _private = Path(tempfile.mkdtemp(prefix="plan_monitor-duckdb-"))
        atexit.register(shutil.rmtree, _private, True)
    target = _private / f"{SCANNER_NAMES[name]}.duckdb_extension"
    if not target.exists():
        shutil.copyfile(extension_file(name), target)
    return target


def database(*extensions: str) -> duckdb.DuckDBPyConnection:
    """The process's DuckDB with ducklake and the given catalog extensions (sqlite, postgres) loaded."""
    global _db
    with _lock:
        if _db is None:
            _db = duckdb.connect(":memory:", config={"allow_unsigned_extensions": "false",
                                                     "autoinstall_known_extensions": "false",
                                                     "autoload_known_extensions": "false"})
        for name in ("ducklake", *extensions):
            if name not in _loaded:
                path = _scanner_copy(name) if name in SCANNER_NAMES else extension_file(name)
                _db.execute(f"LOAD '{path}'")
                _loaded.add(name)
        return _db


def attach_lock() -> threading.Lock:
    """Held while attaching or detaching catalogs, so two threads do not attach the same one twice."""
    return _attach
