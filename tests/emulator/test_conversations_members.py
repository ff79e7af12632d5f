"""`conversations.members` and `conversations.info` as Slack answers them: pages with
`limit` and `cursor`, and `channel_not_found` for a private channel the bot is not in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import EmulatorServer
from bot.emulator.payloads import slash_command
from bot.emulator.state import SECOND_TEAM

TOKEN = "xoxb-emulator-test"  # any xoxb- token is the default team's
PEOPLE = ["U0MANAGER", "U0TEAMMATE", "U0ADMIN"]


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def client(server: EmulatorServer) -> WebClient:
    server.state.reset()
    return WebClient(token=TOKEN, base_url=server.api_url)


def error_of(call: object) -> str:
    assert isinstance(call, SlackApiError)
    return str(call.response["error"])


def test_members_come_a_page_at_a_time(server: EmulatorServer, client: WebClient) -> None:
    server.state.add_channel("C0EXEC", "exec-hiring", members=PEOPLE, is_private=True)
    seen, cursor, pages = [], None, 0
    while True:
        page = client.conversations_members(channel="C0EXEC", limit=2, cursor=cursor)
        seen += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 2 and sorted(seen) == sorted([*PEOPLE, "U0BOT"])
    everyone = client.conversations_members(channel="C0EXEC")  # Slack's default page: 100
    assert len(everyone["members"]) == 4 and everyone["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as bad:
        client.conversations_members(channel="C0EXEC", cursor="not-a-cursor")
    assert error_of(bad.value) == "invalid_cursor"


def test_a_private_channel_the_bot_is_not_in_is_not_found(
    server: EmulatorServer, client: WebClient
) -> None:
    server.state.add_channel(
        "C0SECRET", "secret", members=["U0ADMIN"], is_private=True, bot_member=False
    )
    for call in (client.conversations_members, client.conversations_info):
        with pytest.raises(SlackApiError) as hidden:
            call(channel="C0SECRET")
        assert error_of(hidden.value) == "channel_not_found"
    # A public channel answers whether or not the bot is in it; a DM holds its two people.
    random = client.conversations_members(channel="C0RANDOM")["members"]
    assert "U0BOT" not in random and "U0TEAMMATE" in random
    dm = server.state.open_dm("U0MANAGER")["id"]
    assert sorted(client.conversations_members(channel=dm)["members"]) == ["U0BOT", "U0MANAGER"]
    info = client.conversations_info(channel=dm)["channel"]
    assert info["is_im"] and info["is_private"]


def test_another_workspace_s_channel_is_not_found(
    server: EmulatorServer, client: WebClient
) -> None:
    server.state.add_team(SECOND_TEAM)
    with pytest.raises(SlackApiError) as other:
        client.conversations_members(channel="C2HIRING")
    assert error_of(other.value) == "channel_not_found"


def test_a_slash_command_names_no_private_channel(server: EmulatorServer) -> None:
    state = server.state
    state.reset()
    state.add_channel("C0EXEC", "exec-hiring", members=PEOPLE, is_private=True)
    maya = state.users["U0MANAGER"]

    def channel_name(channel: dict[str, object]) -> str:
        body = slash_command(maya, channel, "/hire", "list", "https://r", "1.t")
        return body.split("channel_name=")[1].split("&")[0]

    assert channel_name(state.channels["C0HIRING"]) == "hiring"
    assert channel_name(state.channels["C0EXEC"]) == "privategroup"
    assert channel_name(state.open_dm("U0MANAGER")) == "directmessage"
