"""The one door to the data. Every reader and the write service get a Store from open_store(location) and
ask it for rows, versions and changes; nothing outside this package opens the data location, reads its
version records or builds a path inside it.

Today's engine keeps a data folder (_folder.py): the folder's own roster files are version 0 (_base.py) and
uploads are versioned under <folder>/store/ (_manifest.py). Another engine (DuckLake, a database) is another
Store subclass and a branch in open_store."""

from __future__ import annotations

from pathlib import Path

from plan_monitor.sources.store._folder import FolderStore
from plan_monitor.sources.store.interface import Store, StoreBusy, StoreConflict
from plan_monitor.sources.tables import Rosters

__all__ = ["Store", "StoreBusy", "StoreConflict", "open_store", "load_rosters"]


def open_store(location: str | Path) -> Store:
    """The store at a location (today: a data folder); a DataError in Chinese when there is none."""
    return FolderStore(location)


def load_rosters(location: str | Path) -> Rosters:
    """The current rows at a location: open_store(location).rosters(), for callers that need nothing else."""
    return open_store(location).rosters()
