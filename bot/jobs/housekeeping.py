"""Hourly clean-up, once per hour across every replica.

`processed_events` only has to remember an event id for as long as Slack may retry it
(minutes), and an OAuth state is useless once expired; without pruning both grow with
every event and every anonymous visit to /slack/install. A delivered outbox row is kept a
day (what happened to a message, for whoever looks into a complaint), then goes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.db.repositories import OutboxRepository
from bot.db.repositories.housekeeping import HousekeepingRepository
from bot.services import Services
from bot.slack_client import WorkspaceClients

log = logging.getLogger(__name__)

JOB = "prune"
# Slack retries an event three times within about five minutes; a day is ample.
EVENT_IDS_KEPT_FOR = timedelta(days=1)
RUNS_KEPT_FOR = timedelta(days=30)
OUTBOX_KEPT_FOR = timedelta(days=1)


def period_key(now: datetime) -> str:
    """The UTC hour: one clean-up per hour, whichever replica's tick gets there first."""
    return now.strftime("%Y-%m-%dT%H")


def prune_expired_rows(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """Delete what has expired; the number of rows removed (0 when another replica has it)."""
    now = services.clock.now()
    with services.session_factory.begin() as session:
        repository = HousekeepingRepository
        run_id = repository.claim(session, JOB, period_key(now), identity, now)
        if run_id is None:
            return 0
        removed = (
            repository.prune_processed_events(session, now - EVENT_IDS_KEPT_FOR)
            + repository.prune_oauth_states(session, now)
            + repository.prune_runs(session, now - RUNS_KEPT_FOR)
            + OutboxRepository.prune(session, now - OUTBOX_KEPT_FOR)
        )
        repository.record_removed(session, run_id, removed)
    if removed:
        log.info("housekeeping removed %d expired rows", removed)
    return removed
