""" "Ask the team" buttons and the invite form. Routing only: each payload is parsed and
handed to the desk (bot.slack.voices) after the ack; the invite modal opens at once, from
the button alone, while the trigger_id is still valid."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.interactions import ActionId, ConversationValue, VoiceAnswerValue, VoiceBackValue
from bot.listeners.background import after_ack, run_in_background
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack import modals
from bot.slack.payloads import Click, tell_clicker
from bot.slack.voices import VoiceDesk, invite_form, read_invite_form

STALE = ":information_source: That button is out of date. Use the newest message."


def register(app: App) -> None:
    app.action(action_ids(ActionId.VOICE_ANSWER))(press_answer)
    app.action(ActionId.VOICE_BACK.value)(press_back)
    app.action(ActionId.VOICES_INVITE.value)(open_invite_modal)
    app.action(ActionId.VOICES_REVEAL.value)(press_reveal)


@after_ack
def press_answer(
    ack: Ack,
    click: Click,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    value = click.value_as(VoiceAnswerValue)
    if value is None:
        tell_clicker(click, STALE, respond, client)
        return
    VoiceDesk(services, client).answer(
        click.team,
        click.user,
        click.channel,
        value.voice_id,
        value.step,
        value.option,
        click.rewritable_ts,
        version=value.version,
    )


@after_ack
def press_back(
    ack: Ack,
    click: Click,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    value = click.value_as(VoiceBackValue)
    if value is None:
        tell_clicker(click, STALE, respond, client)
        return
    VoiceDesk(services, client).go_back(
        click.team,
        click.user,
        click.channel,
        value.voice_id,
        value.step,
        click.rewritable_ts,
        value.version,
    )


@after_ack
def press_reveal(
    ack: Ack,
    click: Click,
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    value = click.value_as(ConversationValue)
    if value is None:
        tell_clicker(click, STALE, respond, client)
        return
    VoiceDesk(services, client).reveal(
        actor,
        click.channel,
        value.conversation_id,
        click.rewritable_ts,
        reply=lambda said: tell_clicker(click, said, respond, client),
    )


def open_invite_modal(
    ack: Ack,
    click: Click,
    actor: Actor,
    body: dict[str, Any],
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    """Straight from the ack path, views.open first: Slack's trigger_id expires three
    seconds after the click. For anyone but the starter the modal opens checking, then
    becomes the form for a workspace admin and says who may ask for anyone else; the
    submission is checked again."""
    ack()
    form = invite_form(click)
    if form is None or click.trigger_id is None:
        tell_clicker(click, STALE, respond, client)
        return
    then = modals.open_guarded(client, click.trigger_id, actor, form)
    if then is not None:
        run_in_background(services, then, body=body, client=client)


def submit_invite(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Actor,
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    form = read_invite_form(view)
    if isinstance(form, dict):
        ack(response_action="errors", errors=form)
        return
    ack()
    bot_user = context.get("bot_user_id")
    run_in_background(
        services,
        lambda: VoiceDesk(services, client).invite(
            actor, form.conversation_id, form.users, bot_user
        ),
        body=body,
        client=client,
    )
