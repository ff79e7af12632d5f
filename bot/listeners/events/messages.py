"""Replies in a hiring thread: an answer when they name an option, otherwise a note.

Routing only. Cheap filters first (not a thread reply, a bot, an edit), then the event is
claimed once (Slack retries events it thinks we missed), then the desk acts on it.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.conversation import refusal
from bot.blocks.text import from_slack
from bot.content.criteria import match_option
from bot.core.conversation import Answer, Note, State
from bot.core.hire import NotDone
from bot.hiring.conversations import Team
from bot.hiring.events import first_time
from bot.listeners.background import after_ack
from bot.services import Services
from bot.slack.hire import HireDesk, Origin

IGNORED_SUBTYPES = {
    "message_changed",
    "message_deleted",
    "bot_message",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
}


def register(app: App) -> None:
    app.event("message")(thread_reply)


@after_ack
def thread_reply(
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not thread_ts or thread_ts == ts or not ts:
        return
    team = Team(str(context.get("team_id") or ""), context.get("enterprise_id"))
    desk = HireDesk(services, client)
    now = services.clock.now()
    view = desk.conversations.find_by_thread(team, str(event.get("channel") or ""), thread_ts, now)
    if view is None:
        return
    if not first_time(services.session_factory, body.get("event_id"), team.team_id, now):
        return
    user = str(event["user"])
    origin = Origin(team=team, user=user, channel=view.channel_id)
    text = from_slack(event.get("text") or "")
    question = desk.criteria.questions[view.step] if view.state is State.IN_PROGRESS else None
    option = match_option(question, text) if question is not None else None
    if option is not None:
        answered = desk.act(
            origin,
            view.id,
            Answer(view.step, option.key, view.version),
            "answer the questions",
            tell_refusal=False,
        )
        if not isinstance(answered, NotDone):
            return
        if answered.reason != "not_allowed":
            desk.delivery.tell(view.channel_id, user, refusal(answered, ""), view.root_ts)
            return
        desk.delivery.tell(
            view.channel_id,
            user,
            f":memo: Kept as a note. Only <@{view.started_by}> or an admin can answer the "
            "questions.",
            view.root_ts,
        )
        desk.conversations.act(team, view.id, Note(text, str(ts)), user, now)
        return
    desk.act(origin, view.id, Note(text, str(ts)), "add a note")
