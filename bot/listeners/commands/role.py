"""`/role`: explain a role, compare two, or run the self-check. Answered in the ack itself,
so the user sees it at once and no Web API call is needed (bot.slack.role)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.core.typed_text import from_slack
from bot.slack.role import role_reply


def register(app: App) -> None:
    app.command("/role")(handle_role)


def handle_role(ack: Ack, command: dict[str, Any]) -> None:
    message, public = role_reply(from_slack(command.get("text") or ""), command["user_id"])
    ack(response_type="in_channel" if public else "ephemeral", **message.as_kwargs())
