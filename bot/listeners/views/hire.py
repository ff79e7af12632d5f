"""The decision modals: another outcome (with a reason), change, reopen. Routing only: the
form is checked before the ack (so Slack can show the errors in the modal), then the
submission becomes a typed event for the desk (bot.slack.hire)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.common import OUTCOME_LABELS
from bot.core.interactions import CallbackId
from bot.core.typed_text import storable
from bot.listeners.background import run_in_background
from bot.services import Services
from bot.slack.hire import HireDesk, Origin, modal_event
from bot.slack.payloads import read_metadata, team_of

REASON_LIMIT = 1000


DECISION_MODALS = (
    CallbackId.HIRE_OVERRIDE,
    CallbackId.HIRE_CHANGE,
    CallbackId.HIRE_REOPEN,
    CallbackId.HIRE_NOT_HIRING,
)
# Forms that ask only why: the outcome is the button's (reopen) or fixed (not hiring now).
REASON_ONLY = {CallbackId.HIRE_REOPEN, CallbackId.HIRE_NOT_HIRING}


def register(app: App) -> None:
    for callback in DECISION_MODALS:
        app.view(callback.value)(submit)


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
    callback = CallbackId(view["callback_id"])  # Bolt routed it here by this id
    outcome, reason = _submitted(view)
    errors = {}
    if callback not in REASON_ONLY and outcome not in OUTCOME_LABELS:
        errors[hire_blocks.OVERRIDE_OUTCOME_BLOCK] = "Choose what you decided."
    if len(reason) < 3:
        errors[hire_blocks.OVERRIDE_REASON_BLOCK] = (
            "Say why in a few words; it is kept with the decision."
        )
    asked = modal_event(callback, read_metadata(view), outcome, reason)
    if errors or asked is None:
        ack(
            response_action="errors",
            errors=errors
            or {
                hire_blocks.OVERRIDE_REASON_BLOCK: "This form is out of date: close it and start again from the thread."
            },
        )
        return
    ack()
    conversation_id, event = asked
    origin = Origin(team=team_of(context), user=str(body["user"]["id"]), channel="")
    what = "reopen the decision" if callback is CallbackId.HIRE_REOPEN else "record the decision"
    run_in_background(
        services,
        lambda: HireDesk(services, client).act(origin, conversation_id, event, what),
        body=body,
        client=client,
    )
