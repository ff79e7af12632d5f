"""Buttons of the hiring conversation. Routing only: each button is parsed into a typed event
and handed to the desk (bot.slack.hire), after the ack; the decision modals open at once,
from the button alone, while the trigger_id is still valid."""

from __future__ import annotations

import hashlib
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.conversation import Answer, Back, Cancel, Decide, Event, Openings
from bot.core.interactions import ActionId, TitleValue
from bot.core.typed_text import storable
from bot.listeners.background import after_ack, run_in_background
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack import modals
from bot.slack.hire import HireDesk, button_event, decision_form, origin_of
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
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    asked = button_event(click.action, click.value)
    if asked is None:
        tell_clicker(click, STALE_BUTTON, respond, client)
        return
    conversation_id, event = asked
    origin = origin_of(click, actor, reply=lambda said: tell_clicker(click, said, respond, client))
    HireDesk(services, client).act(origin, conversation_id, event, WHAT[type(event)])


@after_ack
def start_titled(
    click: Click,
    actor: Actor,
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
    origin = origin_of(click, actor)
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
    actor: Actor,
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
    form = decision_form(click)
    if form is None or click.trigger_id is None:
        tell_clicker(click, STALE_BUTTON, respond, client)
        return
    then = modals.open_guarded(client, click.trigger_id, actor, form)
    if then is not None:
        run_in_background(services, then, body=body, client=client)
