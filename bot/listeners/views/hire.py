"""The decision modals: another outcome (with a reason), change, reopen. Routing only: the
form is checked before the ack (so Slack can show the errors in the modal), then the
submission becomes a typed event for the desk (bot.slack.hire)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.common import OUTCOME_LABELS
from bot.core.typed_text import storable
from bot.hiring.conversations import Team
from bot.listeners.background import run_in_background
from bot.services import Services
from bot.slack.hire import HireDesk, Origin, modal_event

REASON_LIMIT = 1000


def register(app: App) -> None:
    app.view(hire_blocks.OVERRIDE_CALLBACK)(submit)
    app.view(hire_blocks.CHANGE_CALLBACK)(submit)
    app.view(hire_blocks.REOPEN_CALLBACK)(submit)
    app.view(hire_blocks.NOT_HIRING_CALLBACK)(submit)


def _submitted(view: dict[str, Any]) -> tuple[str | None, str]:
    values = view.get("state", {}).get("values", {})
    outcome_entry = values.get(hire_blocks.OVERRIDE_OUTCOME_BLOCK, {}).get("value", {})
    reason_entry = values.get(hire_blocks.OVERRIDE_REASON_BLOCK, {}).get("value", {})
    outcome = (outcome_entry.get("selected_option") or {}).get("value")
    reason = " ".join(storable(str(reason_entry.get("value") or "")).split())
    return (outcome if isinstance(outcome, str) else None), reason[:REASON_LIMIT]


def submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    callback_id = view.get("callback_id")
    outcome, reason = _submitted(view)
    errors = {}
    reason_only = {hire_blocks.REOPEN_CALLBACK, hire_blocks.NOT_HIRING_CALLBACK}
    if callback_id not in reason_only and outcome not in OUTCOME_LABELS:
        errors[hire_blocks.OVERRIDE_OUTCOME_BLOCK] = "Choose what you decided."
    if len(reason) < 3:
        errors[hire_blocks.OVERRIDE_REASON_BLOCK] = (
            "Say why in a few words; it is kept with the decision."
        )
    parsed = modal_event(str(callback_id), view.get("private_metadata"), outcome, reason)
    if errors or parsed is None:
        ack(
            response_action="errors",
            errors=errors
            or {
                hire_blocks.OVERRIDE_REASON_BLOCK: "This form is out of date: close it and start again from the thread."
            },
        )
        return
    ack()
    conversation_id, event = parsed
    origin = Origin(
        team=Team(str(context.get("team_id") or ""), context.get("enterprise_id")),
        user=str(body["user"]["id"]),
        channel="",
    )
    what = (
        "reopen the decision"
        if callback_id == hire_blocks.REOPEN_CALLBACK
        else "record the decision"
    )
    run_in_background(
        services,
        lambda: HireDesk(services, client).act(origin, conversation_id, event, what),
        body=body,
        client=client,
    )
