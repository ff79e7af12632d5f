"""Buttons on `/role` replies: show a card or comparison (summary, More, Less), share in the
channel, and the self-check.

Each reply goes through the click's response_url: on the user's own ephemeral message it
replaces that message in place; on a copy the whole channel sees it comes as a new
ephemeral message for the clicker, so one person's click never rewrites the channel's copy.
"""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.blocks import role as role_blocks
from bot.blocks.common import Message
from bot.content.roles import ROLE_KEYS, load_roles
from bot.core.interactions import (
    ActionId,
    RoleViewValue,
    SelfCheckStartValue,
    SelfCheckValue,
)
from bot.core.role_fit import FitProgress
from bot.core.role_lookup import RoleButton
from bot.listeners.background import after_ack
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack.payloads import Click


def register(app: App) -> None:
    # The button's value says which view it wants, so one listener serves all four.
    app.action(
        action_ids(
            ActionId.ROLE_SHOW, ActionId.ROLE_COMPARE, ActionId.ROLE_MORE, ActionId.ROLE_LESS
        )
    )(show)
    app.action(ActionId.ROLE_SHARE.value)(share)
    app.action(ActionId.ROLE_FIT_START.value)(fit_start)
    app.action(action_ids(ActionId.ROLE_FIT_ANSWER))(fit_answer)
    app.action(ActionId.ROLE_FIT_SHARE.value)(fit_share)


def _shown(click: Click) -> RoleButton | None:
    """The card or comparison a button asks for; None for one this bot never drew."""
    value = click.value_as(RoleViewValue)
    return None if value is None else RoleButton.from_value(value, ROLE_KEYS)


def _progress(click: Click, total: int) -> FitProgress | None:
    value = click.value_as(SelfCheckValue)
    return None if value is None else FitProgress.from_value(value, total)


def _stale(respond: Respond) -> None:
    respond(
        text="That button is from an older version of this message. Try `/role` again.",
        response_type="ephemeral",
        replace_original=False,
    )


def _answer(respond: Respond, message: Message, *, on_shared_copy: bool) -> None:
    if on_shared_copy:
        respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
    else:
        respond(replace_original=True, **message.as_kwargs())


def _post_shared(respond: Respond, message: Message, click: Click) -> None:
    """Post in the channel as the user's share, then turn their ephemeral into a receipt."""
    respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
    confirmation = role_blocks.shared_confirmation(click.channel)
    respond(replace_original=True, **confirmation.as_kwargs())


@after_ack
def show(
    ack: Ack,
    click: Click,
    respond: Respond,
    services: Services,
) -> None:
    clicked = _shown(click)
    if clicked is None:
        return _stale(respond)
    message = role_blocks.role_view(load_roles(), clicked.view)
    _answer(respond, message, on_shared_copy=clicked.on_shared_copy)


@after_ack
def share(
    ack: Ack,
    click: Click,
    respond: Respond,
    services: Services,
) -> None:
    clicked = _shown(click)
    if clicked is None:
        return _stale(respond)
    message = role_blocks.role_view(load_roles(), clicked.view, shared_by=click.user)
    _post_shared(respond, message, click)


@after_ack
def fit_start(
    ack: Ack,
    click: Click,
    respond: Respond,
    services: Services,
) -> None:
    start = click.value_as(SelfCheckStartValue)
    if start is None:
        return _stale(respond)
    message = role_blocks.fit_question(load_roles(), "")
    _answer(respond, message, on_shared_copy=start.on_shared_copy)


@after_ack
def fit_answer(
    ack: Ack,
    click: Click,
    respond: Respond,
    services: Services,
) -> None:
    book = load_roles()
    total = len(book.self_check.questions)
    progress = _progress(click, total)
    if progress is None:
        return _stale(respond)
    if not progress.done(total):
        question = role_blocks.fit_question(book, progress.answers, public=progress.public)
        respond(replace_original=True, **question.as_kwargs())
    elif progress.public:  # `/role fit public`: the result goes to the channel, as cards do
        shared = role_blocks.fit_result(book, progress.answers, shared_by=click.user)
        _post_shared(respond, shared, click)
    else:
        result = role_blocks.fit_result(book, progress.answers)
        respond(replace_original=True, **result.as_kwargs())


@after_ack
def fit_share(
    ack: Ack,
    click: Click,
    respond: Respond,
    services: Services,
) -> None:
    book = load_roles()
    total = len(book.self_check.questions)
    progress = _progress(click, total)
    if progress is None or not progress.done(total):
        return _stale(respond)
    message = role_blocks.fit_result(book, progress.answers, shared_by=click.user)
    _post_shared(respond, message, click)
