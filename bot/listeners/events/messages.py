"""Replies in a hiring thread and messages in the bot's DM. Routing only: the event is read
into what someone typed (or nothing worth reading) and handed to the desk
(bot.slack.replies), after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.listeners.background import after_ack
from bot.services import Services
from bot.slack.replies import ReplyDesk, read_message


def register(app: App) -> None:
    app.event("message")(thread_reply)


@after_ack
def thread_reply(
    body: dict[str, Any],
    event: dict[str, Any],
    actor: Actor | None,
    client: WebClient,
    services: Services,
) -> None:
    typed = read_message(event, body.get("event_id"))
    if typed is not None and actor is not None:
        ReplyDesk(services, client).take(typed, actor)
