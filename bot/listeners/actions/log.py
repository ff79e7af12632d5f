"""The decision list's "More" button. Routing only: the desk (bot.slack.log) draws the next
page, which takes the place of the list clicked."""

from __future__ import annotations

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.interactions import LogPageValue
from bot.listeners.background import after_ack
from bot.services import Services
from bot.slack.log import HireLogDesk
from bot.slack.payloads import Click, tell_clicker

STALE = ":information_source: That button is from an older version of this list. Try `/hire list` again."


@after_ack
def more(
    ack: Ack,
    click: Click,
    actor: Actor,
    client: WebClient,
    services: Services,
    respond: Respond,
) -> None:
    page = click.value_as(LogPageValue)
    if page is None:
        tell_clicker(click, STALE, respond, client)
        return
    message = HireLogDesk(services, client).more(actor, page)
    respond(response_type="ephemeral", replace_original=True, **message.as_kwargs())
