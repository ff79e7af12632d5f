"""The check-in DM's buttons and its note modal. Routing only: the button or the form is
parsed and handed to the desk (`bot.slack.checkins`)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import checkin as checkin_blocks
from bot.blocks.common import decode_value
from bot.core.checkins import ANSWERS, NOTE_LIMIT
from bot.core.typed_text import storable
from bot.listeners import hire_flow
from bot.listeners.background import after_ack, run_in_background
from bot.services import Services
from bot.slack.checkins import CheckinDesk
from bot.slack.deliver import Delivery

STALE = ":information_source: That button is out of date; use the newest check-in message."


def register(app: App) -> None:
    app.action(re.compile(rf"^{re.escape(checkin_blocks.ANSWER_ACTION_PREFIX)}"))(press)
    app.action(checkin_blocks.NOTE_ACTION)(open_note)
    app.view(checkin_blocks.NOTE_CALLBACK)(submit_note)


def _checkin(value: dict[str, Any]) -> tuple[int, int] | None:
    """(check-in, version the message was drawn for) from a button value or the modal."""
    checkin_id, version = value.get("k"), value.get("v")
    if isinstance(checkin_id, int) and isinstance(version, int) and checkin_id > 0:
        return checkin_id, version
    return None


@after_ack
def press(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    value = decode_value((body.get("actions") or [{}])[0].get("value"))
    user = str(body["user"]["id"])
    parsed = _checkin(value)
    if parsed is None or value.get("a") not in ANSWERS:
        Delivery(client).tell_directly(user, STALE)
        return
    ctx = hire_flow.build_context(services, client, context, user)
    CheckinDesk(services, client).answer(
        ctx.workspace_id, user, parsed[0], str(value["a"]), None, parsed[1]
    )


def open_note(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    """Opened in the listener, right after the ack: the trigger_id lasts three seconds, and
    the form shows the answer and note that stand (one read)."""
    ack()
    value = decode_value((body.get("actions") or [{}])[0].get("value"))
    user = str(body["user"]["id"])
    parsed = _checkin(value)
    if parsed is None:
        Delivery(client).tell_directly(user, STALE)
        return
    ctx = hire_flow.build_context(services, client, context, user)
    CheckinDesk(services, client).open_note(ctx.workspace_id, user, parsed[0], body["trigger_id"])


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
    parsed = _checkin(decode_value(view.get("private_metadata")))
    if answer not in ANSWERS or parsed is None:
        problem = "Choose an answer." if parsed else "This form is out of date; close it."
        ack(response_action="errors", errors={checkin_blocks.NOTE_ANSWER_BLOCK: problem})
        return
    ack()
    user = str(body["user"]["id"])

    def work() -> None:
        ctx = hire_flow.build_context(services, client, context, user)
        CheckinDesk(services, client).answer(
            ctx.workspace_id, user, parsed[0], str(answer), note, parsed[1]
        )

    run_in_background(services, work, body=body, client=client)
