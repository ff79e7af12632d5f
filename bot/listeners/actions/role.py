"""Buttons on `/role` replies: show a card or comparison (summary, More, Less), share in the
channel, and the self-check.

Each reply goes through the click's response_url: on the user's own ephemeral message it
replaces that message in place; on a copy the whole channel sees it comes as a new
ephemeral message for the clicker, so one person's click never rewrites the channel's copy.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import role as role_blocks
from bot.blocks.common import Message, decode_value
from bot.content.roles import ROLE_KEYS, load_roles
from bot.core.role_fit import FitProgress
from bot.core.role_lookup import RoleButton
from bot.listeners.background import after_ack
from bot.services import Services


def register(app: App) -> None:
    # Several show/compare buttons can share a block, so their ids carry a suffix. The
    # button's value says which view it wants, so one listener serves all four.
    views = "|".join(
        re.escape(action)
        for action in (
            role_blocks.SHOW_ACTION,
            role_blocks.COMPARE_ACTION,
            role_blocks.MORE_ACTION,
            role_blocks.LESS_ACTION,
        )
    )
    app.action(re.compile(rf"^({views})(:.*)?$"))(show)
    app.action(role_blocks.SHARE_ACTION)(share)
    app.action(role_blocks.FIT_START_ACTION)(fit_start)
    app.action(re.compile(rf"^{role_blocks.FIT_ANSWER_ACTION}:(yes|no)$"))(fit_answer)
    app.action(role_blocks.FIT_SHARE_ACTION)(fit_share)


def _value(body: dict[str, Any]) -> dict[str, Any]:
    return decode_value((body.get("actions") or [{}])[0].get("value"))


def _channel(body: dict[str, Any]) -> str:
    return str(
        (body.get("channel") or {}).get("id") or body.get("container", {}).get("channel_id", "")
    )


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


def _post_shared(respond: Respond, message: Message, body: dict[str, Any]) -> None:
    """Post in the channel as the user's share, then turn their ephemeral into a receipt."""
    respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
    confirmation = role_blocks.shared_confirmation(_channel(body))
    respond(replace_original=True, **confirmation.as_kwargs())


@after_ack
def show(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    clicked = RoleButton.from_value(_value(body), ROLE_KEYS)
    if clicked is None:
        return _stale(respond)
    message = role_blocks.role_view(load_roles(), clicked.view)
    _answer(respond, message, on_shared_copy=clicked.on_shared_copy)


@after_ack
def share(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    clicked = RoleButton.from_value(_value(body), ROLE_KEYS)
    if clicked is None:
        return _stale(respond)
    message = role_blocks.role_view(load_roles(), clicked.view, shared_by=body["user"]["id"])
    _post_shared(respond, message, body)


@after_ack
def fit_start(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    message = role_blocks.fit_question(load_roles(), "")
    _answer(respond, message, on_shared_copy=_value(body).get("c") == 1)


@after_ack
def fit_answer(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    book = load_roles()
    total = len(book.self_check.questions)
    progress = FitProgress.from_value(_value(body), total)
    if progress is None:
        return _stale(respond)
    if not progress.done(total):
        question = role_blocks.fit_question(book, progress.answers, public=progress.public)
        respond(replace_original=True, **question.as_kwargs())
    elif progress.public:  # `/role fit public`: the result goes to the channel, as cards do
        shared = role_blocks.fit_result(book, progress.answers, shared_by=body["user"]["id"])
        _post_shared(respond, shared, body)
    else:
        result = role_blocks.fit_result(book, progress.answers)
        respond(replace_original=True, **result.as_kwargs())


@after_ack
def fit_share(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    book = load_roles()
    total = len(book.self_check.questions)
    progress = FitProgress.from_value(_value(body), total)
    if progress is None or not progress.done(total):
        return _stale(respond)
    message = role_blocks.fit_result(book, progress.answers, shared_by=body["user"]["id"])
    _post_shared(respond, message, body)
