"""The skeleton end to end: signed HTTP in, Bolt listener, database, answer out."""

from __future__ import annotations

import time

import httpx

from bot.emulator import EmulatorServer, SlackDriver
from bot.emulator.payloads import slash_command
from tests.e2e.harness import BOT_TOKEN, BotProcess


def test_signed_role_command_gets_a_real_answer(slack: SlackDriver) -> None:
    result = slack.command("U0MANAGER", "C0HIRING", "/role", "")
    assert result.status == 200
    assert result.created is not None
    assert result.created["ephemeral_for"] == "U0MANAGER"
    assert "product engineer" in result.created["text"].lower()


def _role_body(slack: SlackDriver) -> str:
    user = slack.state.user("U0MANAGER")
    channel = slack.state.channel_by_ref("C0HIRING")
    assert user and channel
    return slash_command(user, channel, "/role", "", "http://127.0.0.1:9/none", "1.2")


def test_wrong_signature_gets_401_and_no_web_api_call(
    slack: SlackDriver, emulator: EmulatorServer
) -> None:
    before = len(emulator.state.calls)
    result = slack.post_signed(
        _role_body(slack), "application/x-www-form-urlencoded", secret="not-the-secret"
    )
    assert result.status == 401
    assert len(emulator.state.calls) == before
    assert emulator.state.messages_in() == []


def test_ten_minute_old_timestamp_gets_401(slack: SlackDriver, emulator: EmulatorServer) -> None:
    before = len(emulator.state.calls)
    result = slack.post_signed(
        _role_body(slack), "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
    )
    assert result.status == 401
    assert len(emulator.state.calls) == before


def test_missing_signature_headers_get_401(bot: BotProcess) -> None:
    response = httpx.post(
        f"{bot.url}/slack/events",
        content="command=/role",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 401


def test_healthz_reports_the_database(bot: BotProcess) -> None:
    response = httpx.get(f"{bot.url}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["database"]["dialect"] in {"sqlite", "postgresql"}


def test_url_verification_is_answered(slack: SlackDriver) -> None:
    from bot.emulator.payloads import url_verification

    result = slack.post_signed(url_verification("challenge-123"), "application/json")
    assert result.status == 200 and "challenge-123" in result.body


def test_secrets_never_reach_the_logs(slack: SlackDriver, bot: BotProcess) -> None:
    slack.command("U0MANAGER", "C0HIRING", "/role", "product engineer")
    slack.command("U0MANAGER", "C0HIRING", "/hire", "help")
    logs = bot.logs()
    assert logs, "the bot logs at DEBUG in these tests"
    assert BOT_TOKEN not in logs
    assert bot.signing_secret not in logs
