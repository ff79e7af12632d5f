"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.views import hire


def register(app: App) -> None:
    hire.register(app)
