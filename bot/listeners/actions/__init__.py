"""Button and select listeners: every action is registered here, whatever surface shows it."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.blocks import hire as hire_blocks
from bot.blocks import home as home_blocks
from bot.blocks import log as log_blocks
from bot.listeners.actions import checkin, closing, hire, role, voices
from bot.listeners.commands import hire_log
from bot.listeners.events import home


def register(app: App) -> None:
    # Bolt tries listeners in the order they were registered, each match costing a little
    # work; answer clicks are the most frequent action by far, so theirs are tried first.
    hire.register(app)
    voices.register(app)
    role.register(app)
    checkin.register(app)  # its buttons and its note modal
    app.action(log_blocks.MORE_ACTION)(hire_log.more)
    app.action(home_blocks.DIGEST_SETTINGS_ACTION)(home.open_digest_settings)
    app.action(re.compile(r"^home_open_\d+$"))(home.acknowledge_link)
    app.action(home_blocks.CANCEL_ACTION)(closing.open_cancel)
    app.action(home_blocks.RESTART_ACTION)(closing.restart_from_home)
    app.action(hire_blocks.RESTART_ACTION)(closing.restart_here)
