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
        server.drop_connections(url)


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


def test_clicks_typed_replies_and_modals_during_an_outage_tell_their_author(
    pg_bot: BotProcess, postgres_server: PostgresServer, emulator: EmulatorServer
) -> None:
    from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, answer_all, everything, start

    emulator.state.reset()
    slack = emulator.attach(pg_bot.url, pg_bot.signing_secret)
    thread = start(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.last()
    thread.click("U0MANAGER", "Choose another outcome…", recommendation)
    modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="the modal opens")[0]
    apologies = lambda: [  # noqa: E731
        m for m in slack.state.ephemeral_for("U0MANAGER") if "unavailable" in m["text"]
    ]
    _allow(postgres_server, pg_bot.database_url, False)

    # A click on a message: an ephemeral where it was clicked.
    thread.click("U0MANAGER", "Accept: Product engineer", recommendation)
    wait_for(lambda: len(apologies()) == 1, timeout=20, message="an apology for the click")
    # A typed reply in the bot's thread: an ephemeral in that thread.
    slack.message("U0MANAGER", CHANNEL, "back", thread_ts=thread.root_ts)
    told = wait_for(lambda: apologies()[1:], timeout=20, message="an apology for the reply")
    assert told[0].get("thread_ts") == thread.root_ts
    # A modal submission has no channel: a direct message.
    slack.submit_view(
        "U0MANAGER",
        modal["id"],
        {"outcome": {"value": "software_engineer"}, "reason": {"value": "Payments need depth"}},
    )
    dm = wait_for(
        lambda: slack.state.messages_in("D0MANAGER"), timeout=20, message="a DM for the modal"
    )
    assert "unavailable for a moment" in dm[0]["text"] and "Traceback" not in str(dm)
    # People talking in someone else's thread are not the bot's to apologise to.
    other = slack.message("U0TEAMMATE", CHANNEL, "lunch?").created
    assert other is not None
    slack.message("U0MANAGER", CHANNEL, "sure", thread_ts=other["ts"])
    _allow(postgres_server, pg_bot.database_url, True)
    wait_for(
        lambda: "Decided" not in everything(thread.root) and len(apologies()) == 2,
        message="nothing recorded, two apologies in the channel",
    )
    assert len(slack.state.messages_in("D0MANAGER")) == 1
    # The database is back: the same click records the decision, once.
    thread.click("U0MANAGER", "Accept: Product engineer", recommendation)
    wait_for(lambda: "Decided" in everything(thread.root), message="the decision recorded")
