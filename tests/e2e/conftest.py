"""End-to-end fixtures: the emulator in this process, the real bot as a subprocess.

One bot process per database backend for the whole session (tests are grouped by
backend); every test starts from an empty emulator and an empty database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from bot.db import models  # noqa: F401  (every table on the metadata, to empty them)
from bot.db.base import Base
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver
from tests.e2e.harness import BotProcess


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def bot(
    request: pytest.FixtureRequest,
    emulator: EmulatorServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotProcess]:
    workdir = tmp_path_factory.mktemp(f"bot-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'bot.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database("e2e")
    process = BotProcess(database_url=url, api_url=emulator.api_url, workdir=Path(workdir))
    process.migrate()
    process.start()
    yield process
    process.stop()


def _empty_database(url: str) -> None:
    engine = make_engine(url)
    try:
        for attempt in range(5):
            try:
                _empty(engine)
                return
            except OperationalError as error:
                # The running bot's scheduler ticks every second and may hold a row lock
                # the TRUNCATE waits for while it waits for ours: PostgreSQL picks one of
                # the two to fail. Ours is the one to try again.
                if "deadlock" not in str(error) or attempt == 4:
                    raise
    finally:
        engine.dispose()


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # ids start at 1 again, as on a new install
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f"DELETE FROM {table.name}"))


@pytest.fixture
def slack(bot: BotProcess, emulator: EmulatorServer) -> Iterator[SlackDriver]:
    """Slack, as seen by the bot: a clean workspace, signed requests to the bot under test."""
    if bot.process is None or bot.process.poll() is not None:
        bot.start()
    emulator.state.reset()
    _empty_database(bot.database_url)
    driver = emulator.attach(bot.url, bot.signing_secret)
    yield driver


@pytest.fixture(autouse=True)
def only_granted_scopes(emulator: EmulatorServer) -> Iterator[None]:
    """Every Web API call the bot makes is one manifest.yml's scopes allow: a workspace that
    installed the app from it refuses any other (missing_scope), whatever the test checks."""
    yield
    refused = emulator.state.scope_refusals()
    assert not refused, f"the manifest does not grant what the bot asked for: {refused}"
