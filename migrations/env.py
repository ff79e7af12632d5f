"""Alembic environment: our metadata, DATABASE_URL, batch mode for SQLite.

The URL comes from `config.attributes["database_url"]` (set by bot.db.migrate) or the
DATABASE_URL environment variable. On PostgreSQL the migration holds an advisory lock,
so two replicas running `hiring-bot migrate` at once upgrade the schema once, in turn.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, text

from bot.db import models  # noqa: F401  (registers every table on the metadata)
from bot.db.base import Base
from bot.db.session import make_engine, normalise_url

DEFAULT_URL = "sqlite:///hiring_bot.db"
# An arbitrary constant shared by every process that migrates this database.
MIGRATION_LOCK_ID = 0x6869_7269_6E67  # "hiring"

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    return normalise_url(url or DEFAULT_URL)


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        literal_binds=connection is None,
    )


def run_migrations_offline() -> None:
    _configure(url=_url())
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_pragma(connection: Connection, pragma: str) -> list[tuple[object, ...]]:
    """A PRAGMA on the driver's connection itself, outside any transaction: SQLAlchemy
    would begin one first (BEGIN IMMEDIATE, see bot.db.session), inside which SQLite
    ignores `foreign_keys`."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA {pragma}")
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode changes a SQLite table by rebuilding it: a copy, then DROP TABLE of the
        # old one. With foreign keys on, that DROP deletes every row first, and ON DELETE
        # CASCADE empties the tables that point at it (every answer, decision and history
        # row of `hiring_conversations`). So they are off while migrating, and checked after.
        _sqlite_pragma(connection, "foreign_keys=OFF")
    _configure(connection)
    try:
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Released at commit; a second migrator waits here, then finds the schema
                # at head.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
            context.run_migrations()
    finally:
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys=ON")
    if sqlite:
        broken = _sqlite_pragma(connection, "foreign_key_check")
        if broken:
            raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
