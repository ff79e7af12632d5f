"""`/role`: explain a role, compare two, or run the self-check. Answers in the ack itself,
so the user sees it at once and no Web API call is needed."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot.blocks import role as role_blocks
from bot.blocks.common import Message
from bot.content.roles import load_roles
from bot.core.role_lookup import (
    CompareRoles,
    ListRoles,
    NameIndex,
    SelfCheck,
    ShowRole,
    Unknown,
    parse_role_command,
)
from bot.core.typed_text import from_slack


def register(app: App) -> None:
    app.command("/role")(handle_role)


@functools.cache
def role_index() -> NameIndex:
    book = load_roles()
    return NameIndex.build((r.key, r.name, r.aliases) for r in book.roles.values())


@functools.cache
def _private(kind: str, first: str = "", second: str = "") -> Message:
    """Replies that depend only on what was asked are rendered once per process."""
    book = load_roles()
    if kind == "list":
        return role_blocks.role_list(book)
    if kind == "fit":
        return role_blocks.fit_question(book, "", public=first == "public")
    if kind == "card":
        return role_blocks.role_card(book, book.role(first))
    return role_blocks.comparison(book, book.role(first), book.role(second))


def role_reply(text: str, user_id: str) -> tuple[Message, bool]:
    """The message for `/role <text>` and whether it goes to the whole channel."""
    book = load_roles()
    command = parse_role_command(role_index(), text)
    if isinstance(command, ListRoles):
        return _private("list"), False
    if isinstance(command, SelfCheck):
        # The questions stay private even with `public`: only the result goes to the
        # channel, when the last answer is in (see the actions listener).
        return _private("fit", "public" if command.public else ""), False
    if isinstance(command, ShowRole):
        if not command.public:
            return _private("card", command.role), False
        return role_blocks.role_card(book, book.role(command.role), shared_by=user_id), True
    if isinstance(command, CompareRoles):
        if not command.public:
            return _private("compare", command.first, command.second), False
        message = role_blocks.comparison(
            book, book.role(command.first), book.role(command.second), shared_by=user_id
        )
        return message, True
    assert isinstance(command, Unknown)
    return role_blocks.unknown_role(
        book, command.typed, command.suggestions, command.problem
    ), False


def handle_role(ack: Ack, command: dict[str, Any]) -> None:
    message, public = role_reply(from_slack(command.get("text") or ""), command["user_id"])
    ack(response_type="in_channel" if public else "ephemeral", **message.as_kwargs())
