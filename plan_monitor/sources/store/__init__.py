"""The one door to the data. Every reader and the write service get a Store from open_store(location) and
ask it for rows, versions and changes; nothing outside this package opens the data location, reads its
version records or builds a path inside it.

The engine is DuckLake (_lake.py): the data folder's own roster files are version 0 (_base.py) and every
upload or rollback is a transaction in a DuckLake under <folder>/store/ (a SQLite catalog and Parquet data
files), with the extensions loaded from their pinned wheels (_duck.py). A store the earlier folder engine wrote
(store/manifest.json, read by _manifest.py) is imported into the DuckLake once, when it is first opened. With
PLAN_MONITOR_CATALOG=postgresql://… the DuckLake's catalog is in PostgreSQL and its files on a shared path
(PLAN_MONITOR_LAKE_DATA), for several app replicas."""

from __future__ import annotations

from pathlib import Path

from plan_monitor.sources.store._lake import LakeStore
from plan_monitor.sources.store.interface import Store, StoreBusy, StoreConflict
from plan_monitor.sources.tables import Rosters

__all__ = ["Store", "StoreBusy", "StoreConflict", "migrate_store", "open_store", "load_rosters"]


def open_store(location: str | Path) -> Store:
    """The store at a location (a data folder); a DataError in Chinese when there is none."""
    return LakeStore(location)


def load_rosters(location: str | Path) -> Rosters:
    """The current rows at a location: open_store(location).rosters(), for callers that need nothing else."""
    return open_store(location).rosters()


def migrate_store(location: str | Path) -> str:
    """Import a store the earlier folder engine wrote at this location into the DuckLake (open_store does it, version
    by version, comparing every table's figures before and after); run again, it only says it was done. The
    returned sentence (Chinese) says what happened; a failed import is a DataError and leaves it unmarked."""
    import json

    from plan_monitor.errors import DataError
    from plan_monitor.sources.store._lake import IMPORTED_MANIFEST, LEGACY_MANIFEST, STORE_DIR

    folder = Path(location)
    legacy, done = folder / STORE_DIR / LEGACY_MANIFEST, folder / STORE_DIR / IMPORTED_MANIFEST
    if not legacy.exists():
        if done.exists():
            return f"旧版本库已导入（{done} 为导入前的记录），无需再次导入；当前 {open_store(folder).head()} 个版本"
        return f"没有需要导入的旧版本库（{legacy} 不存在）"
    try:
        count = len(json.loads(legacy.read_text(encoding="utf-8")).get("entries", []))
    except (OSError, ValueError) as exc:
        raise DataError(f"旧版本记录 {legacy} 无法读取：{exc}", f"cannot read {legacy}: {exc}") from exc
    store = open_store(folder)  # imports, or raises a DataError naming what stopped it
    return (f"已导入旧版本库的 {count} 个版本（现共 {store.head()} 个版本），导入前后各表数据一致；"
            f"旧文件保留，{LEGACY_MANIFEST} 已改名为 {IMPORTED_MANIFEST}")
