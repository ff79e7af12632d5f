""" "Ask the team" buttons and the invite form. Routing only: each payload is parsed and
handed to the desk (bot.slack.voices) after the ack; the invite modal opens at once, from
the button alone, while the trigger_id is still valid."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import voices as voice_blocks
from bot.blocks.common import notice_modal
from bot.hiring.conversations import Team
from bot.listeners.background import after_ack, run_in_background
from bot.services import Services
from bot.slack import modals
from bot.slack.deliver import Delivery
from bot.slack.hire import Origin, origin_of
from bot.slack.voices import VoiceClick, VoiceDesk, conversation_of, voice_click

STALE = ":information_source: That button is out of date. Use the newest message."


def register(app: App) -> None:
    app.action(re.compile(rf"^{voice_blocks.ANSWER_ACTION}:"))(press_answer)
    app.action(voice_blocks.BACK_ACTION)(press_back)
    app.action(voice_blocks.INVITE_ACTION)(open_invite_modal)
    app.action(voice_blocks.REVEAL_ACTION)(press_reveal)


def _team(context: dict[str, Any]) -> Team:
    return Team(str(context.get("team_id") or ""), context.get("enterprise_id"))


def _voice_click(
    body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> tuple[VoiceDesk, Origin, VoiceClick] | None:
    """The desk, who clicked where, and the DM button's value; None (the clicker told the
    button is out of date) when the value is not one of ours."""
    action = (body.get("actions") or [{}])[0]
    origin = origin_of(body, context)
    desk = VoiceDesk(services, client)
    click = voice_click(action)
    if click is None:
        desk.delivery.tell(origin.channel, origin.user, STALE)
        return None
    return desk, origin, click


@after_ack
def press_answer(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    clicked = _voice_click(body, client, context, services)
    if clicked is None:
        return
    desk, origin, click = clicked
    if click.option is None:
        desk.delivery.tell(origin.channel, origin.user, STALE)
        return
    desk.answer(
        origin.team,
        origin.user,
        origin.channel,
        click.voice_id,
        click.step,
        click.option,
        origin.clicked_ts,
        version=click.version,
    )


@after_ack
def press_back(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    clicked = _voice_click(body, client, context, services)
    if clicked is None:
        return
    desk, origin, click = clicked
    if click.version is None:
        desk.delivery.tell(origin.channel, origin.user, STALE)
        return
    desk.go_back(
        origin.team,
        origin.user,
        origin.channel,
        click.voice_id,
        click.step,
        origin.clicked_ts,
        click.version,
    )


@after_ack
def press_reveal(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], services: Services
) -> None:
    action = (body.get("actions") or [{}])[0]
    origin = origin_of(body, context)
    desk = VoiceDesk(services, client)
    target = conversation_of(action.get("value"))
    if target is None:
        desk.delivery.tell(origin.channel, origin.user, STALE)
        return
    desk.reveal(origin.team, origin.user, origin.channel, target[0], origin.clicked_ts)


def open_invite_modal(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """Straight from the ack path, views.open first: Slack's trigger_id expires three
    seconds after the click. For anyone but the starter the modal opens checking, then
    becomes the form for a workspace admin and says who may ask for anyone else; the
    submission is checked again."""
    ack()
    action = (body.get("actions") or [{}])[0]
    origin = origin_of(body, context)
    target = conversation_of(action.get("value"))
    if target is None:
        Delivery(client).tell(origin.channel, origin.user, STALE)
        return
    conversation_id, starter = target
    form = voice_blocks.invite_modal(conversation_id)
    if origin.user == starter:
        client.views_open(trigger_id=body["trigger_id"], view=form)
        return
    modal = modals.open_checking(client, body["trigger_id"], form["title"]["text"])
    if modal is None:
        return
    refusal = notice_modal(
        "Ask the team",
        f":lock: Only <@{starter}>, who started this conversation, or a workspace admin "
        "can ask the team.",
    )
    run_in_background(
        services,
        lambda: modals.form_for_starter_or_admin(client, modal, origin.user, form, refusal),
        body=body,
        client=client,
    )


def submit_invite(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    values = view.get("state", {}).get("values", {})
    entry = values.get(voice_blocks.INVITEES_BLOCK, {}).get(voice_blocks.INVITEES_ELEMENT, {})
    users = [u for u in entry.get("selected_users") or [] if isinstance(u, str)]
    target = conversation_of(view.get("private_metadata"))
    if not users or target is None:
        ack(
            response_action="errors",
            errors={voice_blocks.INVITEES_BLOCK: "Pick at least one teammate."},
        )
        return
    ack()
    actor = str(body["user"]["id"])
    bot_user = context.get("bot_user_id")
    run_in_background(
        services,
        lambda: VoiceDesk(services, client).invite(
            _team(context), actor, target[0], users, bot_user
        ),
        body=body,
        client=client,
    )
