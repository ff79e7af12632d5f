"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events import messages


def register(app: App) -> None:
    messages.register(app)
