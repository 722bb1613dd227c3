"""What every reader and the write service may ask of a store, whatever engine keeps the rows.

Rows come back as typed Arrow tables in the templates' English columns (sources.tables), versions as entry
dicts and slice → owner states (sources.versions). Nothing here names a file, a folder or a manifest."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa

from plan_monitor.errors import UserError
from plan_monitor.sources.tables import Rosters
from plan_monitor.sources.versions import History, Slice, State, replay

if TYPE_CHECKING:
    import pandas as pd


class StoreConflict(UserError):
    """Someone else committed overlapping data after the user checked the preview."""


class StoreBusy(StoreConflict):
    """Another commit held the lock for longer than the caller is willing to wait."""


class Store(ABC):
    """The data: the base rows (版本 0), every version after them, and the current rows.

    Reading is open to every layer; writing (commit, rollback) is for ingest.service.WriteService alone, which
    checks who is writing first."""

    location: str  # where the store lives, as given to open_store; for cache keys and messages

    # ------------------------------------------------------------------ reading

    @abstractmethod
    def stamp(self) -> str:
        """A short string that changes whenever the data does (a commit, a rollback, a base file replaced);
        cheap enough to compute on every page rerun, so caches can key on it."""

    def ledger_stamp(self) -> str:
        """Like stamp, and it also changes with every task-ledger batch: the key of what the ledger's pages cache."""
        return self.stamp()

    @abstractmethod
    def history(self) -> History:
        """Every version entry, oldest first, and the slice owners after the last, from one read."""

    @abstractmethod
    def rosters(self) -> Rosters:
        """The current rows of every table, with the history they were read at and the stamp."""

    @abstractmethod
    def current(self, table: str, at: int | None = None) -> pa.Table:
        """The rows of one table after version `at` (default: the latest; 0: the base rows)."""

    @abstractmethod
    def diff(self, version: int) -> pd.DataFrame:
        """What a version changed against the state before it: one line per unit that is new, changed or
        removed, with columns status, table, county, town, village, year, as_of and changes, the
        (column, old, new) values that changed."""

    def entries(self) -> list[dict]:
        return list(self.history().entries)

    def head(self) -> int:
        """The latest version; 0 when nothing was ever committed."""
        return self.history().head

    def owners(self, at: int | None = None) -> State:
        """The slice → owning version state after version `at` (default: the latest)."""
        return replay(self.entries(), at)

    def is_demo(self) -> bool:
        """Whether the store holds the bundled 示例数据 (its figures are labelled so)."""
        return False

    def check(self) -> list[str]:
        """Every problem a read could trip on (catalog, each version's data, each archived original), in Chinese;
        none when the store is whole."""
        return []

    def cached(self, name: str) -> bytes | None:
        """The bytes last kept under `name` (see keep), or None: never kept, evicted, unreadable or damaged. What
        comes back is exactly what was kept, never part of it."""
        return None

    def keep(self, name: str, data: bytes) -> None:
        """Keep bytes derived from the data (a computed scorecard) under `name`, a plain file name of letters,
        digits, '.', '-' and '_', for a later cached(name), in this process or another. Not a version: the stamp
        does not change and nothing is committed. Bounded (the least recently used go first) and best effort: a
        store that cannot be written keeps nothing, silently. The caller puts in the name whatever the bytes
        depend on (the stamp among it), so a name is never read back for other data."""

    @abstractmethod
    def column_maps(self) -> list[dict]:
        """The saved column mappings (列对应), newest first: dicts with scope ("county:沙市区" or "user:王分析"),
        template, mapping (template key → the file's header text), header_row (or None), user and saved_at."""

    # ------------------------------------------------------------------ writing (ingest.service only)

    @abstractmethod
    def save_column_map(self, *, scope: str, template_key: str, mapping: dict[str, str], header_row: int | None,
                        user: str, lock_timeout: float = 10) -> dict:
        """Remember a column mapping for a scope and template (replacing the one saved before) and return it."""

    @abstractmethod
    def commit(self, *, template_key: str, rows: pa.Table, original: bytes, file_name: str, user: str,
               base: int, role: str | None = None, warnings_confirmed: int = 0, note: str = "",
               mode: str | None = None, lock_timeout: float = 10) -> dict:
        """Make a validated upload the owner of the slices its rows cover and return its entry. The rows are
        the slices' whole new content (an upload in 补充更正 mode was already merged with the stored rows) and
        may hold removal markers (tables.REMOVED); `mode` (merge / replace) is recorded in the entry. `base` is the
        version the user's preview was computed against: if a later entry touched the same slices,
        StoreConflict."""

    @abstractmethod
    def rollback(self, to: int, *, user: str, base: int, role: str | None = None, note: str = "",
                 allow: Callable[[set[Slice]], None] | None = None, lock_timeout: float = 10) -> dict:
        """A new version whose data is exactly what version `to` showed (0: the base rows); `base` must be
        the latest version. `allow` is called with the exact slices the rollback rewrites, while no other
        write can land, before anything is written; whatever it raises aborts the rollback."""

    # ------------------------------------------------------------------ the task ledger

    @abstractmethod
    def task_ledger(self) -> tuple[list[dict], pa.Table]:
        """The ledger's batches (entry dicts: id, kind, user, role, at, file_name, events, original, …), oldest
        first, and every task event (sources.task_events.EVENT_SCHEMA), the data folder's own ledger files first."""

    @abstractmethod
    def commit_tasks(self, *, events: pa.Table, user: str, role: str | None, kind: str, file_name: str | None = None,
                     original: bytes | None = None, note: str = "",
                     check: Callable[[pa.Table], None] | None = None, lock_timeout: float = 10) -> dict:
        """Append one batch of task events (numbered here) and return its entry; `check(current events)` runs under
        the store's lock first and refuses the batch by raising. For ingest.service.WriteService alone."""

