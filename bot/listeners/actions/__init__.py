"""Button and select listeners: every action is registered here, whatever surface shows it."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.core.interactions import ActionId
from bot.listeners.actions import checkin, closing, hire, log, role, voices
from bot.listeners.events import home


def register(app: App) -> None:
    # Bolt tries listeners in the order they were registered, each match costing a little
    # work; answer clicks are the most frequent action by far, so theirs are tried first.
    hire.register(app)
    voices.register(app)
    role.register(app)
    checkin.register(app)  # its buttons and its note modal
    app.action(ActionId.HIRE_LIST_MORE.value)(log.more)
    app.action(ActionId.HOME_DIGEST_SETTINGS.value)(home.open_digest_settings)
    # Home tabs drawn before the id lost its row number ("home_open_12") still need an ack.
    app.action(re.compile(rf"^{ActionId.HOME_OPEN_THREAD}(_\d+)?$"))(home.acknowledge_link)
    app.action(ActionId.HOME_CANCEL.value)(closing.open_cancel)
    app.action(ActionId.HOME_RESTART.value)(closing.restart_from_home)
    app.action(ActionId.HIRE_RESTART.value)(closing.restart_here)
