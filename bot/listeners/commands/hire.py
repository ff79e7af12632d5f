"""`/hire`: start a guided hiring conversation, and the decision log's commands."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks.text import from_slack, user_text
from bot.core.hire_command import Help, Invalid, Start, parse_hire_command
from bot.listeners import hire_flow
from bot.listeners.background import run_in_background
from bot.listeners.commands import hire_log
from bot.services import Services

log = logging.getLogger(__name__)

CANNOT_POST = {
    "channel_not_found": "I can't post in this conversation. Invite me with `/invite @hiring-bot` "
    "(private channels and DMs need that), or start the decision in a public channel.",
    "is_archived": "This channel is archived, so I can't start a conversation here.",
    "not_in_channel": "I'm not a member of this channel. Invite me with `/invite @hiring-bot`.",
    "method_not_supported_for_channel_type": "I can't join this kind of conversation by myself. "
    "Invite me with `/invite @hiring-bot`, or use a public channel.",
}


def register(app: App) -> None:
    app.command("/hire")(handle_hire)
    hire_log.register(app)


def handle_hire(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
    respond: Respond,
) -> None:
    parsed = parse_hire_command(command.get("text"))
    if isinstance(parsed, Help):
        ack(response_type="ephemeral", **hire_blocks.hire_help_message().as_kwargs())
        return
    if isinstance(parsed, Invalid):
        message = hire_blocks.problem_message(
            f"I didn't understand that: {user_text(from_slack(parsed.problem), 200)}.",
            f"Usage: `{parsed.usage}` · `/hire help` for more",
        )
        ack(response_type="ephemeral", **message.as_kwargs())
        return
    ack()

    def work() -> None:
        ctx = hire_flow.build_context(services, client, context, command["user_id"])
        if isinstance(parsed, Start):
            start(ctx, from_slack(parsed.title), command["channel_id"], respond)
        else:
            hire_log.handle(ctx, parsed, command, respond)

    run_in_background(services, work, body=command, respond=respond)


def _post_root(ctx: hire_flow.Context, channel: str, message: Any) -> str:
    """Post the root message, joining a public channel first if the bot isn't in it yet."""
    try:
        return str(ctx.client.chat_postMessage(channel=channel, **message.as_kwargs())["ts"])
    except SlackApiError as error:
        if error.response.get("error") != "not_in_channel":
            raise
    ctx.client.conversations_join(channel=channel)
    return str(ctx.client.chat_postMessage(channel=channel, **message.as_kwargs())["ts"])


def start(ctx: hire_flow.Context, title: str, channel: str, respond: Respond) -> None:
    snapshot = ctx.hiring.start(ctx.workspace_id, title, ctx.user, channel, ctx.now)
    root = hire_blocks.root_message(hire_flow.summary(ctx, snapshot))
    try:
        root_ts = _post_root(ctx, channel, root)
    except SlackApiError as error:
        code = str(error.response.get("error"))
        log.info("could not start a conversation in %s: %s", channel, code)
        ctx.hiring.abandon(ctx.workspace_id, snapshot.id)
        respond(
            response_type="ephemeral",
            text=f":warning: {CANNOT_POST.get(code, 'Slack refused the message (' + code + '). Please try again.')}",
        )
        return
    ctx.hiring.set_message_ts(ctx.workspace_id, snapshot.id, root_ts=root_ts)
    snapshot = ctx.hiring.get(ctx.workspace_id, snapshot.id)
    assert snapshot is not None
    hire_flow.ask(ctx, snapshot, 0)
