"""The emulated Slack: workspaces (teams) with their users and channels, messages, views,
files, the app's bot tokens, and a record of every call.

One team by default (what the sandbox and most tests use); `add_team(SECOND_TEAM)` adds
another for multi-workspace tests. Each Web API call is answered for the team of its token.

Thread-safe: the Web API, the driver and tests touch it from different threads. Every
change bumps `seq`, so a page can long-poll for "anything new since N".
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.core.clock import OffsetClock
from bot.emulator.app_settings import CONVERSATION_KINDS, AppSettings
from bot.emulator.tokens import Rotation
from bot.manifest import load_manifest

TEAM_ID = "T0HIRING"
TEAM_NAME = "Acme Inc"
TEAM_DOMAIN = "acme"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0HIRING"

DEFAULT_USERS: list[dict[str, Any]] = [
    {
        "id": "U0MANAGER",
        "name": "maya",
        "real_name": "Maya Patel",
        "is_admin": False,
        "is_owner": False,
        "title": "Engineering manager",
        "tz": "Europe/London",
    },
    {
        "id": "U0TEAMMATE",
        "name": "theo",
        "real_name": "Theo Nguyen",
        "is_admin": False,
        "is_owner": False,
        "title": "Software engineer",
        "tz": "America/New_York",
    },
    {
        "id": "U0ADMIN",
        "name": "ada",
        "real_name": "Ada Okafor",
        "is_admin": True,
        "is_owner": True,
        "title": "CTO",
        "tz": "Asia/Tokyo",
    },
]
DEFAULT_CHANNELS: list[dict[str, Any]] = [
    {"id": "C0HIRING", "name": "hiring", "is_private": False, "bot_member": True},
    {"id": "C0GENERAL", "name": "general", "is_private": False, "bot_member": True},
    {"id": "C0RANDOM", "name": "random", "is_private": False, "bot_member": False},
]


SLACKBOT_ID = "USLACKBOT"
TOMBSTONE_TEXT = "This message was deleted."


def is_tombstone(message: dict[str, Any]) -> bool:
    """The placeholder a deleted thread root leaves while it has replies."""
    return message.get("subtype") == "tombstone"


def shows_in_channel(message: dict[str, Any]) -> bool:
    """A message of the channel itself: a thread's root, a message with no thread, or a reply
    sent with "Also send to #channel" (subtype thread_broadcast), which is both."""
    thread_ts = message.get("thread_ts")
    return (
        not thread_ts or thread_ts == message["ts"] or message.get("subtype") == "thread_broadcast"
    )


def conversation_kind(channel: dict[str, Any]) -> str:
    """public, private, im (a DM with the bot) or mpim (a group DM): what Slack's scopes and
    message events are named by."""
    if channel.get("is_im"):
        return "im"
    if channel.get("is_mpim"):
        return "mpim"
    return "private" if channel.get("is_private") else "public"


# Slack's trigger_id lasts 3 seconds and is exchanged once
# (https://docs.slack.dev/reference/methods/views.open: expired and exchanged trigger_ids).
TRIGGER_LIFETIME_SECONDS = 3.0


@dataclass(frozen=True)
class Team:
    """A workspace: its own bot user, people and channels (ids unique across teams)."""

    id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str
    users: tuple[dict[str, Any], ...]
    channels: tuple[dict[str, Any], ...]

    @property
    def url(self) -> str:
        return f"https://{self.domain}.slack.com/"


DEFAULT_TEAM = Team(
    TEAM_ID,
    TEAM_NAME,
    TEAM_DOMAIN,
    BOT_USER_ID,
    BOT_ID,
    tuple(DEFAULT_USERS),
    tuple(DEFAULT_CHANNELS),
)
SECOND_TEAM = Team(
    "T0SECOND",
    "Globex",
    "globex",
    "U2BOT",
    "B2BOT",
    (
        {
            "id": "U2MANAGER",
            "name": "sam",
            "real_name": "Sam Rivera",
            "is_admin": False,
            "is_owner": False,
            "title": "Head of engineering",
            "tz": "America/Los_Angeles",
        },
        {
            "id": "U2ADMIN",
            "name": "lee",
            "real_name": "Lee Chen",
            "is_admin": True,
            "is_owner": True,
            "title": "CEO",
            "tz": "Asia/Singapore",
        },
    ),
    (
        {"id": "C2HIRING", "name": "hiring", "is_private": False, "bot_member": True},
        {"id": "C2GENERAL", "name": "general", "is_private": False, "bot_member": True},
    ),
)


@dataclass(frozen=True)
class OAuthApp:
    """The app's credentials as Slack knows them, for oauth.v2.access, and whether its
    tokens rotate (the manifest's settings.token_rotation_enabled)."""

    client_id: str
    client_secret: str
    token_rotation: bool = False


@dataclass
class Fault:
    method: str
    kind: str  # rate_limited(_for) | error | delay(_after) | hang | http_500(_after)
    times: int | None = 1
    error: str = "internal_error"
    retry_after: int = 1
    seconds: float = 0.0
    match: dict[str, str] = field(default_factory=dict)
    # rate_limited_for: every matching call is refused until then, as Slack's limits are.
    until: float = 0.0


@dataclass
class Trigger:
    """A trigger_id Slack sent with an interaction: whose, and when (on a real clock, which the
    sandbox's clock buttons never move: Slack's 3 seconds are everyone's 3 seconds)."""

    user: str
    issued_at: float
    exchanged: bool = False


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float
    response: dict[str, Any] | None = None
    status: int = 200
    team: str | None = None  # whose token made the call (None: no token Slack knows)


def _scopes(granted: str) -> tuple[str, ...]:
    """The scopes of an OAuth grant, as its comma-separated string names them."""
    return tuple(scope for scope in granted.split(",") if scope)


class EmulatorState:
    def __init__(
        self,
        clock: OffsetClock | None = None,
        *,
        links_to_emulator: bool = False,
        manifest: dict[str, Any] | None = None,
        real_time: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.clock = clock or OffsetClock()
        # The sandbox's page opens the bot's links itself, so auth.test's url and permalinks
        # point at the emulator then; tests keep Slack's https://<domain>.slack.com/ form.
        self.links_to_emulator = links_to_emulator
        # The app's settings, from its manifest (the project's unless a test models another):
        # its commands, scopes, events and App Home tabs.
        self.app = AppSettings.from_manifest(manifest if manifest is not None else load_manifest())
        # Seconds on a clock no one moves, for what Slack times in real time (trigger_ids).
        self.real_time = real_time
        # Called (under the lock) after every change; the sandbox saves the workspace on it.
        self.on_change: Callable[[], None] | None = None
        self.reset()

    # -- lifecycle --------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            # seq only grows, so a page waiting for "changes since N" sees the reset.
            self.seq = getattr(self, "seq", 0)
            self.closing = False
            self.teams: dict[str, Team] = {}
            self.users: dict[str, dict[str, Any]] = {}
            self.channels: dict[str, dict[str, Any]] = {}
            self.add_team(DEFAULT_TEAM)
            # Bot tokens Slack issued through OAuth, to their team; any other xoxb- token is
            # the default team's (the single-workspace setup, SLACK_BOT_TOKEN).
            self.tokens: dict[str, str] = {}
            # The scopes each OAuth install's approver granted its token (see scopes_of).
            self.token_scopes: dict[str, tuple[str, ...]] = {}
            self.revoked_tokens: set[str] = set()
            self.rotation = Rotation()
            self.oauth_app: OAuthApp | None = None
            self.oauth_codes: dict[str, dict[str, str]] = {}
            self.messages: list[dict[str, Any]] = []
            self.calls: list[Call] = []
            self.faults: list[Fault] = []
            self.global_delay = 0.0
            self.token_revoked = False
            self.home_views: dict[str, dict[str, Any]] = {}
            self.modals: dict[str, list[dict[str, Any]]] = {}
            self.files: list[dict[str, Any]] = []
            self.pending_uploads: dict[str, dict[str, Any]] = {}
            self.responses: dict[str, dict[str, Any]] = {}
            self.triggers: dict[str, Trigger] = {}
            self.view_errors: dict[str, dict[str, str]] = {}
            self.next_id_number = 1
            self.last_ts_us = 0
            # How far Slack's clock is from ours (negative: behind); its message ts follow it.
            self.clock_skew = timedelta(0)
            self._bump()

    def _bump(self) -> None:
        self.seq += 1
        self.changed.notify_all()
        if self.on_change is not None:
            self.on_change()

    def add_team(self, team: Team) -> None:
        """Another workspace with its own people and channels (the bot is in those marked)."""
        with self.lock:
            self.teams[team.id] = team
            users = {
                u["id"]: {**u, "team": team.id, "team_domain": team.domain}
                for u in copy.deepcopy(team.users)
            }
            self.users.update(users)
            for channel in team.channels:
                self.channels[channel["id"]] = {
                    "id": channel["id"],
                    "name": channel["name"],
                    "team": team.id,
                    "is_private": channel["is_private"],
                    "is_im": False,
                    "is_archived": False,
                    "members": {team.bot_user_id, *users} if channel["bot_member"] else set(users),
                }
            self._bump()

    def close(self) -> None:
        """Release every long-poll so the server can stop at once."""
        with self.lock:
            self.closing = True
            self.changed.notify_all()

    def touch(self) -> None:
        with self.lock:
            self._bump()

    # -- ids and time -----------------------------------------------------------------------
    def next_ts(self) -> str:
        """Strictly increasing message timestamps in Slack's "seconds.micros" form."""
        with self.lock:
            # Integer microseconds: float arithmetic at this magnitude can repeat a ts.
            now = self.clock.now() + self.clock_skew
            now_us = int(now.timestamp() * 1_000_000)
            self.last_ts_us = max(now_us, self.last_ts_us + 1)
            return f"{self.last_ts_us // 1_000_000}.{self.last_ts_us % 1_000_000:06d}"

    def set_clock_skew(self, seconds: float) -> None:
        """Slack's clock runs `seconds` ahead of ours (behind, if negative): the ts of every
        message from now on says so. Nothing promises two services' clocks agree."""
        with self.lock:
            self.clock_skew = timedelta(seconds=seconds)

    def new_id(self, prefix: str) -> str:
        with self.lock:
            number, self.next_id_number = self.next_id_number, self.next_id_number + 1
            return f"{prefix}{number:08d}"

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))
        self.touch()

    # -- directory ----------------------------------------------------------------------------
    def user(self, user_id: str) -> dict[str, Any] | None:
        return self.users.get(user_id)

    def set_admin(self, user_id: str, admin: bool) -> None:
        """Make someone a workspace admin and owner, or neither (a demotion takes both)."""
        with self.lock:
            self.users[user_id].update(is_admin=admin, is_owner=admin)
            self._bump()

    def team_of(self, user_or_channel: dict[str, Any]) -> Team:
        return self.teams[user_or_channel.get("team", TEAM_ID)]

    def channel_by_ref(self, ref: str, team: str | None = None) -> dict[str, Any] | None:
        """A channel id, a `#name`, a bare name, or a user id (→ the bot's DM with that user);
        with `team`, only that team's (a token never reaches another workspace's channels)."""
        with self.lock:
            found = self.channels.get(ref)
            if found is None and ref in self.users:
                found = self.open_dm(ref)
            if found is None:
                name = ref.lstrip("#")
                found = next(
                    (
                        c
                        for c in self.channels.values()
                        if c["name"] == name and team in (None, c.get("team", TEAM_ID))
                    ),
                    None,
                )
            if found is not None and team is not None and found.get("team", TEAM_ID) != team:
                return None
            return found

    def open_dm(self, user_id: str) -> dict[str, Any]:
        with self.lock:
            dm_id = "D" + user_id[1:]
            if dm_id not in self.channels:
                user = self.users[user_id]
                self.channels[dm_id] = {
                    "id": dm_id,
                    "name": f"dm-{user['name']}",
                    "team": user.get("team", TEAM_ID),
                    "is_private": True,
                    "is_im": True,
                    "is_archived": False,
                    "user": user_id,
                    "members": {self.team_of(user).bot_user_id, user_id},
                }
                self._bump()
            return self.channels[dm_id]

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        members: Collection[str],
        is_private: bool = False,
        is_mpim: bool = False,
        bot_member: bool = True,
        team: Team = DEFAULT_TEAM,
    ) -> dict[str, Any]:
        """A channel of `team` with these people in it (and the bot, when `bot_member`):
        e.g. a private channel some of the team are not in, or a group DM (`is_mpim`)."""
        with self.lock:
            self.channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "team": team.id,
                "is_private": is_private or is_mpim,
                "is_im": False,
                "is_mpim": is_mpim,
                "is_archived": False,
                "members": {*members, *([team.bot_user_id] if bot_member else [])},
            }
            self._bump()
            return self.channels[channel_id]

    def conversations_offered(self, user_id: str, element: dict[str, Any]) -> list[dict[str, Any]]:
        """What a conversations_select (or channels_select) menu in a view offers the person:
        the conversations of their workspace they can see (every public channel, the private
        ones and group DMs they are in, their DMs) that its filter lets through. A
        channels_select lists public channels only."""
        team = self.users[user_id].get("team", TEAM_ID)
        menu_filter = element.get("filter") or {}
        if element.get("type") == "channels_select":
            kinds = {"public"}
        else:
            kinds = set(menu_filter.get("include") or CONVERSATION_KINDS)
        if menu_filter.get("exclude_bot_users"):
            kinds.discard("im")  # every DM here is one with the app's bot
        with self.lock:
            return [
                channel
                for channel in self.channels.values()
                if channel.get("team", TEAM_ID) == team
                and not channel["is_archived"]
                and conversation_kind(channel) in kinds
                and (conversation_kind(channel) == "public" or user_id in channel["members"])
            ]

    def archive(self, channel_id: str) -> None:
        with self.lock:
            self.channels[channel_id]["is_archived"] = True
            self._bump()

    # -- messages ---------------------------------------------------------------------------
    def add_message(self, **fields: Any) -> dict[str, Any]:
        with self.lock:
            message = {
                "ts": fields.pop("ts", None) or self.next_ts(),
                "type": "message",
                "text": "",
                "blocks": [],
                **fields,
            }
            self.messages.append(message)
            thread_ts = message.get("thread_ts")
            # Slack's reply count leaves out ephemeral replies.
            if thread_ts and thread_ts != message["ts"] and not message.get("ephemeral_for"):
                parent = self.find_message(message["channel"], thread_ts)
                if parent is not None:
                    parent["reply_count"] = parent.get("reply_count", 0) + 1
                    parent.setdefault("thread_ts", thread_ts)
            self._bump()
            return message

    def find_message(self, channel: str | None, ts: str) -> dict[str, Any] | None:
        with self.lock:
            for message in reversed(self.messages):
                if message["ts"] == ts and (channel is None or message["channel"] == channel):
                    return message
            return None

    def update_message(self, message: dict[str, Any], **fields: Any) -> None:
        with self.lock:
            message.update(fields)
            message["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
            self._bump()

    def delete_message(self, message: dict[str, Any]) -> None:
        """Delete as Slack does (chat.delete, or a person in the client). A thread's root
        that still has replies leaves a placeholder ("This message was deleted.") that keeps
        the thread, and replies can still be posted under it; any other message goes, and
        a placeholder goes with its last reply. `message` may be a copy."""
        with self.lock:
            stored = self._stored(message)
            if stored is None:
                raise ValueError(f"no message {message.get('ts')} in {message.get('channel')}")
            ts, channel = stored["ts"], stored["channel"]
            thread_ts = stored.get("thread_ts")
            is_reply = bool(thread_ts) and thread_ts != ts
            if not is_reply and not stored.get("ephemeral_for") and self._replies(channel, ts):
                replies = stored.get("reply_count", 0)
                stored.clear()
                stored.update(
                    ts=ts,
                    channel=channel,
                    type="message",
                    subtype="tombstone",
                    user=SLACKBOT_ID,
                    text=TOMBSTONE_TEXT,
                    blocks=[],
                    hidden=True,
                    thread_ts=ts,
                    reply_count=replies,
                )
            else:
                self.messages.remove(stored)
                parent = self.find_message(channel, thread_ts) if is_reply else None
                if parent is not None and not stored.get("ephemeral_for"):
                    parent["reply_count"] = max(0, parent.get("reply_count", 1) - 1)
                    if is_tombstone(parent) and not self._replies(channel, parent["ts"]):
                        self.messages.remove(parent)
            self._bump()

    def delete_thread(self, channel: str, root_ts: str) -> None:
        """A thread deleted whole: its replies, then its root (no placeholder is left)."""
        with self.lock:
            for message in reversed(self.messages_in(channel, thread_ts=root_ts)):
                if self._stored(message) is not None:
                    self.delete_message(message)

    def delete_channel(self, channel_id: str) -> None:
        """A channel deleted by an admin: it and every message in it are gone for good."""
        with self.lock:
            self.channels.pop(channel_id, None)
            self.messages = [m for m in self.messages if m["channel"] != channel_id]
            self._bump()

    def _stored(self, message: dict[str, Any]) -> dict[str, Any] | None:
        for stored in self.messages:
            if (
                stored["ts"] == message["ts"]
                and stored["channel"] == message["channel"]
                and stored.get("ephemeral_for") == message.get("ephemeral_for")
            ):
                return stored
        return None

    def _replies(self, channel: str, root_ts: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages
            if m["channel"] == channel
            and m.get("thread_ts") == root_ts
            and m["ts"] != root_ts
            and not m.get("ephemeral_for")
        ]

    # -- interactions -------------------------------------------------------------------------
    def issue_trigger(self, user: str) -> str:
        """A new trigger_id for an interaction of `user`, shaped like Slack's."""
        trigger = f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        with self.lock:
            self.triggers[trigger] = Trigger(user, self.real_time())
        return trigger

    # -- calls and faults -------------------------------------------------------------------
    def record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def inject_fault(self, method: str, kind: str, times: int | None = 1, **params: Any) -> None:
        with self.lock:
            fault = Fault(method=method, kind=kind, times=times, **params)
            if kind == "rate_limited_for":  # a window of `seconds`, however many calls
                fault.times, fault.until = None, time.time() + fault.seconds
            self.faults.append(fault)

    def take_fault(self, method: str, args: dict[str, Any]) -> Fault | None:
        with self.lock:
            for fault in list(self.faults):
                if fault.kind == "rate_limited_for" and time.time() >= fault.until:
                    self.faults.remove(fault)  # the window is over
                    continue
                if fault.method != method:
                    continue
                if any(str(args.get(k)) != v for k, v in fault.match.items()):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
            return None

    def set_global_delay(self, seconds: float) -> None:
        self.global_delay = seconds

    def revoke_token(self) -> None:
        """Every token is refused from now on (`token_revoked`)."""
        self.token_revoked = True

    # -- tokens and OAuth -------------------------------------------------------------------
    def team_for_token(self, token: str) -> Team | None:
        with self.lock:
            if token in self.tokens:
                return self.teams[self.tokens[token]]
            return self.teams[TEAM_ID] if token.startswith("xoxb-") else None

    def scopes_of(self, token: str) -> tuple[str, ...]:
        """What the token may do: the scopes its installer approved (OAuth), else the
        manifest's bot scopes (the single-workspace token, installed from the manifest)."""
        with self.lock:
            return self.token_scopes.get(token, self.app.bot_scopes)

    def is_revoked(self, token: str) -> bool:
        return self.token_revoked or token in self.revoked_tokens or token in self.rotation.revoked

    def is_expired(self, token: str) -> bool:
        """An expiring token (token rotation) past its time, by the emulator's clock."""
        with self.lock:
            return self.rotation.expired(token, self.clock.now())

    def token_used(self, token: str) -> None:
        """A call was made with `token`: with token rotation, that retires the refresh token
        it was traded for (see bot.emulator.tokens)."""
        with self.lock:
            self.rotation.used(token)

    def revoke_team_tokens(self, team_id: str) -> list[str]:
        """What Slack does when a workspace uninstalls the app: its tokens stop working."""
        with self.lock:
            revoked = [t for t, team in self.tokens.items() if team == team_id]
            self.revoked_tokens.update(revoked)
            self.rotation.retire_team(team_id)
            return revoked

    def configure_oauth(
        self, client_id: str, client_secret: str, *, token_rotation: bool | None = None
    ) -> None:
        """The app Slack knows; its tokens rotate as its manifest's token_rotation_enabled
        says, unless `token_rotation` models the other setting."""
        rotates = self.app.token_rotation if token_rotation is None else token_rotation
        with self.lock:
            self.oauth_app = OAuthApp(client_id, client_secret, rotates)

    def authorize(self, team_id: str, user_id: str, client_id: str, scope: str) -> str:
        """Slack's authorize page, approved by `user_id`: a one-use code for that team."""
        with self.lock:
            if self.oauth_app is None or client_id != self.oauth_app.client_id:
                raise ValueError(f"no app with client_id {client_id!r}")
            if self.users[user_id]["team"] != team_id:
                raise ValueError(f"{user_id} is not in {team_id}")
            code = f"{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
            self.oauth_codes[code] = {"team": team_id, "user": user_id, "scope": scope}
            return code

    def exchange_code(self, code: str) -> tuple[Team, dict[str, str], dict[str, object]]:
        """oauth.v2.access: the code's team, who approved, and the token fields of the answer
        (with token rotation: an expiring token, its lifetime and a refresh token)."""
        with self.lock:
            grant = self.oauth_codes.pop(code, None)
            if grant is None:
                raise KeyError("invalid_code")
            team = self.teams[grant["team"]]
            if self.oauth_app is not None and self.oauth_app.token_rotation:
                issued = self.rotation.issue(team.id, grant["scope"], self.clock.now())
            else:
                # Shaped like Slack's: xoxb-<team number>-<bot number>-<secret>.
                numbers = f"{secrets.randbelow(10**12)}-{secrets.randbelow(10**12)}"
                issued = {"access_token": f"xoxb-{numbers}-{secrets.token_hex(12)}"}
            self.tokens[str(issued["access_token"])] = team.id
            self.token_scopes[str(issued["access_token"])] = _scopes(grant["scope"])
            return team, grant, issued

    def refresh(self, refresh_token: str) -> tuple[Team, str, dict[str, object]]:
        """oauth.v2.access with grant_type=refresh_token: the team, the scope granted and the
        new pair's fields; KeyError("invalid_refresh_token") for one Slack won't take."""
        with self.lock:
            grant, issued = self.rotation.trade(refresh_token, self.clock.now())
            self.tokens[str(issued["access_token"])] = grant.team
            # A refreshed token may do what the install granted, no more.
            self.token_scopes[str(issued["access_token"])] = _scopes(grant.scope)
            return self.teams[grant.team], grant.scope, issued

    # -- queries for tests and the page -----------------------------------------------------
    def messages_in(
        self,
        channel: str | None = None,
        thread_ts: str | None = None,
        include_ephemeral: bool = True,
    ) -> list[dict[str, Any]]:
        with self.lock:
            found = []
            for message in self.messages:
                if channel is not None and message["channel"] != channel:
                    continue
                if not include_ephemeral and message.get("ephemeral_for"):
                    continue
                if (
                    thread_ts is not None
                    and message.get("thread_ts") != thread_ts
                    and (message["ts"] != thread_ts)
                ):
                    continue
                found.append(message)
            return [copy.deepcopy(m) for m in found]

    def thread(self, channel: str, root_ts: str) -> list[dict[str, Any]]:
        """The root message then its replies, in order."""
        return self.messages_in(channel, thread_ts=root_ts, include_ephemeral=False)

    def ephemeral_for(self, user: str, channel: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.messages_in(channel) if m.get("ephemeral_for") == user]

    def file(self, file_id: str) -> dict[str, Any] | None:
        """An uploaded file, with its bytes (`content`)."""
        with self.lock:
            for record in self.files:
                if record["id"] == file_id:
                    return record
            return None

    def calls_to(self, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if method is None or c.method == method]

    def scope_refusals(self) -> list[str]:
        """Each call refused for a scope the token lacks, as "method needs scope" (an error
        a test injected on purpose carries no `needed`, and is not one)."""
        with self.lock:
            return [
                f"{call.method} needs {call.response['needed']}"
                for call in self.calls
                if call.response
                and call.response.get("error") == "missing_scope"
                and "needed" in call.response
            ]

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "seq": self.seq,
                "now": self.clock.now().timestamp(),
                "clock_offset_seconds": self.clock.offset.total_seconds(),
                "team": {"id": TEAM_ID, "name": TEAM_NAME, "domain": TEAM_DOMAIN},
                "bot": {"user_id": BOT_USER_ID, "bot_id": BOT_ID, "name": "hiring-bot"},
                "app": {
                    "commands": sorted(self.app.commands),
                    "messages_tab_open": self.app.people_may_message_the_app,
                    "home_tab_enabled": self.app.home_tab_enabled,
                },
                "users": list(self.users.values()),
                "channels": [
                    {k: (sorted(v) if isinstance(v, set) else v) for k, v in c.items()}
                    for c in self.channels.values()
                ],
                "messages": copy.deepcopy(self.messages),
                "home_views": copy.deepcopy(self.home_views),
                "modals": copy.deepcopy(self.modals),
                "view_errors": copy.deepcopy(self.view_errors),
                "files": [{k: v for k, v in f.items() if k != "content"} for f in self.files],
            }

    def wait_for_change(self, since: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.seq <= since and not self.closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.changed.wait(remaining)
            return self.seq
