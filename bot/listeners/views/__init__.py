"""Modal submissions: every view callback is registered here."""

from __future__ import annotations

from slack_bolt import App

from bot.core.interactions import CallbackId
from bot.listeners.actions import closing, voices
from bot.listeners.events import home
from bot.listeners.views import hire


def register(app: App) -> None:
    hire.register(app)
    app.view(CallbackId.DIGEST_SETTINGS.value)(home.save_digest_settings)
    app.view(CallbackId.HOME_CANCEL.value)(closing.submit_cancel)
    app.view(CallbackId.VOICES_INVITE.value)(voices.submit_invite)
