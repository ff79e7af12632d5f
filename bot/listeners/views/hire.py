"""The "choose another outcome" modal: a decision that differs from the recommendation needs a reason."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.common import OUTCOME_LABELS, decode_value
from bot.blocks.text import storable
from bot.hiring.service import Snapshot
from bot.listeners import hire_flow
from bot.listeners.background import run_in_background
from bot.services import Services


def register(app: App) -> None:
    app.view(hire_blocks.OVERRIDE_CALLBACK)(submit_override)
    app.view(hire_blocks.CHANGE_CALLBACK)(submit_override)
    app.view(hire_blocks.REOPEN_CALLBACK)(submit_reopen)


def _submitted(view: dict[str, Any]) -> tuple[str | None, str]:
    values = view.get("state", {}).get("values", {})
    outcome_entry = values.get(hire_blocks.OVERRIDE_OUTCOME_BLOCK, {}).get("value", {})
    reason_entry = values.get(hire_blocks.OVERRIDE_REASON_BLOCK, {}).get("value", {})
    outcome = (outcome_entry.get("selected_option") or {}).get("value")
    return outcome, " ".join(storable(str(reason_entry.get("value") or "")).split())


def _conversation(
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
    what: str,
) -> tuple[hire_flow.Context, Snapshot] | None:
    """The modal's conversation, if the submitter may still act on it (they are told if not)."""
    conversation_id = decode_value(view.get("private_metadata")).get("c")
    ctx = hire_flow.build_context(services, client, context, body["user"]["id"])
    if not isinstance(conversation_id, int):
        return None
    snapshot = ctx.hiring.get(ctx.workspace_id, conversation_id)
    if snapshot is None:
        return None
    if not hire_flow.may_act(ctx, snapshot):
        hire_flow.refuse(ctx, snapshot, what)
        return None
    return ctx, snapshot


def submit_override(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    outcome, reason = _submitted(view)
    changing = view.get("callback_id") == hire_blocks.CHANGE_CALLBACK
    errors = {}
    if outcome not in OUTCOME_LABELS:
        errors[hire_blocks.OVERRIDE_OUTCOME_BLOCK] = "Choose what you decided."
    if len(reason) < 3:
        errors[hire_blocks.OVERRIDE_REASON_BLOCK] = (
            "Say why in a few words; it is kept with the decision."
        )
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()

    def work() -> None:
        found = _conversation(body, view, client, context, services, "record the decision")
        if found is None:
            return
        ctx, snapshot = found
        assert outcome is not None
        if changing:
            hire_flow.change_decision(ctx, snapshot, outcome, reason[:1000])
        else:
            hire_flow.decide(ctx, snapshot, outcome, reason[:1000])

    run_in_background(services, work, body=body)


def submit_reopen(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    _, reason = _submitted(view)
    if len(reason) < 3:
        ack(
            response_action="errors",
            errors={
                hire_blocks.OVERRIDE_REASON_BLOCK: "Say why in a few words; it is kept in the history."
            },
        )
        return
    ack()

    def work() -> None:
        found = _conversation(body, view, client, context, services, "reopen the decision")
        if found is not None:
            hire_flow.reopen(found[0], found[1], reason[:1000])

    run_in_background(services, work, body=body)
