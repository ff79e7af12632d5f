"""The check-in DM's buttons and its note modal. Routing only: the button or the form is
parsed and handed to the desk (`bot.slack.checkins`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.checkins import ANSWERS
from bot.core.interactions import ActionId, CallbackId, CheckinAnswerValue, CheckinValue
from bot.listeners.background import after_ack, run_in_background
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack.checkins import CheckinDesk, read_note_form
from bot.slack.payloads import Click, tell_clicker

STALE = ":information_source: That button is out of date; use the newest check-in message."


def register(app: App) -> None:
    app.action(action_ids(ActionId.CHECKIN_ANSWER))(press)
    app.action(ActionId.CHECKIN_NOTE.value)(open_note)
    app.view(CallbackId.CHECKIN_NOTE.value)(submit_note)


@after_ack
def press(
    ack: Ack,
    click: Click,
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    value = click.value_as(CheckinAnswerValue)
    if value is None or value.answer not in ANSWERS:
        tell_clicker(click, STALE, respond, client)
        return
    CheckinDesk(services, client).answer(actor, value.checkin_id, value.answer, None, value.version)


def open_note(
    ack: Ack,
    click: Click,
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    """Opened in the listener, right after the ack: the trigger_id lasts three seconds."""
    ack()
    value = click.value_as(CheckinValue)
    if value is None or click.trigger_id is None:
        tell_clicker(click, STALE, respond, client)
        return
    CheckinDesk(services, client).open_note(actor, value.checkin_id, click.trigger_id)


def submit_note(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Actor,
    client: WebClient,
    services: Services,
) -> None:
    form = read_note_form(view)
    if isinstance(form, dict):
        ack(response_action="errors", errors=form)
        return
    ack()
    run_in_background(
        services,
        lambda: CheckinDesk(services, client).answer(
            actor, form.checkin_id, form.answer, form.note, form.version
        ),
        body=body,
        client=client,
    )
