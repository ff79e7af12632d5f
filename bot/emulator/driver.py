"""Plays Slack's side towards the app: builds, signs and sends requests, then applies the answers.

The tests and the sandbox page both use this, so whatever they do reaches the app by the
same path a real Slack request takes: signed, to POST /slack/events.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from bot.emulator import payloads
from bot.emulator.app_settings import CHANNEL_TYPE, MESSAGE_EVENT, MESSAGES_TAB_OFF
from bot.emulator.signing import sign_request
from bot.emulator.state import EmulatorState, conversation_kind

SPECIAL_MENTIONS = {"here", "channel", "everyone"}
SLACKBOT = "USLACKBOT"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack_sends(state: EmulatorState, typed: str, team: str | None = None) -> str:
    """Text as Slack delivers what a person typed: `& < >` escaped, and `#channel`,
    `@user` and `@here` turned into control sequences (commands have should_escape on);
    names are looked up in the typist's `team`."""
    text = _escape(typed)

    def channel(match: re.Match[str]) -> str:
        found = state.channel_by_ref(match.group(1), team)
        return (
            f"<#{found['id']}|{found['name']}>" if found and not found["is_im"] else match.group(0)
        )

    def person(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.lower() in SPECIAL_MENTIONS:
            return f"<!{name.lower()}>"
        user = next(
            (
                u
                for u in state.users.values()
                if u["name"] == name.lower() and team in (None, u.get("team"))
            ),
            None,
        )
        return f"<@{user['id']}|{user['name']}>" if user else match.group(0)

    text = re.sub(r"(?<![\w&])#([a-z0-9_-]+)", channel, text)
    return re.sub(r"(?<![\w&])@([A-Za-z0-9._-]+)", person, text)


class DriverError(Exception):
    """What a person in Slack would see as "that didn't work" (unknown message, no such user…)."""


@dataclass
class DriverResult:
    status: int
    body: str
    created: dict[str, Any] | None = None  # the message the ack body became, if any
    # False when Slack sent the app nothing (an event it is not subscribed to, a channel it
    # is not in): what the person did still happened, as in Slack.
    delivered: bool = True

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


class Transport(Protocol):
    """How requests reach an app that is not behind a public URL (Socket Mode): the body and
    content type the driver would POST, delivered another way; the app's ack comes back."""

    def send(
        self, body: str, content_type: str, headers: Mapping[str, str] | None = None
    ) -> DriverResult: ...


class SlackDriver:
    def __init__(
        self,
        state: EmulatorState,
        app_url: str,
        signing_secret: str,
        emulator_url: str,
        timeout: float = 15.0,
        transport: Transport | None = None,
    ) -> None:
        self.state = state
        self.app_url = app_url.rstrip("/")
        self.signing_secret = signing_secret
        self.emulator_url = emulator_url.rstrip("/")
        self.http = httpx.Client(timeout=timeout)
        # None: signed HTTP POSTs to {app_url}/slack/events, as Slack does for HTTP apps.
        self.transport = transport

    # -- transport --------------------------------------------------------------------------
    def deliver(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> DriverResult:
        """Send a request as Slack would to this app: over its socket, or signed over HTTP."""
        if self.transport is not None:
            return self.transport.send(body, content_type, headers)
        return self.post_signed(body, content_type, headers)

    def post_signed(
        self,
        body: str,
        content_type: str,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> DriverResult:
        signed = sign_request(body, secret or self.signing_secret, timestamp)
        all_headers = {"Content-Type": content_type, **signed, **(headers or {})}
        response = self.http.post(f"{self.app_url}/slack/events", content=body, headers=all_headers)
        return DriverResult(response.status_code, response.text)

    def _form(self, body: str) -> DriverResult:
        return self.deliver(body, "application/x-www-form-urlencoded")

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.state.user(user_id)
        if user is None:
            raise DriverError(f"no user {user_id}")
        return user

    def _channel(self, channel_ref: str) -> dict[str, Any]:
        channel = self.state.channel_by_ref(channel_ref)
        if channel is None:
            raise DriverError(f"no channel {channel_ref}")
        return channel

    def _response_url(
        self, user: str, channel: str, origin_ts: str | None, thread_ts: str | None = None
    ) -> str:
        token = secrets.token_urlsafe(12)
        with self.state.lock:
            self.state.responses[token] = {
                "user": user,
                "channel": channel,
                "origin_ts": origin_ts,
                "thread_ts": thread_ts,
            }
        return f"{self.emulator_url}/response/{token}"

    def _trigger(self, user: str) -> str:
        return self.state.issue_trigger(user)

    def _may_type_in(self, channel: dict[str, Any]) -> None:
        """In the app's DM people type only if its Messages tab is on and not read-only;
        otherwise Slack shows a sentence where the text box was."""
        if channel["is_im"] and not self.state.app.people_may_message_the_app:
            raise DriverError(MESSAGES_TAB_OFF)

    def _deliver_event(
        self,
        event: dict[str, Any],
        event_type: str,
        team_of: dict[str, Any],
        event_id: str | None = None,
        headers: dict[str, str] | None = None,
        bot_is_member: bool = True,
    ) -> tuple[DriverResult, str]:
        """Send an event the app subscribes to (its manifest's bot_events), from a
        conversation its bot is in; Slack sends no other (a bot's events come from the
        conversations it is a member of: https://api.slack.com/events/app_mention,
        https://docs.slack.dev/reference/events/member_joined_channel).
        Returns the result and the body, which a test may send again as Slack's retry."""
        body = payloads.event_callback(
            event, event_id or f"Ev{secrets.token_hex(6).upper()}", self.state.team_of(team_of)
        )
        if not bot_is_member or not self.state.app.subscribes_to(event_type):
            return DriverResult(200, "", delivered=False), body
        return self.deliver(body, "application/json", headers), body

    # -- what people do -----------------------------------------------------------------------
    def command(self, user: str, channel: str, command: str, text: str = "") -> DriverResult:
        who, where = self._user(user), self._channel(channel)
        self._may_type_in(where)
        if command not in self.state.app.commands:
            # No app declares it, so Slack answers by itself and nothing reaches the app.
            notice = self.state.add_message(
                channel=where["id"],
                user=SLACKBOT,
                text=f"{_escape(command)} is not a valid command. In Slack, all messages that start "
                'with the "/" character are interpreted as commands.\n\nIf you are trying '
                'to send a message and not run a command, try preceding the "/" with an '
                "empty space.",
                ephemeral_for=user,
            )
            return DriverResult(200, "", created=notice)
        body = payloads.slash_command(
            who,
            where,
            command,
            as_slack_sends(self.state, text, who.get("team")),
            self._response_url(user, where["id"], None),
            self._trigger(user),
        )
        result = self._form(body)
        if result.status == 200 and result.body:
            ack = result.json if isinstance(result.json, dict) else {"text": result.body}
            if ack.get("text") or ack.get("blocks"):
                result.created = apply_response(self.state, ack, user, where["id"], None, None)
        return result

    def message(
        self,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        ts: str | None = None,
        broadcast: bool = False,
    ) -> DriverResult:
        """A person posts a message: it appears in the channel, and the app gets the event if
        it subscribes to that kind of conversation's messages and is in the conversation
        (bot events come only from conversations the bot is a member of:
        https://docs.slack.dev/reference/events/message.channels). `broadcast` is a thread
        reply sent with "Also send to #channel": a reply that shows in the channel too
        (https://docs.slack.dev/reference/events/message/thread_broadcast)."""
        who = self._user(user)
        where = self._channel(channel)
        self._may_type_in(where)
        broadcast = broadcast and bool(thread_ts)
        text = as_slack_sends(self.state, text, who.get("team"))  # stored and sent as Slack would
        if ts is None:
            stored = self.state.add_message(
                channel=where["id"],
                user=user,
                text=text,
                thread_ts=thread_ts,
                **({"subtype": "thread_broadcast"} if broadcast else {}),
            )
            ts = stored["ts"]
        kind = conversation_kind(where)
        event: dict[str, Any] = {
            "type": "message",
            "channel": where["id"],
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": CHANNEL_TYPE[kind],
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
            parent = self.state.find_message(where["id"], thread_ts)
            if broadcast:
                event["subtype"] = "thread_broadcast"
                if parent is not None:  # the thread's root, as Slack sends it along
                    event["root"] = {k: v for k, v in parent.items() if k != "channel"}
            elif parent is not None and thread_ts != ts:  # Slack names who started the thread
                event["parent_user_id"] = parent.get("user")
        headers = {}
        if retry_num:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        result, body = self._deliver_event(
            event,
            MESSAGE_EVENT[kind],
            who,
            event_id,
            headers,
            bot_is_member=self.state.team_of(who).bot_user_id in where["members"],
        )
        result.created = {"ts": ts, "channel": where["id"], "event_body": body}
        return result

    def resend_event(self, body: str, retry_num: int) -> DriverResult:
        """Slack's retry of an event it thinks we missed: same body, same event_id."""
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.deliver(body, "application/json", headers)

    def click(
        self,
        user: str,
        message_ts: str,
        action_id: str,
        *,
        channel: str | None = None,
        value: str | None = None,
        selected_option_value: str | None = None,
        stale_copy: dict[str, Any] | None = None,
        payload_channel: str | None = None,
    ) -> DriverResult:
        """A click on a message. `stale_copy` is the message as an out-of-date client still
        shows it (another device, a slow connection): Slack sends what that client had.
        `payload_channel` makes a forged payload that names another channel than the
        message's; its response_url, which Slack issues, still answers where the message is."""
        who = self._user(user)
        message = stale_copy or self.state.find_message(channel, message_ts)
        if message is None:
            raise DriverError(f"no message {message_ts}")
        if message.get("ephemeral_for") and message["ephemeral_for"] != user:
            raise DriverError("that ephemeral message is not visible to this user")
        element, block_id = _find_element(message.get("blocks") or [], action_id)
        if element is None:
            raise DriverError(f"no element {action_id} on message {message_ts}")
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element.get("type", "button"),
            "action_ts": self.state.next_ts(),
        }
        if action["type"] == "button":
            action["text"] = element.get("text")
            action["value"] = value if value is not None else element.get("value", "")
        elif action["type"] in {"static_select", "radio_buttons"}:
            chosen = next(
                (o for o in element.get("options", []) if o.get("value") == selected_option_value),
                None,
            )
            if chosen is None:
                raise DriverError(f"no option {selected_option_value}")
            action["selected_option"] = chosen
        where = self._channel(message["channel"])
        named = self._channel(payload_channel) if payload_channel else where
        body = payloads.block_actions(
            who,
            named,
            message,
            action,
            self._response_url(user, where["id"], message["ts"], message.get("thread_ts")),
            self._trigger(user),
        )
        return self._form(body)

    def click_view(
        self,
        user: str,
        view_id: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
    ) -> DriverResult:
        """A click on a button in the user's Home tab or open modal: the one in `block_id`
        (action ids are unique within a block only), else the first with `action_id`;
        `value` sends another value than the button's (a forged or out-of-date payload)."""
        who = self._user(user)
        home = self.state.home_views.get(user)
        views = [home] if home else []
        views += self.state.modals.get(user) or []
        view = next((v for v in views if v["id"] == view_id), None)
        if view is None:
            raise DriverError(f"no view {view_id} for {user}")
        element, block_id = _find_element(view.get("blocks") or [], action_id, block_id)
        if element is None:
            raise DriverError(f"no element {action_id} in view {view_id}")
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element.get("type", "button"),
            "value": value if value is not None else element.get("value", ""),
            "text": element.get("text"),
            "action_ts": self.state.next_ts(),
        }
        return self._form(payloads.view_block_actions(who, view, action, self._trigger(user)))

    def submit_view(
        self, user: str, view_id: str, values: dict[str, dict[str, Any]]
    ) -> DriverResult:
        who = self._user(user)
        stack = self.state.modals.get(user) or []
        view = next((v for v in stack if v["id"] == view_id), None)
        if view is None:
            raise DriverError(f"no open view {view_id} for {user}")
        submitted = dict(view)
        submitted["state"] = {"values": _view_state(view, values)}
        self._check_conversation_picks(user, view, submitted["state"]["values"])
        result = self._form(payloads.view_submission(who, submitted))
        ack = result.json if result.status == 200 and isinstance(result.json, dict) else {}
        with self.state.lock:
            action = ack.get("response_action")
            if action == "errors":
                self.state.view_errors[view_id] = dict(ack.get("errors") or {})
            elif action == "update":
                stack[stack.index(view)] = {**ack["view"], "id": view_id}
            elif action == "push":
                stack.append({**ack["view"], "id": self.state.new_id("V")})
            elif action == "clear":
                self.state.modals[user] = []
            elif result.status == 200:
                stack.remove(view)
                self.state.view_errors.pop(view_id, None)
            self.state.touch()
        return result

    def _check_conversation_picks(
        self, user: str, view: dict[str, Any], values: dict[str, Any]
    ) -> None:
        """A conversations or channels menu offers only what its filter lets through of what
        the person can see (https://docs.slack.dev/reference/block-kit/composition-objects/
        conversation-filter-object): nothing else can be picked."""
        for block in view.get("blocks") or []:
            element = block.get("element") or {}
            if block.get("type") != "input" or element.get("type") not in PICKS:
                continue
            entry = values[block.get("block_id", "")][element.get("action_id", "")]
            picked = entry.get(PICKS[element["type"]])
            offered = {c["id"] for c in self.state.conversations_offered(user, element)}
            if picked is not None and picked not in offered:
                raise DriverError(f"{picked} is not offered to {user} in that menu")

    def close_view(self, user: str, view_id: str) -> DriverResult:
        who = self._user(user)
        stack = self.state.modals.get(user) or []
        view = next((v for v in stack if v["id"] == view_id), None)
        if view is None:
            raise DriverError(f"no open view {view_id} for {user}")
        with self.state.lock:
            stack.remove(view)
            self.state.touch()
        if view.get("notify_on_close"):
            return self._form(payloads.view_closed(who, view))
        return DriverResult(200, "")

    def open_home(self, user: str) -> DriverResult:
        """The person opens the app's Home tab (only an app whose manifest turns it on has
        one)."""
        who = self._user(user)
        if not self.state.app.home_tab_enabled:
            raise DriverError("This app has no Home tab.")
        dm = self.state.open_dm(user)
        event = {
            "type": "app_home_opened",
            "user": user,
            "channel": dm["id"],
            "tab": "home",
            "event_ts": self.state.next_ts(),
        }
        return self._deliver_event(event, "app_home_opened", who)[0]

    # -- installing (OAuth) -------------------------------------------------------------------
    def install(self, team_id: str, user: str | None = None) -> DriverResult:
        """Someone in `team_id` installs the app: opens the app's /slack/install, approves on
        Slack's authorize page (played here: a code for that team), and Slack sends the
        browser back to the app's /slack/oauth_redirect with the code, the state and the
        app's state cookie. Returns the page the app shows at the end."""
        team = self.state.teams[team_id]
        installer = user or next(u["id"] for u in team.users if u["is_admin"])
        page = self.http.get(f"{self.app_url}/slack/install", follow_redirects=False)
        found = re.search(r"https://[^\s\"'<>]+/oauth/v2/authorize\?[^\s\"'<>]+", page.text)
        authorize_url = page.headers.get("location") or (html.unescape(found[0]) if found else "")
        if not authorize_url:
            raise DriverError(f"no authorize link on the install page ({page.status_code})")
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        try:
            code = self.state.authorize(
                team_id, installer, query.get("client_id", ""), query.get("scope", "")
            )
        except ValueError as error:
            raise DriverError(str(error)) from None
        # The cookie is Secure, so an HTTP client keeps it to itself; a browser sends it back.
        cookie = page.headers.get("set-cookie", "").split(";", 1)[0]
        back = query.get("redirect_uri") or f"{self.app_url}/slack/oauth_redirect"
        answer = self.http.get(
            f"{back}?{urlencode({'code': code, 'state': query.get('state', '')})}",
            headers={"Cookie": cookie} if cookie else {},
            follow_redirects=False,
        )
        return DriverResult(answer.status_code, answer.text)

    def uninstall(self, team_id: str) -> DriverResult:
        """The workspace removes the app: its tokens stop working and the app is told."""
        team = self.state.teams[team_id]
        self.state.revoke_team_tokens(team_id)
        if not self.state.app.subscribes_to("app_uninstalled"):
            return DriverResult(200, "", delivered=False)
        body = payloads.app_uninstalled(team, f"Ev{secrets.token_hex(6).upper()}")
        return self.deliver(body, "application/json")

    def revoke_tokens(self, team_id: str) -> DriverResult:
        """The workspace's bot token is revoked (the app stays) and the app is told."""
        team = self.state.teams[team_id]
        self.state.revoke_team_tokens(team_id)
        if not self.state.app.subscribes_to("tokens_revoked"):
            return DriverResult(200, "", delivered=False)
        body = payloads.tokens_revoked(team, f"Ev{secrets.token_hex(6).upper()}")
        return self.deliver(body, "application/json")

    def close(self) -> None:
        self.http.close()


def _find_element(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None = None
) -> tuple[dict[str, Any] | None, str]:
    for block in blocks:
        if block_id is not None and block.get("block_id") != block_id:
            continue
        candidates = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            candidates.append(block["accessory"])
        for element in candidates:
            if element.get("action_id") == action_id:
                return element, block.get("block_id", "")
    return None, ""


# Conversation menus, and the field of the submitted state that holds the pick.
PICKS = {"conversations_select": "selected_conversation", "channels_select": "selected_channel"}


def _view_state(view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Shape typed-in values the way Slack reports them, by each input element's type."""
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        raw = (values.get(block_id) or {}).get(action_id)
        kind = element.get("type")
        entry: dict[str, Any] = {"type": kind}
        if kind in {"static_select", "radio_buttons"}:
            options = element.get("options") or []
            chosen = next((o for o in options if o.get("value") == raw), None)
            entry["selected_option"] = chosen
        elif kind == "multi_users_select":
            entry["selected_users"] = list(raw or [])
        elif kind in PICKS:
            entry[PICKS[kind]] = raw
        else:
            entry["value"] = raw
        state[block_id] = {action_id: entry}
    return state


def apply_response(
    state: EmulatorState,
    body: dict[str, Any],
    user: str,
    channel: str,
    origin_ts: str | None,
    thread_ts: str | None,
) -> dict[str, Any] | None:
    """What Slack does with a response_url POST or a command's ack body."""
    if body.get("delete_original") and origin_ts:
        original = state.find_message(channel, origin_ts)
        if original is not None:
            state.delete_message(original)
        return None
    fields = {"text": str(body.get("text") or ""), "blocks": body.get("blocks") or []}
    if body.get("replace_original") and origin_ts:
        original = state.find_message(channel, origin_ts)
        if original is not None:
            state.update_message(original, **fields)
            return original
    team = state.team_of(state.channels.get(channel) or {})
    if body.get("response_type") == "in_channel":
        return state.add_message(
            channel=channel,
            user=team.bot_user_id,
            bot_id=team.bot_id,
            thread_ts=body.get("thread_ts") or thread_ts,
            **fields,
        )
    return state.add_message(
        channel=channel,
        user=team.bot_user_id,
        bot_id=team.bot_id,
        ephemeral_for=user,
        thread_ts=thread_ts,
        **fields,
    )
