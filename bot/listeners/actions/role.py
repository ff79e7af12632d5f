"""Buttons on `/role` replies: show a card, compare, share in the channel, the self-check."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.blocks import role as role_blocks
from bot.blocks.common import decode_value
from bot.content.roles import ROLE_KEYS, load_roles
from bot.listeners.background import after_ack
from bot.services import Services


def register(app: App) -> None:
    # Several show/compare buttons can share a block, so their ids carry a suffix.
    app.action(re.compile(rf"^{role_blocks.SHOW_ACTION}(:.*)?$"))(show_card)
    app.action(re.compile(rf"^{role_blocks.COMPARE_ACTION}(:.*)?$"))(compare)
    app.action(role_blocks.SHARE_ACTION)(share)
    app.action(role_blocks.FIT_START_ACTION)(fit_start)
    app.action(re.compile(rf"^{role_blocks.FIT_ANSWER_ACTION}:(yes|no)$"))(fit_answer)


def _value(body: dict[str, Any]) -> dict[str, Any]:
    return decode_value((body.get("actions") or [{}])[0].get("value"))


def _stale(respond: Respond) -> None:
    respond(
        text="That button is from an older version of this message. Try `/role` again.",
        response_type="ephemeral",
        replace_original=False,
    )


@after_ack
def show_card(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    key = _value(body).get("r")
    if key not in ROLE_KEYS:
        return _stale(respond)
    book = load_roles()
    respond(replace_original=True, **role_blocks.role_card(book, book.role(key)).as_kwargs())


@after_ack
def compare(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    value = _value(body)
    first, second = value.get("a"), value.get("b")
    if first not in ROLE_KEYS or second not in ROLE_KEYS or first == second:
        return _stale(respond)
    book = load_roles()
    message = role_blocks.comparison(book, book.role(first), book.role(second))
    respond(replace_original=True, **message.as_kwargs())


@after_ack
def share(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    """Post the card to the channel as the user's share, then confirm in their ephemeral."""
    value, user = _value(body), body["user"]["id"]
    book = load_roles()
    if value.get("r") in ROLE_KEYS:
        message = role_blocks.role_card(book, book.role(value["r"]), shared_by=user)
    elif value.get("a") in ROLE_KEYS and value.get("b") in ROLE_KEYS and value["a"] != value["b"]:
        message = role_blocks.comparison(
            book, book.role(value["a"]), book.role(value["b"]), shared_by=user
        )
    else:
        return _stale(respond)
    respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
    channel = (body.get("channel") or {}).get("id") or body.get("container", {}).get(
        "channel_id", ""
    )
    respond(replace_original=True, **role_blocks.shared_confirmation(channel).as_kwargs())


@after_ack
def fit_start(ack: Ack, respond: Respond, services: Services) -> None:
    respond(replace_original=True, **role_blocks.fit_question(load_roles(), "").as_kwargs())


@after_ack
def fit_answer(ack: Ack, body: dict[str, Any], respond: Respond, services: Services) -> None:
    answers = str(_value(body).get("a") or "")
    book = load_roles()
    total = len(book.self_check.questions)
    if not answers or len(answers) > total or set(answers) - {"y", "n"}:
        return _stale(respond)
    message = (
        role_blocks.fit_result(book, answers)
        if len(answers) == total
        else role_blocks.fit_question(book, answers)
    )
    respond(replace_original=True, **message.as_kwargs())
