"""Token rotation as the emulator plays Slack: expiring bot tokens and refresh tokens when the
app turned it on, none when not, `token_expired` by the emulator's clock, and a refresh token
that retires once a token traded for it is used (bot/emulator/tokens.py says why)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import EmulatorServer
from bot.emulator.state import TEAM_ID

CLIENT_ID, CLIENT_SECRET = "111.222", "s3cr3t-value"
HOURS = 3600


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def oauth(server: EmulatorServer) -> WebClient:
    """A client with no token, for oauth.v2.access."""
    server.state.reset()
    return WebClient(base_url=server.api_url)


def install(server: EmulatorServer, oauth: WebClient, *, rotation: bool) -> Any:
    server.state.configure_oauth(CLIENT_ID, CLIENT_SECRET, token_rotation=rotation)
    code = server.state.authorize(TEAM_ID, "U0ADMIN", CLIENT_ID, "commands,chat:write")
    return oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code).data


def refresh(oauth: WebClient, refresh_token: object) -> Any:
    answer = oauth.oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        grant_type="refresh_token",
        refresh_token=str(refresh_token),
    )
    return answer.data


def error_of(server: EmulatorServer, token: object) -> str | None:
    try:
        WebClient(token=str(token), base_url=server.api_url).auth_test()
    except SlackApiError as error:
        return str(error.response["error"])
    return None


def test_without_rotation_a_token_never_expires(server: EmulatorServer, oauth: WebClient) -> None:
    answer = install(server, oauth, rotation=False)
    assert str(answer["access_token"]).startswith("xoxb-")
    assert "refresh_token" not in answer and "expires_in" not in answer
    server.state.advance_clock(400 * 24 * HOURS)
    assert error_of(server, answer["access_token"]) is None


def test_with_rotation_tokens_expire_after_12_hours_and_refresh(
    server: EmulatorServer, oauth: WebClient
) -> None:
    first = install(server, oauth, rotation=True)
    assert str(first["access_token"]).startswith("xoxe.xoxb-1-")
    assert str(first["refresh_token"]).startswith("xoxe-1-")
    assert first["expires_in"] == 12 * HOURS and first["token_type"] == "bot"
    assert error_of(server, first["access_token"]) is None
    server.state.advance_clock(12 * HOURS)
    assert error_of(server, first["access_token"]) == "token_expired"

    second = refresh(oauth, first["refresh_token"])
    assert second["team"] == {"id": TEAM_ID, "name": "Acme Inc"}
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    # Until the new token is used, the refresh token it was traded for still works…
    spare = refresh(oauth, first["refresh_token"])
    assert error_of(server, second["access_token"]) is None
    # …then it is retired, and so is the other pair traded for it.
    with pytest.raises(SlackApiError) as refused:
        refresh(oauth, first["refresh_token"])
    assert refused.value.response["error"] == "invalid_refresh_token"
    assert error_of(server, spare["access_token"]) == "token_revoked"
    with pytest.raises(SlackApiError):
        refresh(oauth, spare["refresh_token"])
    # The pair in use goes on: its refresh token gives the next one.
    third = refresh(oauth, second["refresh_token"])
    assert error_of(server, third["access_token"]) is None


def test_an_uninstall_retires_refresh_tokens_too(server: EmulatorServer, oauth: WebClient) -> None:
    answer = install(server, oauth, rotation=True)
    server.state.revoke_team_tokens(TEAM_ID)
    assert error_of(server, answer["access_token"]) == "token_revoked"
    with pytest.raises(SlackApiError) as refused:
        refresh(oauth, answer["refresh_token"])
    assert refused.value.response["error"] == "invalid_refresh_token"
