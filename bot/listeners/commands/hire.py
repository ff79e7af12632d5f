"""`/hire`: start a guided hiring conversation, and the decision log's commands."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.text import user_text
from bot.core.checkins import CheckinSetting
from bot.core.hire_command import (
    CancelConversation,
    Digest,
    DigestManagers,
    Help,
    Invalid,
    RestartConversation,
    Start,
    parse_hire_command,
)
from bot.core.typed_text import from_slack
from bot.hiring.conversations import Team
from bot.listeners import hire_flow
from bot.listeners.background import run_in_background
from bot.listeners.commands import digest, hire_log
from bot.services import Services
from bot.slack.checkins import CheckinDesk
from bot.slack.hire import HireDesk, Origin

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.command("/hire")(handle_hire)


def _typed(text: str | None) -> str | None:
    return from_slack(text) if text else None


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
        help_message = hire_blocks.hire_help_message(_typed(parsed.title))
        ack(response_type="ephemeral", **help_message.as_kwargs())
        return
    if isinstance(parsed, Invalid):
        message = hire_blocks.problem_message(
            f"I didn't understand that: {user_text(from_slack(parsed.problem), 200)}.",
            f"Usage: `{parsed.usage}` · `/hire help` for more",
            start_title=_typed(parsed.title),
        )
        ack(response_type="ephemeral", **message.as_kwargs())
        return
    ack()

    origin = Origin(
        team=Team(str(context.get("team_id") or ""), context.get("enterprise_id")),
        user=command["user_id"],
        channel=command["channel_id"],
        channel_name=command.get("channel_name"),
    )

    def work() -> None:
        if isinstance(parsed, Start):
            problem = HireDesk(services, client).start(origin, from_slack(parsed.title))
            if problem is not None:
                respond(response_type="ephemeral", text=problem)
            return
        if isinstance(parsed, CancelConversation):
            reason = from_slack(parsed.reason) if parsed.reason else None
            said = HireDesk(services, client).cancel(origin, parsed.conversation_id, reason)
            respond(response_type="ephemeral", text=said)
            return
        if isinstance(parsed, RestartConversation):
            desk = HireDesk(services, client)
            said = desk.restart(origin, parsed.conversation_id, origin.channel)
            respond(response_type="ephemeral", text=said)
            return
        ctx = hire_flow.build_context(services, client, context, command["user_id"])
        if isinstance(parsed, Digest | DigestManagers):
            digest.handle_digest(ctx, parsed, command, respond)
        elif isinstance(parsed, CheckinSetting):
            said = CheckinDesk(services, client).setting(ctx.workspace_id, ctx.user, parsed)
            respond(response_type="ephemeral", text=said)
        else:
            hire_log.handle(ctx, parsed, command, respond)

    run_in_background(services, work, body=command, respond=respond)
