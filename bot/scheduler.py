"""APScheduler only *triggers* work; the database decides who does it (claim rows).

Every process runs the same ticks; a digest or nudge is claimed by inserting a row
with a unique key before it is posted, so several replicas never post twice.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.services import Services
from bot.slack_client import WorkspaceClients

log = logging.getLogger(__name__)

# A job posts to each workspace with that workspace's own client (clients.for_workspace).
Job = Callable[[Services, WorkspaceClients, str], object]


def process_identity() -> str:
    """Who claimed a run: enough to find the process in logs, nothing secret."""
    return f"{socket.gethostname()}:{os.getpid()}"


def scheduled_jobs() -> list[tuple[str, Job]]:
    """The periodic jobs; imported lazily so the scheduler has no Slack-free-core cycles."""
    from bot.jobs import JOBS

    return list(JOBS)


def run_jobs_once(services: Services, clients: WorkspaceClients) -> None:
    """One tick: every job once. A failing job is logged and never stops the others."""
    identity = process_identity()
    for name, job in scheduled_jobs():
        try:
            job(services, clients, identity)
        except Exception:
            log.exception("scheduled job %s failed; it will run again next tick", name)


def build_scheduler(services: Services, clients: WorkspaceClients) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        run_jobs_once,
        "interval",
        seconds=services.settings.scheduler_tick_seconds,
        args=(services, clients),
        id="tick",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=max(30, services.settings.scheduler_tick_seconds),
        next_run_time=None,
    )
    return scheduler


def start_scheduler(services: Services, clients: WorkspaceClients) -> BackgroundScheduler:
    scheduler = build_scheduler(services, clients)
    scheduler.start()
    # First tick soon after start: a digest due while we were down is caught up promptly.
    scheduler.modify_job("tick", next_run_time=datetime.now(UTC) + timedelta(seconds=1))
    return scheduler
