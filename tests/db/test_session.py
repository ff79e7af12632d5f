"""Engines, URLs, timestamps and the health check, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import upgrade_to_head
from bot.db.models import Workspace
from bot.db.session import (
    PING_AFTER_IDLE_SECONDS,
    check_database,
    make_engine,
    make_session_factory,
    normalise_url,
    redact_url,
)
from tests.pg import PostgresServer, find_bindir


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///bot.db", "sqlite:///bot.db"),
    ],
)
def test_urls_people_paste_use_psycopg(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_redact_url_hides_the_password() -> None:
    redacted = redact_url("postgres://bot:s3cr3t-pw@db.internal:5432/hiring")
    assert "s3cr3t-pw" not in redacted
    assert redacted == "postgresql+psycopg://bot:***@db.internal:5432/hiring"
    assert redact_url("sqlite:///x.db") == "sqlite:///x.db"
    assert redact_url("::not a url::") == "<unparseable database URL>"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"), session_factory.begin() as session:
        session.execute(
            text(
                "INSERT INTO digest_runs (workspace_id, period_key, status, claimed_by, claimed_at)"
                " VALUES (999, '2026-11-16', 'claimed', 'x', CURRENT_TIMESTAMP)"
            )
        )


def test_timestamps_come_back_aware_and_in_utc(session_factory: sessionmaker[Session]) -> None:
    paris = timezone(timedelta(hours=1))
    stored = datetime(2026, 11, 18, 11, 30, 15, 123456, tzinfo=paris)
    with session_factory.begin() as session:
        session.add(Workspace(team_id="T1", enterprise_id="", created_at=stored))
    with session_factory() as session:
        loaded = session.scalars(select(Workspace.created_at)).one()
    assert loaded.tzinfo is not None
    assert loaded.utcoffset() == timedelta(0)
    assert loaded == stored
    assert loaded == datetime(2026, 11, 18, 10, 30, 15, 123456, tzinfo=UTC)


def test_naive_datetimes_are_refused(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(StatementError, match="naive"), session_factory.begin() as session:
        session.add(Workspace(team_id="T1", enterprise_id="", created_at=datetime(2026, 1, 1)))
        session.flush()


def test_check_database_when_up(engine: Engine) -> None:
    assert check_database(engine) == (True, "ok")


def test_sessions_keep_objects_readable_after_commit(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        workspace = Workspace(team_id="T1", enterprise_id="", created_at=datetime.now(UTC))
        session.add(workspace)
    assert workspace.team_id == "T1"  # no DetachedInstanceError: expire_on_commit=False
    assert make_session_factory(session_factory.kw["bind"]).kw["expire_on_commit"] is False


def test_check_database_when_sqlite_cannot_open(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'bot.db'}")
    try:
        ok, reason = check_database(engine)
    finally:
        engine.dispose()
    assert not ok
    assert "unable to open database file" in reason


def test_check_database_on_a_stopped_postgres_server_is_quick_and_hides_the_password() -> None:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found")
    server = PostgresServer(bindir).start()
    password = "pw-that-must-not-leak"
    url = server.url().replace("postgres@", f"postgres:{password}@")
    engine = make_engine(url)
    try:
        assert check_database(engine) == (True, "ok")  # trust auth ignores the password
        server.stop()  # the pool now holds a dead connection, and no server answers anew
        started = time.monotonic()
        ok, reason = check_database(engine)
        elapsed = time.monotonic() - started
    finally:
        engine.dispose()
        server.stop()
    assert not ok
    assert elapsed < 5
    assert password not in reason
    assert reason.startswith("OperationalError")


def test_check_database_gives_up_on_a_silent_server() -> None:
    """A host that accepts TCP but never answers must not hang /healthz."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        engine = make_engine(f"postgresql://bot:secret-pw@127.0.0.1:{port}/hiring")
        try:
            started = time.monotonic()
            ok, reason = check_database(engine)
            elapsed = time.monotonic() - started
        finally:
            engine.dispose()
    assert not ok
    assert elapsed < 10
    assert "secret-pw" not in reason


# -- SQLite writers of one process take turns -----------------------------------------------
# Every SQLite transaction takes the write lock at BEGIN. Threads of one process queue for it
# on a lock of the engine's, which the holder gives back when its transaction ends, however
# it ends; other processes meet SQLite's own lock and busy timeout.

WRITE_WAIT_SECONDS = 10  # far beyond a write's time, far below SQLite's 30 s busy timeout


def _write_in_thread(factory: sessionmaker[Session], team: str) -> threading.Thread:
    def write() -> None:
        with factory.begin() as session:
            session.add(Workspace(team_id=team, enterprise_id="", created_at=datetime.now(UTC)))

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def _teams(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(Workspace.team_id)))


def _end_by_commit(factory: sessionmaker[Session], engine: Engine) -> None:
    with factory.begin() as session:
        session.add(Workspace(team_id="T_COMMIT", enterprise_id="", created_at=datetime.now(UTC)))


def _end_by_error(factory: sessionmaker[Session], engine: Engine) -> None:
    with pytest.raises(RuntimeError), factory.begin() as session:
        session.add(Workspace(team_id="T_ERROR", enterprise_id="", created_at=datetime.now(UTC)))
        session.flush()
        raise RuntimeError("the use case failed half-way")


def _end_by_closing_the_session(factory: sessionmaker[Session], engine: Engine) -> None:
    session = factory()
    session.execute(select(Workspace.id))  # begins
    session.close()  # no commit: the pool rolls the connection back


def _end_by_losing_the_connection(factory: sessionmaker[Session], engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(select(Workspace.id))  # begins
        connection.invalidate()  # the DBAPI connection is closed, not rolled back


@contextlib.contextmanager
def _migrated_sqlite(
    tmp_path: Path, **engine_options: Any
) -> Iterator[tuple[Engine, sessionmaker[Session]]]:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_to_head(url)
    engine = make_engine(url, **engine_options)
    try:
        yield engine, make_session_factory(engine)
    finally:
        engine.dispose()


@contextlib.contextmanager
def _other_process_holding_the_lock(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, as another process would have, with the write lock."""
    other_process = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    try:
        other_process.execute("BEGIN IMMEDIATE")
        yield other_process
    finally:
        other_process.close()


@pytest.mark.parametrize(
    "end",
    [_end_by_commit, _end_by_error, _end_by_closing_the_session, _end_by_losing_the_connection],
)
def test_sqlite_gives_the_write_turn_back_however_a_transaction_ends(
    tmp_path: Path, end: Callable[[sessionmaker[Session], Engine], None]
) -> None:
    with _migrated_sqlite(tmp_path) as (engine, factory):
        end(factory, engine)
        writer = _write_in_thread(factory, "T_NEXT")
        writer.join(WRITE_WAIT_SECONDS)
        assert not writer.is_alive(), "the next writer was left waiting for its turn"
        assert "T_NEXT" in _teams(factory)


def test_sqlite_writers_queue_behind_another_process_and_all_get_through(tmp_path: Path) -> None:
    """Another process's write lock is waited out (SQLite's busy timeout), and the threads
    queued behind the one waiting for it each get their turn once it is released."""
    with (
        _migrated_sqlite(tmp_path) as (_engine, factory),
        _other_process_holding_the_lock(tmp_path) as other_process,
    ):
        writers = [_write_in_thread(factory, f"T_{n}") for n in range(4)]
        time.sleep(0.3)
        assert all(writer.is_alive() for writer in writers), "wrote through another's lock"
        other_process.execute("COMMIT")
        for writer in writers:
            writer.join(WRITE_WAIT_SECONDS)
        assert not any(writer.is_alive() for writer in writers)
        assert {f"T_{n}" for n in range(4)} <= _teams(factory)


def test_sqlite_a_begin_refused_by_sqlite_gives_the_turn_back(tmp_path: Path) -> None:
    """SQLite refusing the lock ("database is locked", here after a short busy timeout) ends
    the attempt; the next writer of the process is not left behind it."""
    # One pooled connection, so the shortened timeout is the one the next session gets.
    with _migrated_sqlite(tmp_path, pool_size=1, max_overflow=0) as (engine, factory):
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=100")
        with _other_process_holding_the_lock(tmp_path) as other_process:
            with pytest.raises(OperationalError, match="locked"), factory.begin() as session:
                session.execute(select(Workspace.id))
            other_process.execute("COMMIT")
        writer = _write_in_thread(factory, "T_AFTER")
        writer.join(WRITE_WAIT_SECONDS)
        assert not writer.is_alive(), "the refused BEGIN kept the turn"
        assert "T_AFTER" in _teams(factory)


# -- PostgreSQL: a pooled connection is pinged after it sat idle ----------------------------


@contextlib.contextmanager
def _postgres_engine(server: PostgresServer, name: str) -> Iterator[tuple[str, Engine]]:
    url = server.create_database(name)
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        server.drop_database(url)


def _select_one(engine: Engine) -> object:
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar()


def test_postgres_a_connection_killed_while_idle_is_replaced_before_use(
    postgres_server: PostgresServer,
) -> None:
    """A restart while the bot is quiet: the next request gets a fresh connection, not an
    error (the pool pings a connection that sat idle before handing it out)."""
    with _postgres_engine(postgres_server, "idle_ping") as (url, engine):
        _select_one(engine)
        postgres_server.drop_connections(url)
        time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)
        assert _select_one(engine) == 1


def test_postgres_a_connection_killed_just_after_use_fails_once_then_the_pool_reconnects(
    postgres_server: PostgresServer,
) -> None:
    """The other side of not pinging a connection used a moment ago: if the server drops it
    in that moment, that one statement fails as a database error (the caller's "unavailable
    for a moment"), and the pool is discarded, so the next one works."""
    with _postgres_engine(postgres_server, "busy_ping") as (url, engine):
        _select_one(engine)
        postgres_server.drop_connections(url)
        with pytest.raises(DBAPIError) as failed:
            _select_one(engine)
        assert failed.value.connection_invalidated
        assert _select_one(engine) == 1


def test_postgres_health_after_a_restart_asks_a_fresh_connection(
    postgres_server: PostgresServer,
) -> None:
    """A connection the server dropped a moment ago is not the server being down: /healthz
    says ok, and does not take the bot out of a load balancer for one stale connection."""
    with _postgres_engine(postgres_server, "health_ping") as (url, engine):
        assert check_database(engine) == (True, "ok")
        postgres_server.drop_connections(url)
        assert check_database(engine) == (True, "ok")
