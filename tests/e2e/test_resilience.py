"""When the database is briefly down, people get a short answer and nothing is half-written."""

from __future__ import annotations

import psycopg
import pytest

from bot.emulator import EmulatorServer, wait_for
from tests.e2e.harness import BotProcess
from tests.pg import PostgresServer


@pytest.fixture
def pg_bot(postgres_server: PostgresServer, emulator: EmulatorServer, tmp_path) -> BotProcess:  # type: ignore[no-untyped-def]
    url = postgres_server.create_database("down")
    bot = BotProcess(database_url=url, api_url=emulator.api_url, workdir=tmp_path)
    bot.migrate()
    bot.start()
    yield bot
    bot.stop()
    _allow(postgres_server, url, True)
    postgres_server.drop_database(url)


def _allow(server: PostgresServer, url: str, allowed: bool) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )


def test_postgres_down_gets_a_short_reply_and_healthz_503(
    pg_bot: BotProcess, postgres_server: PostgresServer, emulator: EmulatorServer
) -> None:
    import httpx

    emulator.state.reset()
    slack = emulator.attach(pg_bot.url, pg_bot.signing_secret)
    _allow(postgres_server, pg_bot.database_url, False)
    health = httpx.get(f"{pg_bot.url}/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["database"]["ok"] is False
    assert "postgres@" not in health.text
    result = slack.command("U0MANAGER", "C0HIRING", "/hire", "Senior engineer")
    assert result.status == 200
    reply = wait_for(
        lambda: slack.state.ephemeral_for("U0MANAGER"), timeout=20, message="a short apology"
    )
    assert "unavailable for a moment" in reply[0]["text"]
    assert (
        "Traceback" not in str(reply)
        and slack.state.messages_in("C0HIRING", include_ephemeral=False) == []
    )
    # /role needs no database and keeps working.
    assert slack.command("U0MANAGER", "C0HIRING", "/role", "pe").created is not None
    _allow(postgres_server, pg_bot.database_url, True)
    wait_for(
        lambda: httpx.get(f"{pg_bot.url}/healthz", timeout=10).status_code == 200,
        timeout=20,
        message="healthy again",
    )
    slack.command("U0MANAGER", "C0HIRING", "/hire", "Senior engineer")
    wait_for(
        lambda: slack.state.messages_in("C0HIRING", include_ephemeral=False), message="works again"
    )
