"""Modal submissions: every view callback is registered here."""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import home as home_blocks
from bot.blocks import voices as voice_blocks
from bot.listeners.actions import closing, voices
from bot.listeners.events import home
from bot.listeners.views import hire


def register(app: App) -> None:
    hire.register(app)
    app.view(home_blocks.DIGEST_SETTINGS_CALLBACK)(home.save_digest_settings)
    app.view(home_blocks.CANCEL_CALLBACK)(closing.submit_cancel)
    app.view(voice_blocks.INVITE_CALLBACK)(voices.submit_invite)
