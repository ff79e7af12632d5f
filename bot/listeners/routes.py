"""How listeners are matched to the action ids the bot draws (`bot.core.interactions`)."""

from __future__ import annotations

import re

from bot.core.interactions import ActionId


def action_ids(*actions: ActionId) -> re.Pattern[str]:
    """Bolt's matcher for these actions, each with or without the suffix that keeps ids of
    one kind apart within a block ("hire_answer:startup")."""
    either = "|".join(re.escape(action.value) for action in actions)
    return re.compile(rf"^({either})(:.*)?$")
