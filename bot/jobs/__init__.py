"""Periodic jobs run by the scheduler and by `hiring-bot digest` (cron)."""

from __future__ import annotations

from collections.abc import Callable

from bot.jobs.checkins import send_due_checkins
from bot.jobs.digest import post_due_digests
from bot.jobs.housekeeping import prune_expired_rows
from bot.jobs.nudges import remind_silent_voices, send_due_nudges
from bot.jobs.outbox import deliver_owed
from bot.services import Services
from bot.slack_client import WorkspaceClients

JOBS: list[tuple[str, Callable[[Services, WorkspaceClients, str], object]]] = [
    # First: a conversation's owed question matters more to someone waiting than the rest.
    ("outbox", deliver_owed),
    ("digests", post_due_digests),
    ("nudges", send_due_nudges),
    ("checkins", send_due_checkins),
    ("voice reminders", remind_silent_voices),
    ("housekeeping", prune_expired_rows),
]
