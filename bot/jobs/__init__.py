"""Periodic jobs run by the scheduler and by `hiring-bot digest` (cron)."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient

from bot.jobs.digest import post_due_digests
from bot.jobs.nudges import send_due_nudges
from bot.services import Services

JOBS: list[tuple[str, Callable[[Services, WebClient, str], object]]] = [
    ("digests", post_due_digests),
    ("nudges", send_due_nudges),
]
