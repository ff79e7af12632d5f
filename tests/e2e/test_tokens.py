"""Secrets at rest and token rotation, end to end: `hiring-bot serve` in OAuth mode with
TOKEN_ENCRYPTION_KEY, installed through the emulator (with token rotation on, as an app with
`token_rotation_enabled: true` in its manifest), on SQLite and PostgreSQL.

The emulator's clock runs ahead of the bot's here, so tokens expire by Slack's clock while
the bot still counts hours left: the bot learns it from `token_expired`, as it would from a
Slack whose clock disagrees with its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.app import CANNOT_ACT_HERE
from bot.db.models import slack_bots, slack_installations
from bot.emulator import EmulatorServer, wait_for
from bot.emulator.state import Call
from bot.token_cipher import TokenCipher
from tests.e2e.harness import BotProcess
from tests.e2e.test_hire import everything
from tests.e2e.test_oauth import ACME, CLIENT_ID, CLIENT_SECRET, OAUTH_ENV, TwoWorkspaces

KEY = Fernet.generate_key().decode()
HOURS = 3600


@pytest.fixture(params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TwoWorkspaces]:
    """`hiring-bot serve` with a token key, and a Slack whose app has token rotation on."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tokens.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database("tokens")
        request.addfinalizer(lambda: server.drop_database(url))
    with EmulatorServer() as emulator:
        emulator.state.configure_oauth(CLIENT_ID, CLIENT_SECRET, token_rotation=True)
        bot = BotProcess(
            database_url=url,
            api_url=emulator.api_url,
            workdir=tmp_path,
            extra_env={
                **OAUTH_ENV,
                "TOKEN_ENCRYPTION_KEY": KEY,
                "DIGEST_GRACE_SECONDS": str(3 * 24 * 3600),
            },
        )
        bot.migrate()
        bot.start()
        try:
            yield TwoWorkspaces(bot, emulator, emulator.attach(bot.url, bot.signing_secret))
        finally:
            bot.stop()


def installed(world: TwoWorkspaces) -> str:
    """Acme installs the app; the bot token Slack issued."""
    page = world.slack.install(ACME.team)
    assert page.status == 200 and "Thank you!" in page.body, page.body
    (exchange,) = world.emulator.state.calls_to("oauth.v2.access")
    token = exchange.response["access_token"] if exchange.response else None
    assert isinstance(token, str) and token.startswith("xoxe.xoxb-")
    return token


def stored_tokens(world: TwoWorkspaces) -> list[str]:
    """Every token column's value, as the database holds it."""
    values: list[str] = []
    for table in (slack_bots, slack_installations):
        columns = [c for c in table.c if c.name.endswith("token")]
        values += [v for row in world.database(select(*columns)) for v in row if v]
    return values


def refreshes(world: TwoWorkspaces) -> list[Call]:
    return [
        c
        for c in world.emulator.state.calls_to("oauth.v2.access")
        if c.args.get("grant_type") == "refresh_token"
    ]


def start_a_conversation(world: TwoWorkspaces) -> None:
    said = world.reply(ACME, "digest channel #general", ACME.admin)
    assert f"will be posted in <#{ACME.general}>" in said
    world.slack.command(ACME.manager, ACME.hiring, "/hire", "Platform engineer at Acme")
    wait_for(lambda: world.root(ACME), message="the conversation's root message")


def test_tokens_are_stored_sealed_and_a_digest_goes_out_after_the_first_token_expired(
    world: TwoWorkspaces,
) -> None:
    first = installed(world)
    sealed = stored_tokens(world)
    assert len(sealed) == 4 and all(v.startswith("fernet:") for v in sealed)
    assert not any(first in v for v in sealed)
    start_a_conversation(world)

    world.emulator.state.advance_clock(13 * HOURS)  # Slack: the token expired an hour ago
    world.make_due(timedelta(minutes=5))
    world.run_cron()  # `hiring-bot digest`; the server's scheduler may get there first
    (digest,) = wait_for(lambda: world.digests(ACME), message="Acme's digest")
    assert "Hiring digest" in everything(digest)
    posts = [c for c in world.sent(ACME.general) if "Hiring digest" in str(c.args)]
    assert [(c.response or {}).get("error") for c in posts][-1:] == [None]
    assert refreshes(world) and {c.team for c in posts} == {ACME.team}
    # The new token and refresh token are stored, sealed, for every process.
    now_stored = stored_tokens(world)
    assert now_stored != sealed and all(v.startswith("fernet:") for v in now_stored)
    (bot_token,) = [
        TokenCipher([KEY]).open(t) for (t,) in world.database(select(slack_bots.c.bot_token))
    ]
    assert bot_token != first and bot_token is not None
    assert "Slack refused its refresh token" not in world.bot.logs()


def test_a_slash_command_after_the_token_expired_is_served(world: TwoWorkspaces) -> None:
    first = installed(world)
    world.emulator.state.advance_clock(13 * HOURS)
    card = world.slack.command(ACME.manager, ACME.hiring, "/role", "pe").created
    assert card is not None and "product engineer" in card["text"].lower()
    checks = world.emulator.state.calls_to("auth.test")
    assert [c.response["error"] for c in checks if not c.response["ok"]] == ["token_expired"]
    assert len(refreshes(world)) == 1
    assert checks[-1].response["ok"] and checks[-1].args.get("token") != first
    # The next command uses the stored new token: no second refresh.
    world.slack.command(ACME.manager, ACME.hiring, "/role", "swe")
    assert len(refreshes(world)) == 1


def test_no_log_line_at_debug_holds_a_token_code_or_response_url(world: TwoWorkspaces) -> None:
    installed(world)
    card = world.slack.command(ACME.manager, ACME.hiring, "/role", "pe").created
    assert card is not None
    world.slack.click(ACME.manager, card["ts"], "role_share", channel=ACME.hiring)
    wait_for(
        lambda: (
            "Shared in"
            in (world.slack.state.find_message(ACME.hiring, card["ts"]) or {}).get("text", "")
        ),
        message="the card's ephemeral updated through its response_url",
    )
    world.emulator.state.advance_clock(13 * HOURS)  # and a refresh, with its new pair
    start_a_conversation(world)
    assert refreshes(world)
    cron_log = world.run_cron()

    state = world.emulator.state
    secrets: dict[str, str] = {
        "client secret": CLIENT_SECRET,
        "token key": KEY,
        "signing secret": world.bot.signing_secret,
    }
    for call in state.calls_to("oauth.v2.access"):
        answer: dict[str, Any] = call.response or {}
        secrets.update(
            {
                f"code {call.args.get('code')}": str(call.args.get("code") or ""),
                f"refresh token sent {call.at}": str(call.args.get("refresh_token") or ""),
                f"access token {call.at}": str(answer.get("access_token") or ""),
                f"refresh token {call.at}": str(answer.get("refresh_token") or ""),
            }
        )
    for path in state.responses:
        secrets[f"response_url {path}"] = f"{world.emulator.url}/response/{path}"
        secrets[f"response_url secret {path}"] = path
    secrets.update({f"stored {i}": v for i, v in enumerate(stored_tokens(world))})
    logs = world.bot.logs() + cron_log
    leaked = {name for name, value in secrets.items() if value and value in logs}
    assert leaked == set()  # no token, OAuth code, refresh token or response_url…
    # …though the lines that would carry them are there: an OAuth callback, the trades of
    # the code and of the refresh token, posts to a response_url.
    for shown in (
        "Handling an OAuth callback",
        "body_params: {'code': [redacted]}",
        "'refresh_token': [redacted]",
        "/response/[redacted]",
    ):
        assert shown in logs


def test_sealed_tokens_without_the_key_are_a_clear_message_not_a_traceback(
    world: TwoWorkspaces,
) -> None:
    installed(world)
    bot = world.bot
    bot.stop()
    bot.extra_env = {k: v for k, v in bot.extra_env.items() if k != "TOKEN_ENCRYPTION_KEY"}
    bot.start()
    mark = len(bot.logs())
    replied = world.slack.command(ACME.manager, ACME.hiring, "/role", "pe")
    assert replied.status == 200
    told = wait_for(lambda: world.slack.state.ephemeral_for(ACME.manager), message="the reply")
    assert told[-1]["text"] == CANNOT_ACT_HERE
    cron_log = world.run_cron()
    logs = bot.logs()[mark:] + cron_log
    assert "a stored Slack token is encrypted, but TOKEN_ENCRYPTION_KEY is not set" in logs
    assert "Traceback" not in bot.logs() + cron_log


def test_turning_the_key_on_and_rotating_it_take_a_migrate_each(world: TwoWorkspaces) -> None:
    """The operator's steps from the README: tokens stored before the key are sealed by
    `hiring-bot migrate`; a new key goes first, `migrate` seals again, the old key goes."""
    bot = world.bot
    bot.stop()
    keyless = {k: v for k, v in bot.extra_env.items() if k != "TOKEN_ENCRYPTION_KEY"}
    bot.extra_env = keyless
    bot.start()
    first = installed(world)
    assert first in stored_tokens(world)  # no key: stored as before
    bot.stop()

    bot.extra_env = {**keyless, "TOKEN_ENCRYPTION_KEY": KEY}
    bot.migrate()
    assert all(TokenCipher([KEY]).is_current(v) for v in stored_tokens(world))

    new_key = Fernet.generate_key().decode()
    bot.extra_env = {**keyless, "TOKEN_ENCRYPTION_KEY": f"{new_key},{KEY}"}
    bot.migrate()
    assert all(TokenCipher([new_key]).is_current(v) for v in stored_tokens(world))

    bot.extra_env = {**keyless, "TOKEN_ENCRYPTION_KEY": new_key}  # the old key is gone
    bot.start()
    card = world.slack.command(ACME.manager, ACME.hiring, "/role", "pe").created
    assert card is not None and "product engineer" in card["text"].lower()
