"""The App Home tab, and the digest settings modal it opens. Routing only: the desks draw the
tab (bot.slack.home) and judge and save the settings (bot.slack.digest_settings)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.listeners.background import after_ack, run_in_background
from bot.services import Services
from bot.slack import digest_settings
from bot.slack.digest_settings import DigestSettingsDesk
from bot.slack.home import HomeDesk
from bot.slack.payloads import Click


def register(app: App) -> None:
    # Its button and modal are registered with the other actions and views.
    app.event("app_home_opened")(publish_home)


def acknowledge_link(ack: Ack) -> None:
    """URL buttons open the thread in Slack; Slack still sends the click, which needs an ack."""
    ack()


@after_ack
def publish_home(
    event: dict[str, Any], actor: Actor, client: WebClient, services: Services
) -> None:
    if event.get("tab") not in (None, "home"):
        return
    HomeDesk(services, client).publish(actor)


def open_digest_settings(
    ack: Ack,
    click: Click,
    actor: Actor,
    body: dict[str, Any],
    client: WebClient,
    services: Services,
) -> None:
    """The modal opens at once, from the ack path, with views.open the first Web API call
    (Slack's trigger_id lasts 3 seconds); who may change the settings is judged after, and
    the modal becomes the form or says who can."""
    ack()
    if click.trigger_id is None:  # nothing can open without one: not a click Slack sent
        return
    modal = digest_settings.open_form(client, click.trigger_id)
    if modal is None:
        return
    run_in_background(
        services,
        lambda: DigestSettingsDesk(services, client).fill_form(actor, modal),
        body=body,
        client=client,
    )


def save_digest_settings(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Actor,
    client: WebClient,
    services: Services,
) -> None:
    form = digest_settings.read_settings_form(view)
    if isinstance(form, dict):
        ack(response_action="errors", errors=form)
        return
    ack()

    def work() -> None:
        DigestSettingsDesk(services, client).save_form(actor, form)
        HomeDesk(services, client).publish(actor)

    run_in_background(services, work, body=body, client=client)
