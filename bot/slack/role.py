"""`/role` and the buttons on its replies, at the Slack edge: explain a role, compare two, or
run the self-check.

The command's reply depends only on what was typed, so it comes in the ack itself. Each
button's answer goes through the click's response_url: on the user's own ephemeral message
it replaces that message in place; on a copy the whole channel sees it comes as a new
ephemeral message for the clicker, so one person's click never rewrites the channel's copy.
"""

from __future__ import annotations

import functools

from slack_bolt import Respond

from bot.blocks import role as role_blocks
from bot.blocks.common import Message
from bot.content.roles import ROLE_KEYS, load_roles
from bot.core.interactions import RoleViewValue, SelfCheckStartValue, SelfCheckValue
from bot.core.role_fit import FitProgress
from bot.core.role_lookup import (
    CompareRoles,
    ListRoles,
    NameIndex,
    RoleButton,
    SelfCheck,
    ShowRole,
    Unknown,
    parse_role_command,
)
from bot.slack.payloads import Click


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


class RoleButtons:
    """Answers a click on a `/role` reply, through its response_url."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond

    def show(self, click: Click) -> None:
        """A card or comparison: its summary, More or Less."""
        clicked = _shown(click)
        if clicked is None:
            return self._stale()
        message = role_blocks.role_view(load_roles(), clicked.view)
        self._answer(message, on_shared_copy=clicked.on_shared_copy)

    def share(self, click: Click) -> None:
        clicked = _shown(click)
        if clicked is None:
            return self._stale()
        message = role_blocks.role_view(load_roles(), clicked.view, shared_by=click.user)
        self._post_shared(message, click)

    def fit_start(self, click: Click) -> None:
        start = click.value_as(SelfCheckStartValue)
        if start is None:
            return self._stale()
        message = role_blocks.fit_question(load_roles(), "")
        self._answer(message, on_shared_copy=start.on_shared_copy)

    def fit_answer(self, click: Click) -> None:
        book = load_roles()
        total = len(book.self_check.questions)
        progress = _progress(click, total)
        if progress is None:
            return self._stale()
        if not progress.done(total):
            question = role_blocks.fit_question(book, progress.answers, public=progress.public)
            self.respond(replace_original=True, **question.as_kwargs())
        elif progress.public:  # `/role fit public`: the result goes to the channel, as cards do
            shared = role_blocks.fit_result(book, progress.answers, shared_by=click.user)
            self._post_shared(shared, click)
        else:
            result = role_blocks.fit_result(book, progress.answers)
            self.respond(replace_original=True, **result.as_kwargs())

    def fit_share(self, click: Click) -> None:
        book = load_roles()
        total = len(book.self_check.questions)
        progress = _progress(click, total)
        if progress is None or not progress.done(total):
            return self._stale()
        message = role_blocks.fit_result(book, progress.answers, shared_by=click.user)
        self._post_shared(message, click)

    def _stale(self) -> None:
        self.respond(
            text="That button is from an older version of this message. Try `/role` again.",
            response_type="ephemeral",
            replace_original=False,
        )

    def _answer(self, message: Message, *, on_shared_copy: bool) -> None:
        if on_shared_copy:
            self.respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())
        else:
            self.respond(replace_original=True, **message.as_kwargs())

    def _post_shared(self, message: Message, click: Click) -> None:
        """Post in the channel as the user's share, then turn their ephemeral into a receipt."""
        self.respond(response_type="in_channel", replace_original=False, **message.as_kwargs())
        confirmation = role_blocks.shared_confirmation(click.channel)
        self.respond(replace_original=True, **confirmation.as_kwargs())


def _shown(click: Click) -> RoleButton | None:
    """The card or comparison a button asks for; None for one this bot never drew."""
    value = click.value_as(RoleViewValue)
    return None if value is None else RoleButton.from_value(value, ROLE_KEYS)


def _progress(click: Click, total: int) -> FitProgress | None:
    value = click.value_as(SelfCheckValue)
    return None if value is None else FitProgress.from_value(value, total)
