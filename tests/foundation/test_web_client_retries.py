"""What the bot's Web API client repeats by itself, against the emulator: a rate limit is
always waited out; a server error is repeated only for a call that is safe to repeat. A post
is never repeated blindly, since Slack may have stored it before it failed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import load_settings
from bot.emulator import EmulatorServer
from bot.slack_client import NEVER_REPEATED, build_web_client, retry_after_seconds

CHANNEL = "C0HIRING"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def client(emulator: EmulatorServer) -> WebClient:
    emulator.state.reset()
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-retries-test", "SLACK_API_URL": emulator.api_url},
        dotenv_path=None,
    )
    return build_web_client(settings)


def statuses(emulator: EmulatorServer, method: str) -> list[int]:
    return [call.status for call in emulator.state.calls_to(method)]


def test_a_post_that_landed_then_failed_is_not_repeated(
    client: WebClient, emulator: EmulatorServer
) -> None:
    emulator.state.inject_fault("chat.postMessage", "http_500_after")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=CHANNEL, text="Question 2 of 6")
    assert statuses(emulator, "chat.postMessage") == [500]
    assert [m["text"] for m in emulator.state.messages_in(CHANNEL)] == ["Question 2 of 6"]


@pytest.mark.parametrize("method", ["chat.postMessage", "chat.postEphemeral"])
def test_a_server_error_on_a_post_is_left_to_the_caller(
    client: WebClient,
    emulator: EmulatorServer,
    method: str,
) -> None:
    emulator.state.inject_fault(method, "http_500")
    with pytest.raises(SlackApiError):
        client.api_call(method, json={"channel": CHANNEL, "user": "U0MANAGER", "text": "hi"})
    assert statuses(emulator, method) == [500]
    assert method in NEVER_REPEATED


def test_a_rate_limited_post_is_waited_out_and_lands_once(
    client: WebClient, emulator: EmulatorServer
) -> None:
    emulator.state.inject_fault("chat.postMessage", "rate_limited", retry_after=1)
    client.chat_postMessage(channel=CHANNEL, text="after the wait")
    assert statuses(emulator, "chat.postMessage") == [429, 200]
    assert [m["text"] for m in emulator.state.messages_in(CHANNEL)] == ["after the wait"]


@pytest.mark.parametrize(
    ("method", "arguments"),
    [("users.info", {"user": "U0MANAGER"}), ("conversations.info", {"channel": CHANNEL})],
)
def test_a_server_error_on_a_read_is_tried_again(
    client: WebClient,
    emulator: EmulatorServer,
    method: str,
    arguments: dict[str, str],
) -> None:
    emulator.state.inject_fault(method, "http_500")
    assert client.api_call(method, params=arguments)["ok"] is True
    assert statuses(emulator, method) == [500, 200]


def test_a_long_rate_limit_is_left_to_the_caller_at_once(
    client: WebClient, emulator: EmulatorServer
) -> None:
    """Slack asks for half a minute: no thread sleeps it out (an owed message is tried
    again in its lane after the wait, bot.slack.owed); the caller hears the 429 at once."""
    emulator.state.inject_fault("chat.postMessage", "rate_limited", retry_after=30)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=CHANNEL, text="later")
    assert refused.value.response.status_code == 429
    assert retry_after_seconds(refused.value.response.headers) == 30
    assert statuses(emulator, "chat.postMessage") == [429]
    assert emulator.state.messages_in(CHANNEL) == []
