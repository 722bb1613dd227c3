"""A temporary PostgreSQL server for the test session: Debian's `postgresql` binaries (initdb / pg_ctl), run as the
`postgres` user (PostgreSQL refuses root), a data directory of its own under the system temp folder, a private
socket directory and a free port on 127.0.0.1, fsync off. Started once per session by the `pg_server` fixture
(tests/sources/conftest.py) and stopped at the end: only this server, by its own data directory, and by the
postmaster's PID if pg_ctl cannot stop it."""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from glob import glob
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(re.findall(r"/(\d+)/bin/", p)[0]))
    return Path(found[-1]).parent if found else None


def as_postgres() -> list[str] | None:
    """The prefix that runs a command as the `postgres` user, if this process can."""
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    if pwd.getpwuid(os.geteuid()).pw_name == "postgres":
        return []
    if os.geteuid() == 0 and shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable() -> str | None:
    """Why no server can be started here (a skip reason), or None."""
    bin_dir = pg_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        return ("PostgreSQL 服务器程序（initdb/pg_ctl，Debian 包 postgresql）未安装 / PostgreSQL server binaries not "
                "installed (apt-get install postgresql): the PostgreSQL catalog tests are skipped")
    if as_postgres() is None:
        return ("无法以 postgres 用户运行 initdb/pg_ctl（需以 root 或 postgres 运行测试）/ cannot run initdb and pg_ctl "
                "as the postgres user (run the tests as root or postgres): the PostgreSQL catalog tests are skipped")
    return None


class PgServer:
    """One temporary server: start(), createdb()/dropdb()/url(), stop()."""

    def __init__(self):
        self.bin = pg_bin()
        self.prefix = as_postgres()
        self.root = Path(tempfile.mkdtemp(prefix="plan_monitor-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.socket_dir = self.root
        self.started = False
        self._names = itertools.count(1)

    def run(self, *cmd, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, *map(str, cmd)], check=check, capture_output=True, text=True)

    def start(self) -> PgServer:
        shutil.chown(self.root, "postgres")
        os.chmod(self.root, 0o755)
        self.run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start",
                 "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self.started = True
        return self

    def stop(self) -> None:
        """Stop this server (its data directory names it), then remove its folder."""
        try:
            if self.started:
                done = self.run(self.bin / "pg_ctl", "-D", self.data, "stop", "-m", "fast", "-w", "-t", "30",
                                check=False)
                pid_file = self.data / "postmaster.pid"
                if done.returncode != 0 and pid_file.exists():  # pg_ctl could not stop it: its own postmaster only
                    try:
                        os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
                    except (ValueError, ProcessLookupError, IndexError):
                        pass
                self.started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def psql(self, sql: str, db: str = "postgres") -> str:
        return self.run(self.bin / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", db,
                        "-v", "ON_ERROR_STOP=1", "-Atc", sql).stdout

    def createdb(self, hint: str = "t") -> str:
        """A fresh database with a unique name (a test's name, shortened, and a counter)."""
        name = f"{re.sub(r'[^a-z0-9]+', '_', hint.lower())[:40]}_{next(self._names)}"
        self.run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        return name

    def dropdb(self, name: str) -> None:
        """Drop a database even while clients are connected to it (a catalog lost on the server)."""
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def dump(self, name: str) -> Path:
        """A backup of a database (pg_dump's custom format), in the server's own folder."""
        path = self.root / f"{name}.dump"
        self.run(self.bin / "pg_dump", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-Fc", "-f", path, name)
        return path

    def restore(self, name: str, path: Path) -> None:
        self.run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", name)
        self.run(self.bin / "pg_restore", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", name, path)

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"
