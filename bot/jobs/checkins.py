""" "Did it hold up?": the check-in DMs that are due, each sent exactly once.

Every process runs this each tick (and `hiring-bot digest` from cron); the database
decides who sends: a check-in is claimed by inserting its (workspace, conversation) row
first, leased to its claimer. A claimer that dies leaves the claim to be taken over once
its lease lapses; the taker first looks in the DM for the dead attempt's message (it
carries the check-in in its metadata), so the DM is never sent twice and never lost.
"""

from __future__ import annotations

import logging

from bot.hiring.checkins import Checkins
from bot.services import Services
from bot.slack.checkins import LEASE, send_checkin
from bot.slack_client import WorkspaceClients

log = logging.getLogger(__name__)


def send_due_checkins(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """Send the check-ins that are due; returns how many this process sent."""
    store = Checkins(services.session_factory)
    now = services.clock.now()
    sent = 0
    for due in store.due(now):
        client = clients.for_workspace(due.workspace_id)
        if client is None:  # uninstalled: nothing is claimed, a reinstall still asks
            continue
        try:
            claim = store.take(due, identity, now, LEASE)
            if claim is not None and send_checkin(services, clients, client, claim):
                sent += 1
        except Exception:  # the claim's lease lapses and it is tried again; others go on
            log.exception("check-in of conversation %s failed; carrying on", due.conversation_id)
    return sent
