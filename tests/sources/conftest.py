"""The store's catalogs: every store suite runs on the embedded SQLite catalog and on a PostgreSQL catalog (one
temporary server per test session, a fresh database per test, named by PLAN_MONITOR_CATALOG)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pg_server import PgServer, unavailable


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server, started on first use and stopped at the end; skipped with the reason when
    the server binaries are absent or cannot run as the postgres user."""
    reason = unavailable()
    if reason:
        pytest.skip(reason)
    server = PgServer()
    try:
        yield server.start()
    finally:
        server.stop()


@dataclass
class Catalog:
    kind: str  # "sqlite" or "postgres"
    server: PgServer | None = None
    dbname: str | None = None
    url: str | None = None

    @property
    def pg(self) -> bool:
        return self.kind == "postgres"


def _detach(url: str) -> None:
    """Let go of the process's attachments to a test's database (their connections would pile up on the server)."""
    from plan_monitor.sources.store import _duck, _lake

    with _duck.attach_lock():
        for key in [k for k in _lake._attached if k[0] == "postgres" and k[1] == url]:
            try:
                _duck.database("postgres").execute(f"DETACH {_lake._attached.pop(key)}")
            except Exception:  # noqa: BLE001 - the database may be gone already
                pass


def _postgres(request, monkeypatch) -> Catalog:
    from plan_monitor.sources.store import _lake

    server = request.getfixturevalue("pg_server")
    name = server.createdb(f"t_{request.node.name}")
    url = server.url(name)
    monkeypatch.setenv(_lake.CATALOG_ENV, url)  # subprocesses inherit it with os.environ
    monkeypatch.delenv(_lake.LAKE_DATA_ENV, raising=False)
    request.addfinalizer(lambda: _detach(url))
    return Catalog("postgres", server, name, url)


@pytest.fixture(params=["sqlite", "postgres"])
def catalog_kind(request, monkeypatch) -> Catalog:
    """The catalog a store test runs on: the embedded SQLite file, or a fresh database of the session's PostgreSQL
    server named by PLAN_MONITOR_CATALOG."""
    if request.param == "sqlite":
        from plan_monitor.sources.store import _lake

        monkeypatch.delenv(_lake.CATALOG_ENV, raising=False)
        monkeypatch.delenv(_lake.LAKE_DATA_ENV, raising=False)
        return Catalog("sqlite")
    return _postgres(request, monkeypatch)


@pytest.fixture
def catalog(request, monkeypatch) -> str:
    """A fresh database of the session's server as PLAN_MONITOR_CATALOG (the PostgreSQL-only tests); its URL."""
    return _postgres(request, monkeypatch).url
