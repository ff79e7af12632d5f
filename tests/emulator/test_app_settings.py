"""The emulator behaves as a workspace that installed the app from its manifest: a call whose
scope the token lacks is refused with `missing_scope`, an event the app does not subscribe to
(or from a conversation its bot is not in) is never sent, the Messages tab decides whether
people can type in the app's DM, a trigger_id works once and for 3 seconds, and a thread reply
can be sent to the channel too. Each rule is checked against the project's manifest and,
where it matters, against a manifest that sets it otherwise."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.emulator import DriverError, EmulatorServer, EmulatorState, SlackDriver
from bot.emulator.app_settings import MESSAGES_TAB_OFF
from bot.emulator.driver import DriverResult
from bot.emulator.scopes import EMULATED
from bot.emulator.state import SECOND_TEAM
from bot.manifest import load_manifest

TOKEN = "xoxb-emulator-test"  # the single-workspace token: the manifest's bot scopes
MAYA, THEO = "U0MANAGER", "U0TEAMMATE"
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}


def manifest_with(change: Any) -> dict[str, Any]:
    """The project's manifest with one setting changed by `change(manifest)`."""
    manifest = copy.deepcopy(load_manifest())
    change(manifest)
    return manifest


def without_scopes(*scopes: str) -> dict[str, Any]:
    def drop(manifest: dict[str, Any]) -> None:
        bot = manifest["oauth_config"]["scopes"]["bot"]
        manifest["oauth_config"]["scopes"]["bot"] = [s for s in bot if s not in scopes]

    return manifest_with(drop)


def without_events(*events: str) -> dict[str, Any]:
    def drop(manifest: dict[str, Any]) -> None:
        subscriptions = manifest["settings"]["event_subscriptions"]
        subscriptions["bot_events"] = [e for e in subscriptions["bot_events"] if e not in events]

    return manifest_with(drop)


def messages_tab(enabled: bool, read_only: bool) -> dict[str, Any]:
    def tabs(manifest: dict[str, Any]) -> None:
        manifest["features"]["app_home"]["messages_tab_enabled"] = enabled
        manifest["features"]["app_home"]["messages_tab_read_only_enabled"] = read_only

    return manifest_with(tabs)


class RecordingApp:
    """Stands where the app would be: keeps what Slack sends it and acks with an empty 200."""

    def __init__(self) -> None:
        self.received: list[str] = []

    def send(
        self, body: str, content_type: str, headers: Mapping[str, str] | None = None
    ) -> DriverResult:
        self.received.append(body)
        return DriverResult(200, "")


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    """The emulator with the project's manifest, or the one a test names with
    `@pytest.mark.parametrize("emulator", [manifest], indirect=True)`."""
    manifest = getattr(request, "param", None)
    with EmulatorServer(manifest=manifest) as server:
        yield server


@pytest.fixture
def slack(emulator: EmulatorServer) -> WebClient:
    return WebClient(token=TOKEN, base_url=emulator.api_url)


@pytest.fixture
def app(emulator: EmulatorServer) -> Iterator[tuple[SlackDriver, RecordingApp]]:
    recording = RecordingApp()
    driver = SlackDriver(emulator.state, "", "", emulator.url, transport=recording)
    yield driver, recording
    driver.close()


def refusal(call: Any, **args: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as refused:
        call(**args)
    return dict(refused.value.response.data)


# -- scopes -----------------------------------------------------------------------------------


def test_every_emulated_method_has_its_scope_written_down(emulator: EmulatorServer) -> None:
    assert set(emulator.emulator.api.methods) == EMULATED


def test_a_call_without_its_scope_is_refused_like_slack(slack: WebClient) -> None:
    # files.info needs files:read, which the manifest does not ask for.
    answer = refusal(slack.files_info, file="F00000001")
    assert answer["error"] == "missing_scope" and answer["needed"] == "files:read"
    assert answer["provided"] == ",".join(load_manifest()["oauth_config"]["scopes"]["bot"])
    assert refusal(slack.team_info)["needed"] == "team:read"


@pytest.mark.parametrize("emulator", [without_scopes("groups:history")], indirect=True)
def test_reading_a_conversation_needs_the_scope_of_its_kind(
    emulator: EmulatorServer, slack: WebClient
) -> None:
    emulator.state.add_channel("G0EXEC", "exec", members=[MAYA], is_private=True)
    emulator.state.add_channel("G0GROUP", "mpdm-maya--theo", members=[MAYA, THEO], is_mpim=True)
    dm = emulator.state.open_dm(MAYA)["id"]
    slack.conversations_history(channel="C0HIRING")  # channels:history
    slack.conversations_history(channel=dm)  # im:history
    assert refusal(slack.conversations_history, channel="G0EXEC")["needed"] == "groups:history"
    assert refusal(slack.conversations_replies, channel="G0EXEC", ts="1.0")["needed"] == (
        "groups:history"
    )
    # Group DMs: the manifest asks for mpim:read, never mpim:history.
    assert slack.conversations_info(channel="G0GROUP")["channel"]["is_mpim"]
    assert refusal(slack.conversations_history, channel="G0GROUP")["needed"] == "mpim:history"


@pytest.mark.parametrize("emulator", [without_scopes("groups:read", "im:write")], indirect=True)
def test_listing_and_opening_need_the_scopes_of_what_they_touch(slack: WebClient) -> None:
    slack.conversations_list(types="public_channel")
    answer = refusal(slack.conversations_list, types="public_channel,private_channel")
    assert answer["needed"] == "groups:read"
    assert refusal(slack.conversations_open, users=MAYA)["needed"] == "im:write"
    # Several people make a group DM, which needs mpim:write.
    assert refusal(slack.conversations_open, users=f"{MAYA},{THEO}")["needed"] == "mpim:write"


def test_the_bot_posts_only_where_it_is_a_member(
    emulator: EmulatorServer, slack: WebClient
) -> None:
    # The manifest has no chat:write.public: a public channel must be joined first.
    assert refusal(slack.chat_postMessage, channel="C0RANDOM", text="x")["error"] == (
        "not_in_channel"
    )
    slack.conversations_join(channel="C0RANDOM")
    slack.chat_postMessage(channel="C0RANDOM", text="now it is in")
    # A private channel it is not in does not exist for the bot.
    emulator.state.add_channel("G0EXEC", "exec", members=[MAYA], is_private=True, bot_member=False)
    assert refusal(slack.chat_postMessage, channel="G0EXEC", text="x")["error"] == (
        "channel_not_found"
    )


def with_scope(scope: str) -> dict[str, Any]:
    return manifest_with(lambda m: m["oauth_config"]["scopes"]["bot"].append(scope))


@pytest.mark.parametrize("emulator", [with_scope("chat:write.public")], indirect=True)
def test_chat_write_public_posts_in_a_public_channel_without_joining(
    emulator: EmulatorServer, slack: WebClient
) -> None:
    slack.chat_postMessage(channel="C0RANDOM", text="hello")
    assert "U0BOT" not in emulator.state.channels["C0RANDOM"]["members"]


def test_an_oauth_token_has_the_scopes_its_installer_approved(
    emulator: EmulatorServer,
) -> None:
    state = emulator.state
    state.add_team(SECOND_TEAM)
    state.configure_oauth("client-id", "client-secret")
    code = state.authorize(SECOND_TEAM.id, "U2ADMIN", "client-id", "commands,chat:write")
    _, _, issued = state.exchange_code(code)
    installed = WebClient(token=str(issued["access_token"]), base_url=emulator.api_url)
    installed.chat_postMessage(channel="C2HIRING", text="hello")
    answer = refusal(installed.users_info, user="U2ADMIN")
    assert answer["needed"] == "users:read" and answer["provided"] == "commands,chat:write"


def test_a_refreshed_token_may_do_what_its_install_granted_no_more(
    emulator: EmulatorServer,
) -> None:
    """With token rotation each refresh gives a new token: it carries the install's grant,
    not the manifest's whole list."""
    state = emulator.state
    state.add_team(SECOND_TEAM)
    state.configure_oauth("client-id", "client-secret", token_rotation=True)
    code = state.authorize(SECOND_TEAM.id, "U2ADMIN", "client-id", "commands,chat:write")
    _, _, issued = state.exchange_code(code)
    _, _, renewed = state.refresh(str(issued["refresh_token"]))
    client = WebClient(token=str(renewed["access_token"]), base_url=emulator.api_url)
    client.chat_postMessage(channel="C2HIRING", text="hello")
    answer = refusal(client.users_info, user="U2ADMIN")
    assert answer["needed"] == "users:read" and answer["provided"] == "commands,chat:write"


# -- events -----------------------------------------------------------------------------------


def test_messages_reach_the_app_only_from_conversations_its_bot_is_in(
    emulator: EmulatorServer, app: tuple[SlackDriver, RecordingApp]
) -> None:
    driver, recording = app
    assert driver.message(MAYA, "C0HIRING", "in a channel the bot is in").delivered
    outside = driver.message(MAYA, "C0RANDOM", "in a channel the bot is not in")
    assert not outside.delivered
    assert emulator.state.find_message("C0RANDOM", outside.created["ts"])  # type: ignore[index]
    assert len(recording.received) == 1 and '"channel_type": "channel"' in recording.received[0]
    emulator.state.add_channel("G0EXEC", "exec", members=[MAYA], is_private=True)
    assert driver.message(MAYA, "G0EXEC", "private").delivered
    assert '"channel_type": "group"' in recording.received[-1]


@pytest.mark.parametrize(
    "emulator",
    [without_events("message.groups", "app_home_opened", "app_uninstalled", "tokens_revoked")],
    indirect=True,
)
def test_an_event_the_app_does_not_subscribe_to_is_never_sent(
    emulator: EmulatorServer, app: tuple[SlackDriver, RecordingApp]
) -> None:
    driver, recording = app
    emulator.state.add_channel("G0EXEC", "exec", members=[MAYA], is_private=True)
    assert not driver.message(MAYA, "G0EXEC", "private").delivered
    assert not driver.open_home(MAYA).delivered
    assert not driver.revoke_tokens("T0HIRING").delivered
    assert not driver.uninstall("T0HIRING").delivered
    assert driver.message(MAYA, "C0HIRING", "public").delivered  # message.channels is kept
    assert len(recording.received) == 1


def test_the_project_manifest_sends_what_the_bot_listens_for(
    emulator: EmulatorServer, app: tuple[SlackDriver, RecordingApp]
) -> None:
    driver, recording = app
    assert driver.open_home(MAYA).delivered
    assert driver.message(MAYA, MAYA, "a typed answer in the bot's DM").delivered
    assert driver.revoke_tokens("T0HIRING").delivered
    assert len(recording.received) == 3


# -- the Messages tab -------------------------------------------------------------------------


def test_the_project_manifest_lets_people_type_in_the_apps_dm(emulator: EmulatorServer) -> None:
    app_home = load_manifest()["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False
    assert emulator.state.app.people_may_message_the_app
    assert emulator.state.snapshot()["app"]["messages_tab_open"] is True


@pytest.mark.parametrize(
    "emulator", [messages_tab(False, False), messages_tab(True, True)], indirect=True
)
def test_with_the_messages_tab_off_or_read_only_nobody_types_in_the_apps_dm(
    emulator: EmulatorServer, app: tuple[SlackDriver, RecordingApp]
) -> None:
    driver, recording = app
    dm = emulator.state.open_dm(MAYA)["id"]
    with pytest.raises(DriverError, match=MESSAGES_TAB_OFF):
        driver.message(MAYA, dm, "back")
    with pytest.raises(DriverError, match=MESSAGES_TAB_OFF):
        driver.command(MAYA, dm, "/hire", "export")
    assert not emulator.state.messages_in(dm) and not recording.received
    assert emulator.state.snapshot()["app"]["messages_tab_open"] is False
    # Channels are not the Messages tab.
    assert driver.message(MAYA, "C0HIRING", "hello").delivered


# -- trigger_id -------------------------------------------------------------------------------


def test_a_trigger_id_works_once_and_for_three_seconds() -> None:
    now = [1000.0]
    state = EmulatorState(real_time=lambda: now[0])
    with EmulatorServer(state=state) as emulator:
        slack = WebClient(token=TOKEN, base_url=emulator.api_url)
        trigger = state.issue_trigger(MAYA)
        now[0] += 2.9
        slack.views_open(trigger_id=trigger, view=MODAL)
        assert len(state.modals[MAYA]) == 1
        used = refusal(slack.views_open, trigger_id=trigger, view=MODAL)
        assert used["error"] == "exchanged_trigger_id"
        late = state.issue_trigger(MAYA)
        now[0] += 3.1
        assert refusal(slack.views_open, trigger_id=late, view=MODAL)["error"] == (
            "expired_trigger_id"
        )
        assert refusal(slack.views_push, trigger_id=late, view=MODAL)["error"] == (
            "expired_trigger_id"
        )
        assert refusal(slack.views_open, trigger_id="1.2.nothing", view=MODAL)["error"] == (
            "invalid_trigger_id"
        )
        assert len(state.modals[MAYA]) == 1


def test_the_emulator_clock_does_not_age_a_trigger(emulator: EmulatorServer) -> None:
    """The sandbox's +1 day moves the workspace's dates, not Slack's 3 seconds."""
    slack = WebClient(token=TOKEN, base_url=emulator.api_url)
    trigger = emulator.state.issue_trigger(MAYA)
    emulator.state.advance_clock(86400)
    slack.views_open(trigger_id=trigger, view=MODAL)


# -- thread_broadcast -------------------------------------------------------------------------


def test_a_reply_also_sent_to_the_channel(
    emulator: EmulatorServer, app: tuple[SlackDriver, RecordingApp], slack: WebClient
) -> None:
    driver, recording = app
    root = slack.chat_postMessage(channel="C0HIRING", text="Question 1 of 6")["ts"]
    sent = driver.message(MAYA, "C0HIRING", "startup", thread_ts=root, broadcast=True)
    ts = sent.created["ts"]  # type: ignore[index]
    stored = emulator.state.find_message("C0HIRING", ts)
    assert stored is not None and stored["subtype"] == "thread_broadcast"
    assert stored["thread_ts"] == root
    # A reply of the thread, and a message of the channel.
    replies = slack.conversations_replies(channel="C0HIRING", ts=root)["messages"]
    assert [m["ts"] for m in replies] == [root, ts]
    history = slack.conversations_history(channel="C0HIRING")["messages"]
    assert [m["ts"] for m in history] == [ts, root]
    assert emulator.state.find_message("C0HIRING", root)["reply_count"] == 1  # type: ignore[index]
    event = json.loads(recording.received[-1])["event"]
    assert event["subtype"] == "thread_broadcast" and event["thread_ts"] == root
    assert event["root"]["ts"] == root and event["root"]["text"] == "Question 1 of 6"
    assert event["user"] == MAYA and event["text"] == "startup"


# -- conversation menus -----------------------------------------------------------------------


def test_a_conversations_menu_offers_what_the_person_can_see(
    emulator: EmulatorServer, app: tuple[SlackDriver, RecordingApp]
) -> None:
    driver, recording = app
    state = emulator.state
    state.add_channel("G0THEO", "theo-only", members=[THEO], is_private=True)
    state.add_channel("G0MAYA", "maya-too", members=[MAYA], is_private=True, bot_member=False)
    menu = {
        "type": "conversations_select",
        "action_id": "value",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    offered = {c["id"] for c in state.conversations_offered(MAYA, menu)}
    assert offered == {"C0HIRING", "C0GENERAL", "C0RANDOM", "G0MAYA"}
    view = {**MODAL, "id": "V1", "blocks": [{"type": "input", "block_id": "c", "element": menu}]}
    state.modals[MAYA] = [view]
    with pytest.raises(DriverError, match="not offered"):
        driver.submit_view(MAYA, "V1", {"c": {"value": "G0THEO"}})
    driver.submit_view(MAYA, "V1", {"c": {"value": "G0MAYA"}})
    submitted = json.loads(parse_qs(recording.received[-1])["payload"][0])
    assert submitted["view"]["state"]["values"]["c"]["value"] == {
        "type": "conversations_select",
        "selected_conversation": "G0MAYA",
    }
