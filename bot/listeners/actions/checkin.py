"""The check-in DM's buttons and its note modal. Routing only: the button or the form is
parsed and handed to the desk (`bot.slack.checkins`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import checkin as checkin_blocks
from bot.core.checkins import ANSWERS, NOTE_LIMIT
from bot.core.interactions import ActionId, CallbackId, CheckinAnswerValue, CheckinValue
from bot.core.typed_text import storable
from bot.listeners import hire_flow
from bot.listeners.background import after_ack, run_in_background
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack.checkins import CheckinDesk
from bot.slack.payloads import Click, read_metadata, tell_clicker

STALE = ":information_source: That button is out of date; use the newest check-in message."


def register(app: App) -> None:
    app.action(action_ids(ActionId.CHECKIN_ANSWER))(press)
    app.action(ActionId.CHECKIN_NOTE.value)(open_note)
    app.view(CallbackId.CHECKIN_NOTE.value)(submit_note)


@after_ack
def press(
    ack: Ack,
    click: Click,
    client: WebClient,
    context: dict[str, Any],
    services: Services,
    respond: Respond,
) -> None:
    value = click.value_as(CheckinAnswerValue)
    if value is None or value.answer not in ANSWERS:
        tell_clicker(click, STALE, respond, client)
        return
    ctx = hire_flow.build_context(services, client, context, click.user)
    CheckinDesk(services, client).answer(
        ctx.workspace_id, click.user, value.checkin_id, value.answer, None, value.version
    )


def open_note(
    ack: Ack,
    click: Click,
    client: WebClient,
    context: dict[str, Any],
    services: Services,
    respond: Respond,
) -> None:
    """Opened in the listener, right after the ack: the trigger_id lasts three seconds, and
    the form shows the answer and note that stand (one read)."""
    ack()
    value = click.value_as(CheckinValue)
    if value is None or click.trigger_id is None:
        tell_clicker(click, STALE, respond, client)
        return
    ctx = hire_flow.build_context(services, client, context, click.user)
    CheckinDesk(services, client).open_note(
        ctx.workspace_id, click.user, value.checkin_id, click.trigger_id
    )


def submit_note(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    values = view.get("state", {}).get("values", {})
    answer_entry = values.get(checkin_blocks.NOTE_ANSWER_BLOCK, {}).get("value", {})
    answer = (answer_entry.get("selected_option") or {}).get("value")
    note_entry = values.get(checkin_blocks.NOTE_TEXT_BLOCK, {}).get("value", {})
    # Kept as typed, minus what no database stores; escaped whenever it is shown.
    note = storable(str(note_entry.get("value") or "")).strip()[:NOTE_LIMIT] or None
    drawn = read_metadata(view)
    if answer not in ANSWERS or not isinstance(drawn, CheckinValue):
        problem = (
            "Choose an answer."
            if isinstance(drawn, CheckinValue)
            else "This form is out of date; close it."
        )
        ack(response_action="errors", errors={checkin_blocks.NOTE_ANSWER_BLOCK: problem})
        return
    ack()
    user = str(body["user"]["id"])

    def work() -> None:
        ctx = hire_flow.build_context(services, client, context, user)
        CheckinDesk(services, client).answer(
            ctx.workspace_id, user, drawn.checkin_id, str(answer), note, drawn.version
        )

    run_in_background(services, work, body=body, client=client)
