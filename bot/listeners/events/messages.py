"""Replies in a hiring thread: an answer when they name an option, otherwise a note."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.text import from_slack
from bot.content.criteria import match_option
from bot.listeners import hire_flow
from bot.listeners.background import after_ack
from bot.services import Services

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
    event: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not thread_ts or thread_ts == ts:
        return
    ctx = hire_flow.build_context(services, client, context, event["user"])
    snapshot = ctx.hiring.find_by_thread(ctx.workspace_id, event.get("channel", ""), thread_ts)
    if snapshot is None:
        return
    text = from_slack(event.get("text") or "")
    question = (
        ctx.hiring.question_at(snapshot.current_step) if snapshot.state == "in_progress" else None
    )
    option = match_option(question, text) if question is not None else None
    if option is not None and question is not None:
        if hire_flow.may_act(ctx, snapshot):
            hire_flow.apply_answer(ctx, snapshot, snapshot.current_step, option.key)
            return
        hire_flow.tell(
            ctx,
            snapshot.channel_id,
            f":memo: Kept as a note. Only <@{snapshot.started_by}> or an admin can answer the "
            "questions.",
            thread_ts,
        )
    ctx.hiring.add_note(ctx.workspace_id, snapshot.id, ctx.user, text, str(ts), ctx.now)
