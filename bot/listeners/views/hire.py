"""The decision modals: another outcome (with a reason), change, reopen. Routing only: the
form is read and checked before the ack (so Slack can show the errors in the modal), then
its event goes to the desk (bot.slack.hire)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.interactions import CallbackId
from bot.listeners.background import run_in_background
from bot.services import Services
from bot.slack.hire import HireDesk, Origin, read_decision_form

DECISION_MODALS = (
    CallbackId.HIRE_OVERRIDE,
    CallbackId.HIRE_CHANGE,
    CallbackId.HIRE_REOPEN,
    CallbackId.HIRE_NOT_HIRING,
)


def register(app: App) -> None:
    for callback in DECISION_MODALS:
        app.view(callback.value)(submit)


def submit(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Actor,
    client: WebClient,
    services: Services,
) -> None:
    form = read_decision_form(view)
    if isinstance(form, dict):
        ack(response_action="errors", errors=form)
        return
    ack()
    origin = Origin(actor=actor, channel="")
    run_in_background(
        services,
        lambda: HireDesk(services, client).act(origin, form.conversation_id, form.event, form.what),
        body=body,
        client=client,
    )
