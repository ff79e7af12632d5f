"""Which scope a bot token needs for each Web API method the emulator answers, as Slack's
method pages say ("Scopes · Bot token" on https://docs.slack.dev/reference/methods/<method>).

Some depend on the conversation: reading one needs the read (or history) scope of its kind —
`channels:` for a public channel, `groups:` for a private one, `im:` for a DM and `mpim:`
for a group DM (https://api.slack.com/conversations-api). A call
whose scope the token was not granted is answered `missing_scope`, with what was `needed`
and what the token has (`provided`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from bot.emulator.app_settings import SCOPE_PREFIX

# One scope whatever the arguments; None: the method needs none.
FIXED_SCOPE: dict[str, str | None] = {
    "auth.test": None,
    "team.info": "team:read",
    # A public channel the bot is not in also needs chat:write.public; see WebApi.
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.getPermalink": None,
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "users.list": "users:read",
    # Views need no scope; the trigger_id (or the user, for a Home tab) is the permission.
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    # Socket Mode takes an app-level token (connections:write), never a bot token's scopes.
    "apps.connections.open": None,
}
# The scope's action for methods whose scope depends on the conversation they read.
BY_CONVERSATION: dict[str, str] = {
    "conversations.info": "read",
    "conversations.members": "read",
    "conversations.history": "history",
    "conversations.replies": "history",
}
# conversations.list needs the read scope of every `types` it is asked for (default public).
LIST_TYPES = {"public_channel": "public", "private_channel": "private", "im": "im", "mpim": "mpim"}
EMULATED = (
    frozenset(FIXED_SCOPE)
    | frozenset(BY_CONVERSATION)
    | {
        "conversations.list",
        "conversations.open",
    }
)


def needed_scopes(
    method: str, args: dict[str, Any], kind_of: Callable[[str], str | None]
) -> list[str]:
    """The scopes `method` needs with these arguments; `kind_of` says what kind of
    conversation a channel reference is (None when there is no such channel, which the
    method itself then answers)."""
    if method in BY_CONVERSATION:
        kind = kind_of(str(args.get("channel") or ""))
        return [f"{SCOPE_PREFIX[kind]}:{BY_CONVERSATION[method]}"] if kind else []
    if method == "conversations.list":
        asked = str(args.get("types") or "public_channel").split(",")
        kinds = [LIST_TYPES[t.strip()] for t in asked if t.strip() in LIST_TYPES]
        return [f"{SCOPE_PREFIX[kind]}:read" for kind in dict.fromkeys(kinds)]
    if method == "conversations.open":
        # One person opens a DM; several a group DM.
        people = [u for u in str(args.get("users") or "").split(",") if u]
        return ["mpim:write" if len(people) > 1 else "im:write"]
    scope = FIXED_SCOPE.get(method)
    return [scope] if scope else []


def missing_scope(needed: list[str], granted: Collection[str]) -> dict[str, Any] | None:
    """Slack's answer to a call the token lacks a scope for, or None when it has them all."""
    missing = [scope for scope in needed if scope not in granted]
    if not missing:
        return None
    return {
        "ok": False,
        "error": "missing_scope",
        "needed": ",".join(missing),
        "provided": ",".join(granted),
    }
