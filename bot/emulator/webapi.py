"""The Slack Web API methods the bot calls, answered the way Slack answers them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.emulator.state import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    EmulatorState,
)

Result = dict[str, Any]


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
        }

    def call(self, method: str, args: dict[str, Any]) -> Result:
        handler = self.methods.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            result = handler(args)
        except SlackError as error:
            return {"ok": False, "error": error.error}
        return {"ok": True, **result}

    # -- identity ---------------------------------------------------------------------------
    def auth_test(self, args: dict[str, Any]) -> Result:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": "hiring-bot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "is_enterprise_install": False,
        }

    def team_info(self, args: dict[str, Any]) -> Result:
        return {"team": {"id": TEAM_ID, "name": TEAM_NAME, "domain": TEAM_DOMAIN}}

    # -- channels ---------------------------------------------------------------------------
    def _channel(self, ref: Any, *, must_be_member: bool = True) -> dict[str, Any]:
        channel = self.state.channel_by_ref(str(ref or ""))
        if channel is None:
            raise SlackError("channel_not_found")
        if channel["is_archived"]:
            raise SlackError("is_archived")
        if must_be_member and BOT_USER_ID not in channel["members"]:
            raise SlackError("not_in_channel")
        return channel

    @staticmethod
    def _channel_json(channel: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": channel["id"],
            "name": channel["name"],
            "is_channel": not channel["is_im"],
            "is_private": channel["is_private"],
            "is_im": channel["is_im"],
            "is_archived": channel["is_archived"],
            "is_member": BOT_USER_ID in channel["members"],
        }

    def conversations_join(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        if channel["is_private"]:
            raise SlackError("method_not_supported_for_channel_type")
        with self.state.lock:
            channel["members"].add(BOT_USER_ID)
            self.state.touch()
        return {"channel": self._channel_json(channel)}

    def conversations_info(self, args: dict[str, Any]) -> Result:
        channel = self.state.channel_by_ref(str(args.get("channel") or ""))
        if channel is None:
            raise SlackError("channel_not_found")
        return {"channel": self._channel_json(channel)}

    def conversations_open(self, args: dict[str, Any]) -> Result:
        users = str(args.get("users") or "").split(",")
        if not users[0] or users[0] not in self.state.users:
            raise SlackError("user_not_found")
        return {"channel": self._channel_json(self.state.open_dm(users[0]))}

    def conversations_list(self, args: dict[str, Any]) -> Result:
        channels = [self._channel_json(c) for c in self.state.channels.values() if not c["is_im"]]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    def conversations_history(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"))
        messages = [
            m
            for m in self.state.messages_in(channel["id"], include_ephemeral=False)
            if not m.get("thread_ts") or m["thread_ts"] == m["ts"]
        ]
        return {"messages": list(reversed(messages)), "has_more": False}

    def conversations_replies(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"))
        return {
            "messages": self.state.thread(channel["id"], str(args.get("ts"))),
            "has_more": False,
        }

    # -- messages ---------------------------------------------------------------------------
    def chat_post_message(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"))
        blocks = _check_blocks(args.get("blocks"))
        text = str(args.get("text") or "")
        if not text and not blocks:
            raise SlackError("no_text")
        thread_ts = args.get("thread_ts") or None
        if thread_ts and self.state.find_message(channel["id"], str(thread_ts)) is None:
            raise SlackError("thread_not_found")
        message = self.state.add_message(
            channel=channel["id"],
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            reply_broadcast=bool(args.get("reply_broadcast")),
        )
        public = {k: v for k, v in message.items() if k != "channel"}
        return {"channel": channel["id"], "ts": message["ts"], "message": public}

    def chat_post_ephemeral(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        user = str(args.get("user") or "")
        if user not in self.state.users:
            raise SlackError("user_not_found")
        blocks = _check_blocks(args.get("blocks"))
        text = str(args.get("text") or "")
        if not text and not blocks:
            raise SlackError("no_text")
        message = self.state.add_message(
            channel=channel["id"],
            user=BOT_USER_ID,
            bot_id=BOT_ID,
            text=text,
            blocks=blocks,
            thread_ts=args.get("thread_ts") or None,
            ephemeral_for=user,
        )
        return {"message_ts": message["ts"]}

    def chat_update(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        message = self.state.find_message(channel["id"], str(args.get("ts") or ""))
        if message is None:
            raise SlackError("message_not_found")
        if message.get("user") != BOT_USER_ID:
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
        message = self.state.find_message(channel["id"], str(args.get("ts") or ""))
        if message is None:
            raise SlackError("message_not_found")
        self.state.delete_message(message)
        return {"channel": channel["id"], "ts": message["ts"]}

    def chat_get_permalink(self, args: dict[str, Any]) -> Result:
        channel = self._channel(args.get("channel"), must_be_member=False)
        message = self.state.find_message(channel["id"], str(args.get("message_ts") or ""))
        if message is None:
            raise SlackError("message_not_found")
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel['id']}/p{message['ts'].replace('.', '')}"
        if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
            link += f"?thread_ts={message['thread_ts']}&cid={channel['id']}"
        return {"channel": channel["id"], "permalink": link}

    # -- users ------------------------------------------------------------------------------
    @staticmethod
    def _user_json(user: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": user["id"],
            "team_id": TEAM_ID,
            "name": user["name"],
            "real_name": user["real_name"],
            "is_admin": user["is_admin"],
            "is_owner": user["is_owner"],
            "is_bot": False,
            "deleted": False,
            "tz": "Europe/London",
            "profile": {
                "real_name": user["real_name"],
                "display_name": user["name"],
                "title": user.get("title", ""),
            },
        }

    def users_info(self, args: dict[str, Any]) -> Result:
        user = self.state.user(str(args.get("user") or ""))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": self._user_json(user)}

    def users_list(self, args: dict[str, Any]) -> Result:
        members = [self._user_json(u) for u in self.state.users.values()]
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
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "user": user,
            "hash": self.state.new_id("h"),
            "state": {"values": {}},
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
        }

    def views_open(self, args: dict[str, Any]) -> Result:
        user = self.state.triggers.get(str(args.get("trigger_id") or ""))
        if user is None:
            raise SlackError("invalid_trigger_id")
        view = self._view(args.get("view"), user)
        with self.state.lock:
            self.state.modals[user] = [view]
            self.state.touch()
        return {"view": view}

    def views_push(self, args: dict[str, Any]) -> Result:
        user = self.state.triggers.get(str(args.get("trigger_id") or ""))
        if user is None or not self.state.modals.get(user):
            raise SlackError("invalid_trigger_id")
        view = self._view(args.get("view"), user)
        with self.state.lock:
            self.state.modals[user].append(view)
            self.state.touch()
        return {"view": view}

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
        user = str(args.get("user_id") or "")
        if user not in self.state.users:
            raise SlackError("user_not_found")
        view = self._view(args.get("view"), user)
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
        files = _json_field(args.get("files")) or []
        completed = []
        channel_id = args.get("channel_id") or args.get("channels")
        for item in files:
            with self.state.lock:
                pending = self.state.pending_uploads.pop(item.get("id"), None)
            if pending is None:
                raise SlackError("file_not_found")
            record = {
                **pending,
                "title": item.get("title") or pending["filename"],
                "channel": channel_id,
                "initial_comment": args.get("initial_comment"),
            }
            with self.state.lock:
                self.state.files.append(record)
            if channel_id:
                channel = self._channel(channel_id, must_be_member=False)
                self.state.add_message(
                    channel=channel["id"],
                    user=BOT_USER_ID,
                    bot_id=BOT_ID,
                    text=str(args.get("initial_comment") or ""),
                    blocks=[],
                    files=[
                        {"id": record["id"], "name": record["filename"], "title": record["title"]}
                    ],
                    thread_ts=args.get("thread_ts") or None,
                )
            completed.append({"id": record["id"], "title": record["title"]})
        return {"files": completed}
