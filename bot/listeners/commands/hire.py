"""`/hire`: start a guided hiring conversation, and the decision log's commands. Routing only:
the text is parsed into one command (bot.core.hire_command), answered in the ack when it needs
nothing more, and otherwise handed to its desk after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.checkins import CheckinSetting
from bot.core.hire_command import (
    CancelConversation,
    Digest,
    DigestManagers,
    Export,
    HireCommand,
    ListConversations,
    RestartConversation,
    Show,
    Start,
    parse_hire_command,
)
from bot.core.typed_text import from_slack
from bot.listeners.background import run_in_background
from bot.services import Services
from bot.slack.checkins import CheckinDesk
from bot.slack.commands import answer_at_once
from bot.slack.digest import DigestDesk
from bot.slack.hire import HireDesk, Origin
from bot.slack.log import HireLogDesk
from bot.slack.payloads import respond_privately


def register(app: App) -> None:
    app.command("/hire")(handle_hire)


def handle_hire(
    ack: Ack,
    command: dict[str, Any],
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    parsed = parse_hire_command(command.get("text"))
    at_once = answer_at_once(parsed)
    if at_once is not None:
        ack(response_type="ephemeral", **at_once.as_kwargs())
        return
    ack()
    origin = Origin(
        actor=actor, channel=command["channel_id"], channel_name=command.get("channel_name")
    )
    run_in_background(
        services,
        lambda: _carry_out(parsed, origin, client, services, respond),
        body=command,
        respond=respond,
    )


def _carry_out(
    parsed: HireCommand, origin: Origin, client: WebClient, services: Services, respond: Respond
) -> None:
    """Hand the command to its desk, and answer privately with what the desk says."""
    actor = origin.actor
    if isinstance(parsed, Start):
        said = HireDesk(services, client).start(origin, from_slack(parsed.title))
        respond_privately(respond, said)
    elif isinstance(parsed, CancelConversation):
        reason = from_slack(parsed.reason) if parsed.reason else None
        said = HireDesk(services, client).cancel(origin, parsed.conversation_id, reason)
        respond_privately(respond, said)
    elif isinstance(parsed, RestartConversation):
        said = HireDesk(services, client).restart(origin, parsed.conversation_id, origin.channel)
        respond_privately(respond, said)
    elif isinstance(parsed, Digest | DigestManagers):
        respond_privately(respond, DigestDesk(services, client).handle(actor, parsed))
    elif isinstance(parsed, CheckinSetting):
        respond_privately(respond, CheckinDesk(services, client).setting(actor, parsed))
    elif isinstance(parsed, ListConversations):
        respond_privately(respond, HireLogDesk(services, client).list(actor, parsed))
    elif isinstance(parsed, Show):
        respond_privately(
            respond, HireLogDesk(services, client).show(actor, parsed.conversation_id)
        )
    elif isinstance(parsed, Export):
        respond_privately(respond, HireLogDesk(services, client).export(actor, parsed.since))
