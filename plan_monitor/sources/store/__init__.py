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

__all__ = ["Store", "StoreBusy", "StoreConflict", "open_store", "load_rosters"]


def open_store(location: str | Path) -> Store:
    """The store at a location (a data folder); a DataError in Chinese when there is none."""
    return LakeStore(location)


def load_rosters(location: str | Path) -> Rosters:
    """The current rows at a location: open_store(location).rosters(), for callers that need nothing else."""
    return open_store(location).rosters()
