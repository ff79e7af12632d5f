"""`/hire list|show|export|digest`: reading the decision log from Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.blocks import hire as hire_blocks
from bot.core.hire_command import HireCommand
from bot.listeners import hire_flow


def handle(
    ctx: hire_flow.Context, parsed: HireCommand, command: dict[str, Any], respond: Respond
) -> None:
    message = hire_blocks.problem_message(
        "That part of the decision log isn't available in this version yet.",
        "Start a decision with `/hire <position>`; `/hire help` lists everything.",
    )
    respond(response_type="ephemeral", **message.as_kwargs())
