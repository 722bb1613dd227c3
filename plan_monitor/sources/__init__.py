"""Where the data comes from. The door is open_store(location): the Store every reader and the write service
(ingest.service) use, whatever engine keeps the rows (sources.store). Rows are Rosters (sources.tables),
versions are History entries and slice owners (sources.versions)."""

from plan_monitor.sources.store import Store, StoreBusy, StoreConflict, load_rosters, migrate_store, open_store
from plan_monitor.sources.tables import Rosters
from plan_monitor.sources.versions import History

__all__ = ["History", "Rosters", "Store", "StoreBusy", "StoreConflict", "load_rosters", "migrate_store", "open_store"]
