"""Buttons of the hiring conversation. Routing only: each button is parsed into a typed event
and handed to the desk (bot.slack.hire), after the ack; the decision modals open at once,
from the button alone, while the trigger_id is still valid."""

from __future__ import annotations

import hashlib
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import hire as hire_blocks
from bot.blocks.common import notice_modal
from bot.core.conversation import Answer, Back, Cancel, Decide, Event, Openings
from bot.core.interactions import ActionId, DecidedValue, Stale, TitleValue, Value, VerdictValue
from bot.core.typed_text import storable
from bot.listeners.background import after_ack, run_in_background
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack import modals
from bot.slack.hire import HireDesk, button_event, origin_of
from bot.slack.payloads import Click, tell_clicker

STALE_BUTTON = (
    ":information_source: That button is from an older version of this conversation. "
    "Use the newest message in the thread."
)
# What a refusal says the person may not do.
WHAT: dict[type[Event], str] = {
    Answer: "answer the questions",
    Back: "change the answers",
    Cancel: "cancel this conversation",
    Openings: "say how many people the team can hire",
    Decide: "record the decision",
}
DECISION_MODALS = (
    ActionId.HIRE_NOT_HIRING,
    ActionId.HIRE_OVERRIDE,
    ActionId.HIRE_CHANGE,
    ActionId.HIRE_REOPEN,
)


def register(app: App) -> None:
    app.action(
        action_ids(
            ActionId.HIRE_ANSWER,
            ActionId.HIRE_BACK,
            ActionId.HIRE_CANCEL,
            ActionId.HIRE_ACCEPT,
            ActionId.HIRE_OPENINGS,
        )
    )(press)
    app.action(action_ids(*DECISION_MODALS))(open_decision_modal)
    app.action(ActionId.HIRE_START_TITLED.value)(start_titled)


@after_ack
def press(
    ack: Ack,
    click: Click,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    asked = button_event(click.action, click.value)
    if asked is None:
        tell_clicker(click, STALE_BUTTON, respond, client)
        return
    conversation_id, event = asked
    origin = origin_of(click, reply=lambda said: tell_clicker(click, said, respond, client))
    HireDesk(services, client).act(origin, conversation_id, event, WHAT[type(event)])


@after_ack
def start_titled(
    click: Click,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    """ "Start “…”" under `/hire <title that began with a command word>`: a conversation with
    exactly that title, here, by whoever clicked (as `/hire start <title>` would). The offer
    is ephemeral, so it goes once started; a second click on it starts nothing."""
    value = click.value_as(TitleValue)
    title = storable(value.title).strip() if value else ""
    if not title:
        respond(replace_original=True, text=STALE_BUTTON)
        return
    origin = origin_of(click)
    # One start per offer and person, across replicas: the key goes where Slack's event ids
    # do (bounded, whatever a forged payload holds).
    seed = f"{origin.team.team_id}:{origin.channel}:{click.message_ts}:{origin.user}".encode()
    once = "start-offer:" + hashlib.sha256(seed).hexdigest()[:40]
    problem = HireDesk(services, client).start(origin, title, once=once)
    if problem is None:
        respond(delete_original=True)
    else:
        respond(replace_original=True, text=problem)


def open_decision_modal(
    ack: Ack,
    click: Click,
    body: dict[str, Any],
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    """Open the modal straight from the ack path, with views.open the first Web API call:
    it needs nothing but the button's value (no database read), and Slack's trigger_id
    expires three seconds after the click. The button names who started the conversation;
    for anyone else the modal opens checking, then becomes the form for a workspace admin
    and says who may decide for anyone else. The submission is checked again."""
    ack()
    form = _decision_form(click.action, click.value)
    if form is None or click.trigger_id is None:
        tell_clicker(click, STALE_BUTTON, respond, client)
        return
    view, started_by = form
    if click.user == started_by:
        client.views_open(trigger_id=click.trigger_id, view=view)
        return
    what = "reopen the decision" if click.action is ActionId.HIRE_REOPEN else "decide"
    modal = modals.open_checking(client, click.trigger_id, view["title"]["text"])
    if modal is None:
        return
    refusal = notice_modal(
        "Not yours to decide",
        f":lock: Only <@{started_by}>, who started this conversation, or a workspace "
        f"admin can {what}.",
    )
    run_in_background(
        services,
        lambda: modals.form_for_starter_or_admin(client, modal, click.user, view, refusal),
        body=body,
        client=client,
    )


def _decision_form(
    action: ActionId | None, value: Value | Stale
) -> tuple[dict[str, Any], str | None] | None:
    """The modal a decision button opens, and who started the conversation (who may decide
    besides admins); None when the button's value is not one of its kind."""
    if isinstance(value, VerdictValue):
        drawn = (value.conversation_id, value.version)
        if action is ActionId.HIRE_NOT_HIRING:
            return hire_blocks.not_hiring_modal(*drawn), value.started_by
        if action is ActionId.HIRE_OVERRIDE:
            return hire_blocks.override_modal(*drawn, value.recommended), value.started_by
    if isinstance(value, DecidedValue):
        drawn = (value.conversation_id, value.version)
        if action is ActionId.HIRE_REOPEN:
            return hire_blocks.reopen_modal(*drawn, value.decided), value.started_by
        if action is ActionId.HIRE_CHANGE:
            modal = hire_blocks.override_modal(*drawn, value.decided, changing_from=value.decided)
            return modal, value.started_by
    return None
