"""Slack edges: each surface registers its listeners, which parse a request and hand it, with
who acts, to a desk in bot.slack."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events, views


def register(app: App) -> None:
    commands.register(app)
    actions.register(app)
    events.register(app)
    views.register(app)
