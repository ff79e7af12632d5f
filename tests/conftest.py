"""Shared fixtures: a real PostgreSQL server, and databases on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import upgrade_to_head
from bot.db.session import make_engine, make_session_factory
from tests.pg import PostgresServer, start_or_skip

BACKENDS = ["sqlite", "postgres"]

# Tests assert behaviour, never wall-clock time: Hypothesis's per-example deadline (200 ms by
# default) fails a correct test on a busy machine, so no property test has one.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_or_skip()
    yield server
    server.stop()


def make_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database with no tables yet on `backend`, dropped after the test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to the newest schema, once per session, to copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres_template(postgres_server: PostgresServer) -> str:
    """One PostgreSQL database migrated to the newest schema, once per session, to copy."""
    url = postgres_server.create_database("migrated_template")
    upgrade_to_head(url)  # its engine is disposed: nobody stays connected to the template
    return url


def make_migrated_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database at the newest schema on `backend`, dropped after the test: a copy of
    the session's migrated template (the migrations themselves are tested from empty
    databases in tests/db/test_migrations.py)."""
    if backend == "sqlite":
        path = tmp_path / "bot.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), path)
        return f"sqlite:///{path}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(template=request.getfixturevalue("migrated_postgres_template"))
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables yet, on each backend."""
    return make_database_url(request.param, request, tmp_path)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the newest schema, on each backend."""
    return make_migrated_database_url(request.param, request, tmp_path)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)
