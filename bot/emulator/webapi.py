"""The Slack Web API methods the bot calls, answered the way Slack answers them: for the
team whose token made the call, which sees only its own people and channels."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.emulator.scopes import missing_scope, needed_scopes
from bot.emulator.state import (
    APP_ID,
    TEAM_ID,
    TRIGGER_LIFETIME_SECONDS,
    EmulatorState,
    Team,
    conversation_kind,
    is_tombstone,
    shows_in_channel,
)

Result = dict[str, Any]

# The team of the token whose call is being answered, and the scopes that token was granted
# (set by WebApi.call in its thread).
_caller: ContextVar[Team] = ContextVar("caller")
_granted: ContextVar[tuple[str, ...]] = ContextVar("granted")


class SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _json_field(value: Any) -> Any:
    """slack_sdk sends blocks/view as JSON strings inside form posts."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _check_blocks(blocks: Any) -> list[dict[str, Any]]:
    blocks = _json_field(blocks) or []
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    if len(blocks) > 50:
        raise SlackError("invalid_blocks")
    for block in blocks:
        text = (block.get("text") or {}).get("text", "") if isinstance(block, dict) else ""
        if len(text) > 3000:
            raise SlackError("invalid_blocks")
    if len(json.dumps(blocks)) > 50_000:
        raise SlackError("msg_blocks_too_long")
    return blocks


def _shown(message: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """A message as a reading method returns it: metadata only when asked for."""
    if str(args.get("include_all_metadata")).lower() in {"true", "1"}:
        return message
    return {k: v for k, v in message.items() if k != "metadata"}


def _page_of_messages(messages: list[dict[str, Any]], args: dict[str, Any]) -> Result:
    """The page of `messages` that `oldest`, `latest`, `limit` and `cursor` ask for."""
    oldest = float(args.get("oldest") or 0)
    latest = float(args.get("latest") or "inf")
    within = [m for m in messages if oldest < float(m["ts"]) <= latest]
    limit = min(max(int(args.get("limit") or 100), 1), 999)
    start = int(args.get("cursor") or 0)
    page = [_shown(m, args) for m in within[start : start + limit]]
    more = start + limit < len(within)
    return {
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _check_metadata(metadata: Any) -> dict[str, Any] | None:
    """Message metadata as Slack takes it: an event_type and an event_payload object."""
    metadata = _json_field(metadata)
    if metadata in (None, ""):
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}


def _require(args: dict[str, Any], *names: str) -> None:
    for name in names:
        if not args.get(name):
            raise SlackError(f"{name}_not_found" if name == "channel" else "invalid_arguments")


class WebApi:
    def __init__(self, state: EmulatorState, base_url: Callable[[], str]) -> None:
        self.state = state
        self.base_url = base_url
        self.methods: dict[str, Callable[[dict[str, Any]], Result]] = {
            "auth.test": self.auth_test,
            "team.info": self.team_info,
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
            "conversations.join": self.conversations_join,
            "conversations.info": self.conversations_info,
            "conversations.open": self.conversations_open,
            "conversations.list": self.conversations_list,
            "conversations.members": self.conversations_members,
            "conversations.history": self.conversations_history,
            "conversations.replies": self.conversations_replies,
            "users.info": self.users_info,
            "users.list": self.users_list,
            "views.open": self.views_open,
            "views.push": self.views_push,
            "views.update": self.views_update,
            "views.publish": self.views_publish,
            "files.getUploadURLExternal": self.files_get_upload_url,
            "files.completeUploadExternal": self.files_complete_upload,
            "files.info": self.files_info,
        }

    def call(
        self,
        method: str,
        args: dict[str, Any],
        team: Team | None = None,
        granted: tuple[str, ...] | None = None,
    ) -> Result:
        """Answer `method` for `team`'s token, which was `granted` these scopes (default: the
        manifest's bot scopes, as the single-workspace token has)."""
        handler = self.methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        scopes = self.state.app.bot_scopes if granted is None else granted
        caller, grant = _caller.set(team or self.state.teams[TEAM_ID]), _granted.set(scopes)
        try:
            refused = missing_scope(needed_scopes(method, args, self._kind_of), scopes)
            if refused is not None:
                return refused
            result = handler(args)
        except SlackError as error:
            return {"ok": False, "error": error.error}
        finally:
            _caller.reset(caller)
            _granted.reset(grant)
        return {"ok": True, **result}

    @property
    def team(self) -> Team:
        """The team whose token made the call being answered."""
        return _caller.get()

    def _kind_of(self, ref: str) -> str | None:
        """The kind of conversation `ref` names for the calling team (a user id: the bot's DM
        with them), without opening anything; None when the team has no such conversation."""
        if ref in self.state.users:
            return "im" if self.state.users[ref].get("team") == self.team.id else None
        channel = self.state.channels.get(ref)
        if channel is None or channel.get("team", TEAM_ID) != self.team.id:
            return None
        return conversation_kind(channel)

    def workspace_url(self, team: Team) -> str:
        """The address the team's links start with: Slack's, or the sandbox page's own."""
        return f"{self.base_url()}/" if self.state.links_to_emulator else team.url

    # -- identity ---------------------------------------------------------------------------
    def auth_test(self, args: dict[str, Any]) -> Result:
        team = self.team
        return {
            "url": self.workspace_url(team),
            "team": team.name,
            "user": "hiring-bot",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def team_info(self, args: dict[str, Any]) -> Result:
        team = self.team
        return {
            "team": {
                "id": team.id,
                "name": team.name,
                "domain": team.domain,
                "url": self.workspace_url(team),
            }
        }

    def oauth_v2_access(
        self, args: dict[str, Any], authorization: str
    ) -> tuple[Result, Team | None]:
        """Exchanges an authorize code for the team's bot token; the app proves itself with
        its client id and secret (HTTP Basic, or in the body). Answered with its team."""
        client_id, client_secret = args.get("client_id"), args.get("client_secret")
        if authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization.removeprefix("Basic ")).decode()
            except (binascii.Error, UnicodeDecodeError):
                return {"ok": False, "error": "invalid_client"}, None
            client_id, _, client_secret = decoded.partition(":")
        app = self.state.oauth_app
        if app is None or client_id != app.client_id:
            return {"ok": False, "error": "invalid_client_id"}, None
        if client_secret != app.client_secret:
            return {"ok": False, "error": "bad_client_secret"}, None
        if args.get("grant_type") == "refresh_token":
            # Token rotation: a refresh token for a new pair (bot.emulator.tokens).
            try:
                team, scope, issued = self.state.refresh(str(args.get("refresh_token") or ""))
            except KeyError:
                return {"ok": False, "error": "invalid_refresh_token"}, None
            return self._granted(team, scope, issued), team
        try:
            team, grant, issued = self.state.exchange_code(str(args.get("code") or ""))
        except KeyError:
            return {"ok": False, "error": "invalid_code"}, None
        return {
            **self._granted(team, grant["scope"], issued),
            "authed_user": {"id": grant["user"]},
        }, team

    def _granted(self, team: Team, scope: str, issued: dict[str, object]) -> Result:
        return {
            "ok": True,
            **issued,
            "token_type": "bot",
            "scope": scope,
            "bot_user_id": team.bot_user_id,
            "app_id": APP_ID,
            "team": {"id": team.id, "name": team.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    # -- channels ---------------------------------------------------------------------------
    def _channel(self, ref: Any, *, must_be_member: bool = True) -> dict[str, Any]:
        """A channel the bot may act in. A private one it is not in does not exist for it
        (`channel_not_found`); a public one it is not in is `not_in_channel`."""
        channel = self.state.channel_by_ref(str(ref or ""), self.team.id)
        if channel is None:
            raise SlackError("channel_not_found")
        if channel["is_archived"]:
            raise SlackError("is_archived")
        if must_be_member and self.team.bot_user_id not in channel["members"]:
            raise SlackError("channel_not_found" if channel["is_private"] else "not_in_channel")
        return channel

    def _channel_json(self, channel: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": channel["id"],
            "name": channel["name"],
            "is_channel": not channel["is_im"],
            "is_private": channel["is_private"],
            "is_im": channel["is_im"],
            "is_mpim": bool(channel.get("is_mpim")),
            "is_archived": channel["is_archived"],
            "is_member": self.team.bot_user_id in channel["members"],
        }

    def _user_of_team(self, user_id: str) -> dict[str, Any]:
        user = self.state.user(user_id)
        if user is None or user.get("team") != self.team.id:
            raise SlackError("user_not_found")
        return user

    def conversations_join(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        if channel["is_private"]:
            raise SlackError("method_not_supported_for_channel_type")
        with self.state.lock:
            channel["members"].add(self.team.bot_user_id)
            self.state.touch()
        return {"channel": self._channel_json(channel)}

    def _visible_channel(self, ref: Any) -> dict[str, Any]:
        """A channel the bot can see: any public one of its team, and the private channels,
        DMs and group DMs it is in. Slack says `channel_not_found` for the others."""
        channel = self.state.channel_by_ref(str(ref or ""), self.team.id)
        if channel is None:
            raise SlackError("channel_not_found")
        if channel["is_private"] and self.team.bot_user_id not in channel["members"]:
            raise SlackError("channel_not_found")
        return channel

    def conversations_info(self, args: dict[str, Any]) -> Result:
        return {"channel": self._channel_json(self._visible_channel(args.get("channel")))}

    def conversations_members(self, args: dict[str, Any]) -> Result:
        """The channel's members' ids, a page at a time: `limit` (Slack's default 100, at
        most 1000) and an opaque `cursor` from the previous page's `next_cursor`, empty on
        the last page."""
        channel = self._visible_channel(args.get("channel"))
        try:
            limit = int(args.get("limit") or 100)
        except (TypeError, ValueError):
            raise SlackError("invalid_limit") from None
        if limit < 1:
            raise SlackError("invalid_limit")
        limit = min(limit, 1000)
        start = 0
        if args.get("cursor"):
            try:
                start = int(base64.b64decode(str(args["cursor"]), validate=True).decode()[2:])
            except (ValueError, binascii.Error, UnicodeDecodeError):
                raise SlackError("invalid_cursor") from None
        members = sorted(channel["members"])
        page = members[start : start + limit]
        more = start + limit < len(members)
        cursor = base64.b64encode(f"o:{start + limit}".encode()).decode() if more else ""
        return {"members": page, "response_metadata": {"next_cursor": cursor}}

    def conversations_open(self, args: dict[str, Any]) -> Result:
        users = str(args.get("users") or "").split(",")
        user = self._user_of_team(users[0])
        return {"channel": self._channel_json(self.state.open_dm(user["id"]))}

    def conversations_list(self, args: dict[str, Any]) -> Result:
        channels = [
            self._channel_json(c)
            for c in self.state.channels.values()
            if not c["is_im"] and c.get("team", TEAM_ID) == self.team.id
        ]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    def conversations_history(self, args: dict[str, Any]) -> Result:
        """Top-level messages, newest first, after `oldest` (exclusive, as Slack's default)
        and up to `latest`; paged by `limit` and `cursor`. Message metadata is returned only
        with `include_all_metadata`, as Slack does."""
        channel = self._channel(args.get("channel"))
        messages = [
            m
            for m in reversed(self.state.messages_in(channel["id"], include_ephemeral=False))
            if shows_in_channel(m)
        ]
        return _page_of_messages(messages, args)

    def conversations_replies(self, args: dict[str, Any]) -> Result:
        """A thread, its root first then the replies in order; `oldest`, `latest`, paging
        and metadata as for the history (the root comes whatever `oldest` says, as Slack's)."""
        channel = self._channel(args.get("channel"))
        thread = self.state.thread(channel["id"], str(args.get("ts")))
        if not thread:
            raise SlackError("thread_not_found")
        root, replies = thread[0], thread[1:]
        found = _page_of_messages(replies, args)
        if not args.get("cursor"):
            found["messages"] = [_shown(root, args), *found["messages"]]
        return found

    # -- messages ---------------------------------------------------------------------------
    def chat_post_message(self, args: dict[str, Any]) -> Result:
        """Posts where the bot is a member; with chat:write.public also in a public channel
        it is not in, without joining it (https://docs.slack.dev/reference/methods/chat.postMessage
        and https://docs.slack.dev/reference/scopes/chat.write.public)."""
        channel = self._channel(args.get("channel"), must_be_member=False)
        outside = self.team.bot_user_id not in channel["members"]
        if outside and (channel["is_private"] or "chat:write.public" not in _granted.get()):
            self._channel(channel["id"])  # Slack's refusal for a channel it is not in
        blocks = _check_blocks(args.get("blocks"))
        text = str(args.get("text") or "")
        if not text and not blocks:
            raise SlackError("no_text")
        thread_ts = args.get("thread_ts") or None
        # Under a deleted root that still has replies (its placeholder), Slack still posts;
        # with no parent left at all, it refuses.
        if thread_ts and self.state.find_message(channel["id"], str(thread_ts)) is None:
            raise SlackError("thread_not_found")
        metadata = _check_metadata(args.get("metadata"))
        broadcast = bool(thread_ts) and str(args.get("reply_broadcast")).lower() in {"true", "1"}
        message = self.state.add_message(
            channel=channel["id"],
            user=self.team.bot_user_id,
            bot_id=self.team.bot_id,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            **({"subtype": "thread_broadcast"} if broadcast else {}),
            **({"metadata": metadata} if metadata else {}),
        )
        public = {k: v for k, v in message.items() if k not in {"channel", "metadata"}}
        return {"channel": channel["id"], "ts": message["ts"], "message": public}

    def chat_post_ephemeral(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        user = self._user_of_team(str(args.get("user") or ""))["id"]
        blocks = _check_blocks(args.get("blocks"))
        text = str(args.get("text") or "")
        if not text and not blocks:
            raise SlackError("no_text")
        message = self.state.add_message(
            channel=channel["id"],
            user=self.team.bot_user_id,
            bot_id=self.team.bot_id,
            text=text,
            blocks=blocks,
            thread_ts=args.get("thread_ts") or None,
            ephemeral_for=user,
        )
        return {"message_ts": message["ts"]}

    def _message(self, channel: dict[str, Any], ts: Any) -> dict[str, Any]:
        """A message that is there: a deleted one (its placeholder included) is not found."""
        message = self.state.find_message(channel["id"], str(ts or ""))
        if message is None or is_tombstone(message):
            raise SlackError("message_not_found")
        return message

    def chat_update(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        message = self._message(channel, args.get("ts"))
        if message.get("user") != self.team.bot_user_id:
            raise SlackError("cant_update_message")
        fields: dict[str, Any] = {}
        if "text" in args:
            fields["text"] = str(args.get("text") or "")
        if "blocks" in args:
            fields["blocks"] = _check_blocks(args.get("blocks"))
        self.state.update_message(message, **fields)
        return {"channel": channel["id"], "ts": message["ts"], "text": message["text"]}

    def chat_delete(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        message = self._message(channel, args.get("ts"))
        self.state.delete_message(message)
        return {"channel": channel["id"], "ts": message["ts"]}

    def chat_get_permalink(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        message = self._message(channel, args.get("message_ts"))
        digits = message["ts"].replace(".", "")
        link = f"{self.workspace_url(self.team)}archives/{channel['id']}/p{digits}"
        if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
            link += f"?thread_ts={message['thread_ts']}&cid={channel['id']}"
        return {"channel": channel["id"], "permalink": link}

    # -- users ------------------------------------------------------------------------------
    def _user_json(self, user: dict[str, Any]) -> dict[str, Any]:
        zone = str(user.get("tz") or "UTC")
        # Slack gives the offset in effect now, so it moves with daylight saving time.
        offset = self.state.clock.now().astimezone(ZoneInfo(zone)).utcoffset()
        return {
            "id": user["id"],
            "team_id": user.get("team", TEAM_ID),
            "name": user["name"],
            "real_name": user["real_name"],
            "is_admin": user["is_admin"],
            "is_owner": user["is_owner"],
            "is_bot": False,
            "deleted": False,
            "tz": zone,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": {
                "real_name": user["real_name"],
                "display_name": user["name"],
                "title": user.get("title", ""),
            },
        }

    def users_info(self, args: dict[str, Any]) -> Result:
        return {"user": self._user_json(self._user_of_team(str(args.get("user") or "")))}

    def users_list(self, args: dict[str, Any]) -> Result:
        members = [
            self._user_json(u) for u in self.state.users.values() if u["team"] == self.team.id
        ]
        return {"members": members, "response_metadata": {"next_cursor": ""}}

    # -- views ------------------------------------------------------------------------------
    def _view(self, raw: Any, user: str, view_id: str | None = None) -> dict[str, Any]:
        view = _json_field(raw)
        if not isinstance(view, dict) or view.get("type") not in {"modal", "home"}:
            raise SlackError("invalid_arguments")
        limit = 100
        if len(view.get("blocks") or []) > limit:
            raise SlackError("invalid_blocks")
        return {
            **view,
            "id": view_id or self.state.new_id("V"),
            "team_id": self.team.id,
            "app_id": APP_ID,
            "bot_id": self.team.bot_id,
            "user": user,
            "hash": self.state.new_id("h"),
            "state": {"values": {}},
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
        }

    def _exchange_trigger(self, args: dict[str, Any], build: Callable[[str], Result]) -> Result:
        """Exchange a trigger_id once, within 3 seconds of the interaction that carried it,
        for what `build` does for its user (https://docs.slack.dev/reference/methods/views.open:
        `expired_trigger_id`, `exchanged_trigger_id`, `invalid_trigger_id`)."""
        with self.state.lock:
            trigger = self.state.triggers.get(str(args.get("trigger_id") or ""))
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger.exchanged:
                raise SlackError("exchanged_trigger_id")
            if self.state.real_time() - trigger.issued_at > TRIGGER_LIFETIME_SECONDS:
                raise SlackError("expired_trigger_id")
            result = build(trigger.user)
            trigger.exchanged = True
            return result

    def views_open(self, args: dict[str, Any]) -> Result:
        def open_for(user: str) -> Result:
            view = self._view(args.get("view"), user)
            self.state.modals[user] = [view]
            self.state.touch()
            return {"view": view}

        return self._exchange_trigger(args, open_for)

    def views_push(self, args: dict[str, Any]) -> Result:
        def push_for(user: str) -> Result:
            if not self.state.modals.get(user):
                raise SlackError("invalid_trigger_id")  # nothing open to push onto
            view = self._view(args.get("view"), user)
            self.state.modals[user].append(view)
            self.state.touch()
            return {"view": view}

        return self._exchange_trigger(args, push_for)

    def views_update(self, args: dict[str, Any]) -> Result:
        view_id = str(args.get("view_id") or "")
        with self.state.lock:
            for user, stack in self.state.modals.items():
                for index, existing in enumerate(stack):
                    if existing["id"] == view_id:
                        stack[index] = self._view(args.get("view"), user, view_id)
                        self.state.touch()
                        return {"view": stack[index]}
        raise SlackError("not_found")

    def views_publish(self, args: dict[str, Any]) -> Result:
        user = self._user_of_team(str(args.get("user_id") or ""))["id"]
        # A user's Home tab is one view: publishing again changes its content and hash,
        # not its id, so a click on the tab as it was a moment ago still finds it.
        existing = self.state.home_views.get(user)
        view = self._view(args.get("view"), user, existing["id"] if existing else None)
        if view["type"] != "home":
            raise SlackError("invalid_arguments")
        with self.state.lock:
            self.state.home_views[user] = view
            self.state.touch()
        return {"view": view}

    # -- files (upload v2) ------------------------------------------------------------------
    def files_get_upload_url(self, args: dict[str, Any]) -> Result:
        file_id = self.state.new_id("F")
        with self.state.lock:
            self.state.pending_uploads[file_id] = {
                "id": file_id,
                "filename": str(args.get("filename") or "file"),
                "length": int(args.get("length") or 0),
                "content": b"",
            }
        return {"upload_url": f"{self.base_url()}/upload/{file_id}", "file_id": file_id}

    def files_complete_upload(self, args: dict[str, Any]) -> Result:
        """Files uploaded to their URLs become files of the team; with a channel, Slack
        shares them there in one message, under the initial comment."""
        items = _json_field(args.get("files")) or []
        if not isinstance(items, list) or not items:
            raise SlackError("invalid_arguments")
        channel_id = args.get("channel_id") or args.get("channels")
        channel = self._channel(channel_id, must_be_member=False) if channel_id else None
        with self.state.lock:
            if any(item.get("id") not in self.state.pending_uploads for item in items):
                raise SlackError("file_not_found")
            records = []
            for item in items:
                pending = self.state.pending_uploads.pop(item["id"])
                records.append(self._file_record(pending, item, channel, args))
            self.state.files.extend(records)
            self.state.touch()
        if channel is not None:
            self.state.add_message(
                channel=channel["id"],
                user=self.team.bot_user_id,
                bot_id=self.team.bot_id,
                text=str(args.get("initial_comment") or ""),
                blocks=[],
                files=[self.file_json(record) for record in records],
                upload=True,
                thread_ts=args.get("thread_ts") or None,
            )
        return {"files": [{"id": r["id"], "title": r["title"]} for r in records]}

    def _file_record(
        self,
        pending: dict[str, Any],
        item: dict[str, Any],
        channel: dict[str, Any] | None,
        args: dict[str, Any],
    ) -> dict[str, Any]:
        name = pending["filename"]
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        # Where Slack would say files.slack.com; the emulator serves the bytes itself.
        base = f"{self.base_url()}/files-pri/{self.team.id}-{pending['id']}"
        return {
            **pending,
            "name": name,
            "title": item.get("title") or name,
            "size": len(pending["content"]),
            "mimetype": mimetype,
            "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
            "user": self.team.bot_user_id,
            "team": self.team.id,
            "created": int(self.state.clock.now().timestamp()),
            "channel": channel["id"] if channel else None,
            "initial_comment": args.get("initial_comment"),
            "url_private": f"{base}/{quote(name)}",
            "url_private_download": f"{base}/download/{quote(name)}",
        }

    def files_info(self, args: dict[str, Any]) -> Result:
        record = self.state.file(str(args.get("file") or ""))
        if record is None or record.get("team") != self.team.id:
            raise SlackError("file_not_found")
        return {"file": self.file_json(record)}

    @staticmethod
    def file_json(record: dict[str, Any]) -> dict[str, Any]:
        """A file as messages and files.info carry it: everything but the bytes."""
        return {k: v for k, v in record.items() if k not in {"content", "filename", "length"}}
