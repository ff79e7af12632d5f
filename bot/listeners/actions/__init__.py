"""Button and select listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions import hire, role


def register(app: App) -> None:
    role.register(app)
    hire.register(app)
