"""A throwaway PostgreSQL server for the tests (and the benchmarks), from the system's binaries.

Started once per test session on a free loopback port, data and unix socket in a temp dir,
durability off (fsync=off) because nothing in it outlives the session. PostgreSQL refuses
to run as root, so as root it runs as the `postgres` system user (Debian's package creates
it) through `runuser`. Each test gets its own database from `create_database()`.

With CI set, missing binaries are an error, never a skip: CI must run the PostgreSQL tests.

    server = start_or_skip()            # or PostgresServer(find_bindir()).start()
    url = server.create_database("t")   # postgresql+psycopg://postgres@127.0.0.1:PORT/t_…
    ...
    server.drop_database(url)
    server.stop()
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType

import pytest

NOT_FOUND = "PostgreSQL server binaries not found"
SERVICE_USER = "postgres"


def find_bindir() -> Path | None:
    """Where initdb and postgres live: pg_config --bindir, Debian's layout, then PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        probe = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False, timeout=10
        )
        if probe.returncode == 0 and probe.stdout.strip():
            candidates.append(Path(probe.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "postgres").is_file():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One postgres process; `start()`, `create_database()`, `drop_database()`, `stop()`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="hiring-bot-pg-"))
        self.datadir = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.as_user: str | None = SERVICE_USER if os.geteuid() == 0 else None

    def _cmd(self, *args: str) -> list[str]:
        if self.as_user is None:
            return list(args)
        return ["runuser", "-u", self.as_user, "--", *args]

    def start(self) -> PostgresServer:
        if self.as_user:
            try:
                user = pwd.getpwnam(self.as_user)
            except KeyError as error:
                raise RuntimeError(
                    f"running as root, PostgreSQL needs the '{self.as_user}' system user"
                ) from error
            os.chown(self.root, user.pw_uid, user.pw_gid)
        initdb = subprocess.run(
            self._cmd(
                str(self.bindir / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed: {initdb.stderr.strip() or initdb.stdout.strip()}")
        self.process = subprocess.Popen(
            self._cmd(
                str(self.bindir / "postgres"),
                "-D",
                str(self.datadir),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self.root),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ),
            stdout=subprocess.DEVNULL,
            stderr=self.logfile.open("wb"),
        )
        atexit.register(self.stop)  # no orphaned server if the session dies half-way
        self._wait_until_ready(deadline=time.monotonic() + 60)
        return self

    def _wait_until_ready(self, deadline: float) -> None:
        assert self.process is not None
        while time.monotonic() < deadline:
            probe = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited during start-up:\n{self.log_tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"PostgreSQL did not start within 60 s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql.encode())

    def create_database(self, name: str = "t", template: str | None = None) -> str:
        """Create a new database named `name` plus a unique suffix; returns its URL. Empty,
        or a copy of the database `template` (its URL or name; nobody may be connected to
        it), which the server makes by copying files: far quicker than migrating again."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", name):
            raise ValueError(f"not a simple database name: {name!r}")
        database = f"{name}_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{self._database(template)}"' if template else ""
        self._admin(f'CREATE DATABASE "{database}"{copy}')
        return self.url(database)

    def drop_database(self, name_or_url: str) -> None:
        """Drop a database created by `create_database` (give its URL or its name)."""
        database = self._database(name_or_url)
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def drop_connections(self, name_or_url: str) -> None:
        """End every connection to the database, as a restart or a failover would."""
        database = self._database(name_or_url)
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )

    @staticmethod
    def _database(name_or_url: str) -> str:
        database = name_or_url.rsplit("/", 1)[-1].split("?", 1)[0]
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", database):
            raise ValueError(f"not a database of this server: {name_or_url!r}")
        return database

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # "fast" shutdown: disconnects clients that tests left open, unlike SIGTERM's
            # "smart" one that waits for them.
            subprocess.run(
                self._cmd(
                    str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "stop", "-m", "fast"
                ),
                capture_output=True,
                check=False,
                timeout=60,
            )
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_or_skip() -> PostgresServer:
    """A started server; skips the test when the binaries are missing, except under CI."""
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{NOT_FOUND}, and CI must not skip the PostgreSQL tests", pytrace=False)
        pytest.skip(f"{NOT_FOUND} (install the postgresql package)")
    return PostgresServer(bindir).start()
