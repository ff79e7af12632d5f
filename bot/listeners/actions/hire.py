"""Buttons of the hiring conversation: answer, back, cancel, and the three decisions."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.common import decode_value
from bot.hiring.service import Snapshot
from bot.listeners import hire_flow
from bot.listeners.background import after_ack
from bot.services import Services


def register(app: App) -> None:
    app.action(re.compile(rf"^{hire_blocks.ANSWER_ACTION}:"))(answer)
    app.action(hire_blocks.BACK_ACTION)(back)
    app.action(hire_blocks.CANCEL_ACTION)(cancel)
    app.action(hire_blocks.ACCEPT_ACTION)(accept)
    app.action(hire_blocks.NOT_HIRING_ACTION)(not_hiring)
    app.action(hire_blocks.OVERRIDE_ACTION)(override)
    app.action(hire_blocks.CHANGE_ACTION)(change)
    app.action(hire_blocks.REOPEN_ACTION)(reopen)


def _open(
    body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services, what: str
) -> tuple[hire_flow.Context, Snapshot, dict[str, Any]] | None:
    """Who clicked what on which conversation; None (after telling them) if they can't."""
    value = decode_value((body.get("actions") or [{}])[0].get("value"))
    ctx = hire_flow.build_context(services, client, context, body["user"]["id"])
    conversation_id = value.get("c")
    snapshot = (
        ctx.hiring.get(ctx.workspace_id, conversation_id)
        if isinstance(conversation_id, int)
        else None
    )
    if snapshot is None:
        channel = (body.get("channel") or {}).get("id") or ""
        hire_flow.tell(ctx, channel, f":information_source: {hire_flow.STALE_TEXT['not_found']}")
        return None
    if not hire_flow.may_act(ctx, snapshot):
        hire_flow.refuse(ctx, snapshot, what)
        return None
    return ctx, snapshot, value


@after_ack
def answer(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    opened = _open(body, client, context, services, "answer the questions")
    if opened is None:
        return
    ctx, snapshot, value = opened
    step, option = value.get("s"), value.get("o")
    if not isinstance(step, int) or not isinstance(option, str):
        hire_flow.tell(
            ctx, snapshot.channel_id, hire_flow.STALE_TEXT["unknown_option"], snapshot.root_ts
        )
        return
    hire_flow.apply_answer(ctx, snapshot, step, option)


@after_ack
def back(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    opened = _open(body, client, context, services, "change the answers")
    if opened is None:
        return
    ctx, snapshot, value = opened
    step = value.get("s")
    if isinstance(step, int):
        hire_flow.go_back(ctx, snapshot, step)


@after_ack
def cancel(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    opened = _open(body, client, context, services, "cancel this conversation")
    if opened is not None:
        hire_flow.cancel(opened[0], opened[1])


def _in_state(
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
    what: str,
    state: str,
) -> tuple[hire_flow.Context, Snapshot] | None:
    """The clicked conversation if the clicker may act and it is still in `state`."""
    opened = _open(body, client, context, services, what)
    if opened is None:
        return None
    ctx, snapshot, _ = opened
    if snapshot.state != state or (state == "decided" and snapshot.decision is None):
        why = "not_decided" if state == "decided" else "not_awaiting_decision"
        hire_flow.explain_stale(
            ctx, hire_flow.Stale(snapshot, why), snapshot.channel_id, snapshot.root_ts
        )
        return None
    return ctx, snapshot


@after_ack
def accept(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    found = _in_state(body, client, context, services, "record the decision", "awaiting_decision")
    if found is not None:
        ctx, snapshot = found
        hire_flow.decide(ctx, snapshot, ctx.hiring.recommendation_for(snapshot).outcome, None)


@after_ack
def not_hiring(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    opened = _open(body, client, context, services, "record the decision")
    if opened is not None:
        hire_flow.decide(opened[0], opened[1], "not_hiring", None)


@after_ack
def override(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    found = _in_state(body, client, context, services, "record the decision", "awaiting_decision")
    if found is not None:
        ctx, snapshot = found
        rec = ctx.hiring.recommendation_for(snapshot)
        client.views_open(
            trigger_id=body["trigger_id"],
            view=hire_blocks.override_modal(snapshot.id, rec.outcome, snapshot.title),
        )


@after_ack
def change(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    found = _in_state(body, client, context, services, "change the decision", "decided")
    if found is not None:
        _, snapshot = found
        assert snapshot.decision is not None
        client.views_open(
            trigger_id=body["trigger_id"],
            view=hire_blocks.override_modal(
                snapshot.id,
                snapshot.decision.recommendation,
                snapshot.title,
                changing_from=snapshot.decision.final_outcome,
            ),
        )


@after_ack
def reopen(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    found = _in_state(body, client, context, services, "reopen the decision", "decided")
    if found is not None:
        _, snapshot = found
        assert snapshot.decision is not None
        client.views_open(
            trigger_id=body["trigger_id"],
            view=hire_blocks.reopen_modal(
                snapshot.id, snapshot.title, snapshot.decision.final_outcome
            ),
        )
