"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events import home, messages


def register(app: App) -> None:
    messages.register(app)
    home.register(app)
