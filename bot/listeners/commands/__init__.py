"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.commands import hire, role


def register(app: App) -> None:
    role.register(app)
    hire.register(app)
