"""Closing what is stuck: Cancel on the Home tab (a modal asks for an optional reason), and
"Restart in a new thread" for a conversation whose thread is gone. Routing only: the desk
(bot.slack.closing) judges, cancels and restarts, and says how it went."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.listeners.background import after_ack, run_in_background
from bot.services import Services
from bot.slack.closing import ClosingDesk, NothingToCancel
from bot.slack.payloads import Click, tell_clicker


def open_cancel(
    ack: Ack,
    click: Click,
    actor: Actor,
    body: dict[str, Any],
    client: WebClient,
    services: Services,
) -> None:
    """Home → Cancel…: the modal opens from the ack path, while the trigger_id is good."""
    ack()
    if click.trigger_id is None:  # nothing can open without one: not a click Slack sent
        return
    then = ClosingDesk(services, client).open_cancel(actor, click.value, click.trigger_id)
    if then is not None:
        run_in_background(services, then, body=body, client=client)


def submit_cancel(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Actor,
    client: WebClient,
    services: Services,
) -> None:
    """Judged before the ack, so the modal itself can say why not; cancelled after it."""
    desk = ClosingDesk(services, client)
    asked = desk.check_cancel(view, actor)
    if isinstance(asked, NothingToCancel):
        ack(response_action="update", view=asked.modal)
        run_in_background(services, lambda: desk.home.publish(actor), body=body)
        return
    ack()
    run_in_background(services, lambda: desk.cancel(actor, asked), body=body)


@after_ack
def restart_from_home(
    ack: Ack, click: Click, actor: Actor, client: WebClient, services: Services
) -> None:
    ClosingDesk(services, client).restart_from_home(click, actor)


@after_ack
def restart_here(
    ack: Ack,
    click: Click,
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    """What happened is told to the clicker alone, on the message they clicked."""
    said = ClosingDesk(services, client).restart_here(click, actor)
    tell_clicker(click, said, respond, client)
