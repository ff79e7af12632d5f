"""Buttons on `/role` replies: show a card or comparison (summary, More, Less), share in the
channel, and the self-check. Routing only: bot.slack.role answers each click."""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.core.interactions import ActionId
from bot.listeners.background import after_ack
from bot.listeners.routes import action_ids
from bot.services import Services
from bot.slack.payloads import Click
from bot.slack.role import RoleButtons


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


@after_ack
def show(ack: Ack, click: Click, respond: Respond, services: Services) -> None:
    RoleButtons(respond).show(click)


@after_ack
def share(ack: Ack, click: Click, respond: Respond, services: Services) -> None:
    RoleButtons(respond).share(click)


@after_ack
def fit_start(ack: Ack, click: Click, respond: Respond, services: Services) -> None:
    RoleButtons(respond).fit_start(click)


@after_ack
def fit_answer(ack: Ack, click: Click, respond: Respond, services: Services) -> None:
    RoleButtons(respond).fit_answer(click)


@after_ack
def fit_share(ack: Ack, click: Click, respond: Respond, services: Services) -> None:
    RoleButtons(respond).fit_share(click)
