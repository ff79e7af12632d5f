"""Modals open while Slack's trigger_id is good: once, and within 3 seconds of the click that
carried it (https://docs.slack.dev/reference/methods/views.open: `expired_trigger_id`,
`exchanged_trigger_id`). So `views.open` is the first Web API call a click makes. What needs
Slack's answer first (is this person a workspace admin?) is judged after the modal is open,
and the modal is then rewritten (`views.update`, which needs no trigger)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import checking_modal
from bot.core.actor import Actor
from bot.slack.deliver import error_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenModal:
    """A modal Slack opened: its id, and the hash that guards a rewrite against a newer one."""

    view_id: str
    hash: str


def open_modal(client: WebClient, trigger_id: str, view: dict[str, Any]) -> OpenModal | None:
    """Open `view`; None (and the log says why) when Slack refused."""
    try:
        opened = client.views_open(trigger_id=trigger_id, view=view)["view"]
    except SlackApiError as error:
        log.warning("views.open failed: %s", error_code(error))
        return None
    return OpenModal(str(opened["id"]), str(opened.get("hash") or ""))


def open_checking(client: WebClient, trigger_id: str, title: str) -> OpenModal | None:
    """Open the modal at once, saying the bot is checking; `rewrite` fills it in."""
    return open_modal(client, trigger_id, checking_modal(title))


def rewrite(client: WebClient, modal: OpenModal, view: dict[str, Any]) -> None:
    """Show `view` in the open modal; if the person closed it meanwhile, there is nothing to
    show it in (`not_found`), and the log has it."""
    try:
        client.views_update(view_id=modal.view_id, hash=modal.hash, view=view)
    except SlackApiError as error:
        log.info("views.update of %s failed: %s", modal.view_id, error_code(error))


@dataclass(frozen=True)
class GuardedForm:
    """A modal only the starter of what it changes (or a workspace admin) may use: the form,
    whose it is, and what anyone else sees instead."""

    form: dict[str, Any]
    started_by: str | None
    refusal: dict[str, Any]


def open_guarded(
    client: WebClient, trigger_id: str, actor: Actor, guarded: GuardedForm
) -> Callable[[], None] | None:
    """Open the form for its starter. For anyone else the modal opens checking, and the work
    returned (to run after the ack) makes it the form for an admin, the refusal for anyone
    else. Each submission is judged again."""
    if actor.user == guarded.started_by:
        client.views_open(trigger_id=trigger_id, view=guarded.form)
        return None
    modal = open_checking(client, trigger_id, guarded.form["title"]["text"])
    if modal is None:
        return None
    return lambda: rewrite(client, modal, guarded.form if actor.is_admin() else guarded.refusal)
