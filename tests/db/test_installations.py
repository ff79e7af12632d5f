"""Installations on SQLite and PostgreSQL: tokens sealed at rest with TOKEN_ENCRYPTION_KEY,
plain without it, sealed again by `migrate`; bot tokens refreshed before they expire, after
Slack says they did, and by two replicas at once without losing the workspace.

Slack here is the emulator over HTTP with token rotation on; the store, the token keeper and
the jobs' clients are the ones production builds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.clock import OffsetClock
from bot.db.models import slack_bots, slack_installations
from bot.db.repositories import WorkspaceRepository
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, wait_for
from bot.emulator.state import TEAM_ID
from bot.installations import Installations, build_installations, seal_stored_tokens
from bot.slack_client import WorkspaceClients, build_web_client
from bot.token_cipher import TokenCipher, TokenKeyError
from tests.db.conftest import NOW

CLIENT_ID, CLIENT_SECRET = "111.222", "s3cr3t-value"
KEY, OLD_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
HOUR = 3600


@pytest.fixture(scope="module")
def slack() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def settings(slack: EmulatorServer) -> Settings:
    slack.state.reset()
    slack.state.configure_oauth(CLIENT_ID, CLIENT_SECRET, token_rotation=True)
    return Settings(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        slack_api_url=slack.api_url,
        token_keys=(KEY,),
    )


def build(engine: Engine, settings: Settings, clock: OffsetClock | None = None) -> Installations:
    """What bot.runtime builds in OAuth mode: one per process (a replica)."""
    return build_installations(
        engine=engine,
        cipher=TokenCipher(settings.token_keys),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_factory=lambda: build_web_client(settings, token=""),
        clock=clock or OffsetClock(),
    )


def install(slack: EmulatorServer, installations: Installations) -> Installation:
    """Slack's authorize page approved, the code traded and stored as Bolt's OAuth flow does
    (slack_bolt.oauth.OAuthFlow.run_installation)."""
    code = slack.state.authorize(TEAM_ID, "U0ADMIN", CLIENT_ID, "commands,chat:write")
    answer = WebClient(base_url=slack.api_url).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code
    )
    installation = Installation(
        app_id=answer["app_id"],
        team_id=answer["team"]["id"],
        team_name=answer["team"]["name"],
        bot_token=answer["access_token"],
        bot_id="B0BOT",
        bot_user_id=answer["bot_user_id"],
        bot_scopes=answer["scope"],
        bot_refresh_token=answer.get("refresh_token"),
        bot_token_expires_in=answer.get("expires_in"),
        user_id=answer["authed_user"]["id"],
        token_type=answer["token_type"],
    )
    installations.store.save(installation)
    return installation


def raw_rows(engine: Engine) -> list[dict[str, Any]]:
    """The token columns as the database holds them."""
    rows = []
    with engine.connect() as connection:
        for table in (slack_bots, slack_installations):
            columns = [c for c in table.c if c.name.endswith(("_token", "refresh_token"))]
            rows += [dict(r) for r in connection.execute(select(*columns)).mappings()]
    return rows


def works(slack: EmulatorServer, token: str) -> bool:
    try:
        WebClient(token=token, base_url=slack.api_url).auth_test()
    except SlackApiError:
        return False
    return True


def refreshes(slack: EmulatorServer) -> list[Any]:
    return [c for c in slack.state.calls_to("oauth.v2.access") if c.args.get("refresh_token")]


# -- secrets at rest ----------------------------------------------------------------------


def test_with_the_key_every_stored_token_is_sealed_and_reads_back(
    engine: Engine, settings: Settings, slack: EmulatorServer
) -> None:
    installations = build(engine, settings)
    installed = install(slack, installations)
    stored = [v for row in raw_rows(engine) for v in row.values() if v]
    assert len(stored) == 4  # bot and refresh token, in both tables
    assert all(v.startswith("fernet:") for v in stored)
    for secret in (installed.bot_token, installed.bot_refresh_token):
        assert secret and not any(secret in v for v in stored)
    # slack_sdk's own reads (Bolt's OAuth flow and uninstall listeners use them) open them.
    bot = installations.store.find_bot(enterprise_id=None, team_id=TEAM_ID)
    assert bot is not None and bot.bot_token == installed.bot_token
    assert bot.bot_refresh_token == installed.bot_refresh_token
    found = installations.tokens.current(None, TEAM_ID)
    assert found is not None and found.token == installed.bot_token


def test_without_the_key_tokens_are_stored_as_before(
    engine: Engine, settings: Settings, slack: EmulatorServer
) -> None:
    installed = install(slack, build(engine, replace(settings, token_keys=())))
    bots = [row for row in raw_rows(engine) if row["bot_token"]]
    assert {row["bot_token"] for row in bots} == {installed.bot_token}


def _plain_row(engine: Engine, team: str, token: str | None, refresh: str | None = None) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(slack_bots).values(
                client_id=CLIENT_ID,
                app_id="A0HIRING",
                team_id=team,
                bot_token=token,
                bot_refresh_token=refresh,
                bot_id="B1",
                bot_user_id="U1",
                installed_at=NOW.replace(tzinfo=None),
            )
        )


def test_migrate_seals_plain_rows_and_moves_old_keys_to_the_first(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    _plain_row(engine, "T1", "xoxb-1-plain", None)  # stored before the key was set
    _plain_row(engine, "T2", TokenCipher([OLD_KEY]).seal("xoxe.xoxb-1-old"), "xoxe-1-old")
    _plain_row(engine, "T3", TokenCipher([Fernet.generate_key().decode()]).seal("xoxb-lost"))
    rotated = TokenCipher([KEY, OLD_KEY])  # TOKEN_ENCRYPTION_KEY="KEY,OLD_KEY"
    with caplog.at_level(logging.INFO, logger="bot.installations"):
        done = seal_stored_tokens(engine, rotated)
    assert (done.sealed, done.unreadable) == (2, 1)
    assert "no key in TOKEN_ENCRYPTION_KEY opens" in caplog.text
    with engine.connect() as connection:
        rows = dict(connection.execute(select(slack_bots.c.team_id, slack_bots.c.bot_token)).all())
    newest = TokenCipher([KEY])  # the old key can go now
    assert newest.open(rows["T1"]) == "xoxb-1-plain"
    assert newest.open(rows["T2"]) == "xoxe.xoxb-1-old"
    assert seal_stored_tokens(engine, rotated).sealed == 0  # every run: only what is stale


def test_a_sealed_token_without_its_key_is_skipped_with_one_clear_line(
    engine: Engine,
    session_factory: sessionmaker[Session],
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _plain_row(engine, TEAM_ID, TokenCipher([KEY]).seal("xoxb-sealed"))
    with session_factory.begin() as session:
        workspace = WorkspaceRepository.id_for(session, TEAM_ID, None, NOW)
    keyless = replace(settings, token_keys=())
    installations = build(engine, keyless)
    with pytest.raises(TokenKeyError, match="TOKEN_ENCRYPTION_KEY is not set"):
        installations.tokens.current(None, TEAM_ID)
    clients = WorkspaceClients(keyless, session_factory, installations.tokens)
    with caplog.at_level(logging.INFO, logger="bot.slack_client"):
        assert clients.for_workspace(workspace) is None
        assert clients.for_workspace(workspace) is None
    said = [r for r in caplog.records if "TOKEN_ENCRYPTION_KEY is not set" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.ERROR and not said[0].exc_info


# -- token rotation -----------------------------------------------------------------------


def test_a_token_about_to_expire_is_refreshed_before_it_is_used(
    engine: Engine, settings: Settings, slack: EmulatorServer
) -> None:
    clock = OffsetClock()
    installations = build(engine, settings, clock)
    installed = install(slack, installations)
    current = installations.tokens.current(None, TEAM_ID)
    assert current is not None and current.token == installed.bot_token
    assert refreshes(slack) == []  # 12 hours left: nothing to do

    clock.advance(timedelta(hours=11, minutes=45))  # our clock; Slack's agrees, see below
    slack.state.advance_clock(11.75 * HOUR)
    fresh = installations.tokens.current(None, TEAM_ID)
    assert fresh is not None and fresh.token != installed.bot_token
    assert len(refreshes(slack)) == 1 and works(slack, fresh.token)
    assert fresh.expires_at and fresh.expires_at - clock.now() > timedelta(hours=11)
    # Stored for every process (sealed), with the refresh token that comes next.
    again = build(engine, settings, clock).tokens.current(None, TEAM_ID)
    assert again is not None and again.token == fresh.token and len(refreshes(slack)) == 1
    assert all(v.startswith("fernet:") for row in raw_rows(engine) for v in row.values() if v)
    bot = installations.store.find_bot(enterprise_id=None, team_id=TEAM_ID)
    assert bot is not None and bot.bot_refresh_token != installed.bot_refresh_token


def test_a_job_renews_a_token_slack_says_expired_and_posts_once(
    engine: Engine,
    session_factory: sessionmaker[Session],
    settings: Settings,
    slack: EmulatorServer,
) -> None:
    installations = build(engine, settings)
    installed = install(slack, installations)
    with session_factory.begin() as session:
        workspace = WorkspaceRepository.id_for(session, TEAM_ID, None, NOW)
    slack.state.advance_clock(13 * HOUR)  # Slack's clock: by ours the token has hours left
    client = WorkspaceClients(settings, session_factory, installations.tokens).for_workspace(
        workspace
    )
    assert client is not None and client.token == installed.bot_token
    client.chat_postMessage(channel="C0HIRING", text="weekly digest")
    assert [m["text"] for m in slack.state.messages_in("C0HIRING")] == ["weekly digest"]
    posts = slack.state.calls_to("chat.postMessage")
    assert [c.response["error"] for c in posts if not c.response["ok"]] == ["token_expired"]
    assert len(refreshes(slack)) == 1 and client.token != installed.bot_token


@pytest.fixture
def other_engine(database_url: str) -> Iterator[Engine]:
    """A second pool on the same database, as another process has."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_two_replicas_refreshing_at_once_keep_the_workspace(
    engine: Engine, other_engine: Engine, settings: Settings, slack: EmulatorServer
) -> None:
    """Replica A trades the refresh token first but hears back late; B trades the same one,
    stores its pair and uses it, which retires A's pair. A must not store its dead pair."""
    clock = OffsetClock(timedelta(hours=12))  # both see the token as expired
    first, second = build(engine, settings, clock), build(other_engine, settings, clock)
    installed = install(slack, first)
    slack.state.advance_clock(12 * HOUR)
    slack.state.inject_fault("oauth.v2.access", "delay_after", seconds=1.0)
    result: dict[str, Any] = {}
    late = threading.Thread(target=lambda: result.update(a=first.tokens.current(None, TEAM_ID)))
    late.start()
    wait_for(
        lambda: any(
            g.parent == installed.bot_refresh_token for g in slack.state.rotation.grants.values()
        ),
        message="A's trade to take effect",
    )
    b = second.tokens.current(None, TEAM_ID)
    assert b is not None and works(slack, b.token)  # B's pair is the one in use now
    late.join(timeout=30)
    a = result["a"]
    assert a is not None and a.token == b.token and works(slack, a.token)
    # What is stored is the live pair: the next refresh works, for either replica.
    slack.state.advance_clock(12 * HOUR)
    clock.advance(timedelta(hours=12))
    nxt = first.tokens.current(None, TEAM_ID)
    assert nxt is not None and nxt.token != b.token and works(slack, nxt.token)


def test_a_refresh_token_slack_refuses_drops_the_workspace_token(
    engine: Engine, settings: Settings, slack: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = OffsetClock()
    installations = build(engine, settings, clock)
    install(slack, installations)
    slack.state.revoke_team_tokens(TEAM_ID)  # uninstalled while the bot was not told
    clock.advance(timedelta(hours=12))
    with caplog.at_level(logging.WARNING, logger="bot.installations"):
        assert installations.tokens.current(None, TEAM_ID) is None
    assert "Slack refused its refresh token (invalid_refresh_token)" in caplog.text
    assert [row for row in raw_rows(engine) if row["bot_token"]] == []


def test_a_refused_sealed_token_is_forgotten_and_a_newer_one_kept(
    engine: Engine, settings: Settings, slack: EmulatorServer
) -> None:
    """Sealed twice, one token looks different each time: it is found by opening the rows."""
    installations = build(engine, settings)
    old = install(slack, installations)
    new = install(slack, installations)  # reinstalled since: a row of its own
    installations.tokens.forget(str(old.bot_token), None, TEAM_ID)
    bot = installations.store.find_bot(enterprise_id=None, team_id=TEAM_ID)
    assert bot is not None and bot.bot_token == new.bot_token
    opened = {TokenCipher([KEY]).open(r["bot_token"]) for r in raw_rows(engine)}
    assert opened == {new.bot_token}


def test_user_tokens_if_ever_stored_are_sealed_too(engine: Engine, settings: Settings) -> None:
    """The app asks for no user scopes today; an installation that carries a user token and
    its refresh token (user scopes added later) stores them sealed all the same."""
    store = build(engine, settings).store
    store.save(
        Installation(
            app_id="A0HIRING",
            team_id=TEAM_ID,
            bot_token="xoxb-1-bot",
            bot_id="B0BOT",
            bot_user_id="U0BOT",
            user_id="U0ADMIN",
            user_token="xoxe.xoxp-1-user",
            user_refresh_token="xoxe-1-user-refresh",
            user_token_expires_in=43200,
        )
    )
    with engine.connect() as connection:
        row = connection.execute(
            select(slack_installations.c.user_token, slack_installations.c.user_refresh_token)
        ).one()
    assert all(v.startswith("fernet:") and "-user" not in v for v in row)
    found = store.find_installation(enterprise_id=None, team_id=TEAM_ID, user_id="U0ADMIN")
    assert found is not None and found.user_token == "xoxe.xoxp-1-user"
    assert found.user_refresh_token == "xoxe-1-user-refresh"
