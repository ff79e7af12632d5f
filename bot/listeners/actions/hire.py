"""Buttons of the hiring conversation. Routing only: each button is parsed into a typed event
and handed to the desk (bot.slack.hire), after the ack; the decision modals open at once,
from the button alone, while the trigger_id is still valid."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.common import notice_modal
from bot.core.hire_command import COMMAND_MAX
from bot.core.typed_text import storable
from bot.listeners.background import after_ack, run_in_background
from bot.services import Services
from bot.slack import modals
from bot.slack.deliver import Delivery
from bot.slack.hire import Clicked, HireDesk, button_event, clicked, origin_of

STALE_BUTTON = (
    ":information_source: That button is from an older version of this conversation. "
    "Use the newest message in the thread."
)
WHAT = {
    hire_blocks.BACK_ACTION: "change the answers",
    hire_blocks.CANCEL_ACTION: "cancel this conversation",
    hire_blocks.OPENINGS_ACTION: "say how many people the team can hire",
}


def register(app: App) -> None:
    app.action(re.compile(rf"^{hire_blocks.ANSWER_ACTION}:"))(press)
    for action_id in (
        hire_blocks.BACK_ACTION,
        hire_blocks.CANCEL_ACTION,
        hire_blocks.ACCEPT_ACTION,
        hire_blocks.OPENINGS_ACTION,
    ):
        app.action(action_id)(press)
    app.action(hire_blocks.NOT_HIRING_ACTION)(open_decision_modal)
    app.action(hire_blocks.OVERRIDE_ACTION)(open_decision_modal)
    app.action(hire_blocks.CHANGE_ACTION)(open_decision_modal)
    app.action(hire_blocks.REOPEN_ACTION)(open_decision_modal)
    app.action(hire_blocks.START_TITLED_ACTION)(start_titled)


@after_ack
def press(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    action = (body.get("actions") or [{}])[0]
    action_id = str(action.get("action_id") or "")
    origin = origin_of(body, context)
    desk = HireDesk(services, client)
    click = clicked(action)
    event = None if click is None else button_event(action_id, click)
    if click is None or event is None:
        desk.delivery.tell(origin.channel, origin.user, STALE_BUTTON)
        return
    what = WHAT.get(action_id, "answer the questions")
    if action_id == hire_blocks.ACCEPT_ACTION:
        what = "record the decision"
    desk.act(origin, click.conversation_id, event, what)


@after_ack
def start_titled(
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
    respond: Respond,
) -> None:
    """ "Start “…”" under `/hire <title that began with a command word>`: a conversation with
    exactly that title, here, by whoever clicked (as `/hire start <title>` would). The offer
    is ephemeral, so it goes once started; a second click on it starts nothing."""
    action = (body.get("actions") or [{}])[0]
    title = storable(str(action.get("value") or "")).strip()
    origin = origin_of(body, context)
    if not title or len(title) > COMMAND_MAX:
        respond(replace_original=True, text=STALE_BUTTON)
        return
    offer = (body.get("container") or {}).get("message_ts")
    # One start per offer and person, across replicas: the key goes where Slack's event ids
    # do (bounded, whatever a forged payload holds).
    seed = f"{origin.team.team_id}:{origin.channel}:{offer}:{origin.user}".encode()
    once = "start-offer:" + hashlib.sha256(seed).hexdigest()[:40]
    problem = HireDesk(services, client).start(origin, title, once=once)
    if problem is None:
        respond(delete_original=True)
    else:
        respond(replace_original=True, text=problem)


def open_decision_modal(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """Open the modal straight from the ack path, with views.open the first Web API call:
    it needs nothing but the button's value (no database read), and Slack's trigger_id
    expires three seconds after the click. The button names who started the conversation;
    for anyone else the modal opens checking, then becomes the form for a workspace admin
    and says who may decide for anyone else. The submission is checked again."""
    ack()
    action = (body.get("actions") or [{}])[0]
    click = clicked(action)
    origin = origin_of(body, context)
    action_id = action.get("action_id")
    needs_outcome = action_id != hire_blocks.NOT_HIRING_ACTION
    if click is None or (needs_outcome and click.outcome is None):
        Delivery(client).tell(origin.channel, origin.user, STALE_BUTTON)
        return
    view = _decision_form(str(action_id), click)
    if origin.user == click.started_by:
        client.views_open(trigger_id=body["trigger_id"], view=view)
        return
    what = "reopen the decision" if action_id == hire_blocks.REOPEN_ACTION else "decide"
    modal = modals.open_checking(client, body["trigger_id"], view["title"]["text"])
    if modal is None:
        return
    refusal = notice_modal(
        "Not yours to decide",
        f":lock: Only <@{click.started_by}>, who started this conversation, or a workspace "
        f"admin can {what}.",
    )
    run_in_background(
        services,
        lambda: modals.form_for_starter_or_admin(client, modal, origin.user, view, refusal),
        body=body,
        client=client,
    )


def _decision_form(action_id: str, click: Clicked) -> dict[str, Any]:
    """The modal a decision button opens."""
    if action_id == hire_blocks.NOT_HIRING_ACTION:
        return hire_blocks.not_hiring_modal(click.conversation_id, click.version)
    if action_id == hire_blocks.REOPEN_ACTION:
        assert click.outcome is not None
        return hire_blocks.reopen_modal(click.conversation_id, click.version, click.outcome)
    if action_id == hire_blocks.CHANGE_ACTION:
        return hire_blocks.override_modal(
            click.conversation_id, click.version, click.outcome, changing_from=click.outcome
        )
    return hire_blocks.override_modal(click.conversation_id, click.version, click.outcome)
