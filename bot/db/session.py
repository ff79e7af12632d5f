"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production).

Use one session per request or job, as a transaction: `with session_factory.begin() as s:`.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

# Seconds a new PostgreSQL connection may take; /healthz must answer before a load
# balancer gives up on it, so an unreachable database has to fail fast.
CONNECT_TIMEOUT_SECONDS = 3
# A pooled PostgreSQL connection idle longer than this is pinged before it is used again; one
# that was working a moment ago is trusted (see `_ping_after_idle`).
PING_AFTER_IDLE_SECONDS = 2.0
# Milliseconds a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redact_url(url: str) -> str:
    """The URL with its password replaced by ***, safe for logs and error messages."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`: SQLite in WAL mode with foreign keys, or PostgreSQL via psycopg 3."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        # A file has no server to go away, so no ping before each checkout.
        return _make_sqlite_engine(url, **kwargs)
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS, **kwargs.pop("connect_args", {})}
    # 20 connections per process: enough for the ack path plus the scheduler's jobs.
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """A PostgreSQL connection can die under the pool (a restart, a failover while the bot
    is quiet): one that sat idle in the pool for PING_AFTER_IDLE_SECONDS is pinged before
    use, and a dead one is replaced at once. One handed back moments ago is not: pinging on
    every checkout (`pool_pre_ping`) added a round trip to each transaction, 2 of a click's
    13. If the server goes away in that moment, the first statement fails, is reported as a
    database outage, and SQLAlchemy discards the whole pool, so the next request reconnects.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _note_idle_since(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool throws this connection away and checks out a fresh one.
                raise DisconnectionError(str(error)) from error
            raise


class _WriterTurnConnection(sqlite3.Connection):
    """A SQLite connection whose transactions take turns with the other connections of the
    same engine (this process) on a Python lock, before asking SQLite for its write lock.

    Every transaction here takes SQLite's write lock at BEGIN. When it is taken, SQLite's own
    busy handler sleeps and polls (1, 2, 5, 10 ms …), so a thread that finds it held usually
    waits milliseconds longer than the holder needed it: with a few clicks at once, that sleep
    was a fifth of the after-ack threads' time. Threads of one process now queue on a lock
    that wakes the next one as soon as the holder's COMMIT or ROLLBACK is done; another
    process (a cron run) still meets SQLite's lock and busy timeout as before.
    """

    turnstile: threading.Lock
    holds_turn: bool = False

    def take_turn(self) -> None:
        # Bounded like SQLite's own wait: a thread that already holds a transaction on
        # another connection would otherwise wait for itself forever; after the timeout it
        # goes on to SQLite, which refuses it ("database is locked"), as it always did.
        self.holds_turn = self.turnstile.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_turn()

    def _end_turn(self) -> None:
        if self.holds_turn:
            self.holds_turn = False
            self.turnstile.release()


def _make_sqlite_engine(url: str, **kwargs: Any) -> Engine:
    connect_args = {
        "check_same_thread": False,
        "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        "factory": _WriterTurnConnection,
        **kwargs.pop("connect_args", {}),
    }
    engine = create_engine(url, connect_args=connect_args, **kwargs)
    turnstile = threading.Lock()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.turnstile = turnstile
        # pysqlite's own transaction handling would fight the BEGIN below; turn it off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at BEGIN so concurrent writers queue instead of failing with
        # "database is locked" when a read transaction tries to upgrade.
        # A BEGIN that fails (another process kept the lock past the busy timeout) ends in
        # a rollback, which gives the turn back.
        connection.connection.dbapi_connection.take_turn()
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextlib.contextmanager
def single_statement(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for a write that is one statement on PostgreSQL: the statement is its own
    transaction there (autocommit), sparing the BEGIN and COMMIT round trips; on SQLite, a
    transaction as usual. Only for one statement: two would not be atomic."""
    with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield session
        else:
            with session.begin():
                yield session


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (rendered after the transaction)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def check_database(engine: Engine) -> tuple[bool, str]:
    """For /healthz: (True, 'ok') or (False, a short reason), never raising.

    The reason names the error and its first line, with the password masked; an
    unreachable PostgreSQL fails within CONNECT_TIMEOUT_SECONDS.
    """
    try:
        _select_one(engine)
    except DBAPIError as error:
        if not error.connection_invalidated:
            return False, _describe(error, engine)
        # A pooled connection that died (a restart) says nothing about the server now: the
        # pool has been discarded, so a second try asks on a fresh connection.
        try:
            _select_one(engine)
        except Exception as again:
            return False, _describe(again, engine)
    except Exception as error:  # any driver error means "not reachable" to a load balancer
        return False, _describe(error, engine)
    return True, "ok"


def _select_one(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def _describe(error: Exception, engine: Engine) -> str:
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    message = f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__
    password = engine.url.password
    if password:
        # As a whole word only, so a short password can't mangle the words around it.
        alone = rf"(?<![A-Za-z0-9]){re.escape(str(password))}(?![A-Za-z0-9])"
        message = re.sub(alone, "***", message)
    return message[:300]
