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


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Released at commit; a second migrator waits here, then finds the schema at head.
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


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
