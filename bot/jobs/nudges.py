"""One reminder in the thread of a conversation that has waited too long for its starter."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.content.criteria import load_criteria
from bot.hiring.conversations import Conversations
from bot.services import Services
from bot.slack.hire import WorkspaceDesks
from bot.slack_client import DEAD_TOKEN_ERRORS, WorkspaceClients

log = logging.getLogger(__name__)


def send_due_nudges(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """Post the reminders that are due; returns how many this process took on. Each is
    claimed and owed in one transaction, so one that a crash or Slack cuts off is finished
    by the outbox's delivery (`bot.jobs.outbox`), never lost and never posted twice."""
    criteria = load_criteria()
    conversations = Conversations(services.session_factory, criteria)
    now = services.clock.now()
    idle_since = now - timedelta(seconds=services.settings.nudge_after_seconds)
    desks = WorkspaceDesks(services, clients, criteria)
    taken = 0
    for view in conversations.idle(idle_since):
        owed = conversations.claim_nudge(view, now)
        if owed is None:  # another process has it
            continue
        desk = desks.get(view.workspace_id)
        if desk is None:
            # Uninstalled: this idle spell is passed over once, so it never comes back each
            # tick or crowds out other workspaces' reminders.
            conversations.complete_nudge(owed, None, "skipped", now)
            continue
        taken += 1
        refused = desk.remind(view, owed)
        if refused is not None:
            clients.token_refused(view.workspace_id, desk.delivery.client, refused)
            if refused in DEAD_TOKEN_ERRORS:
                desks.unreachable(view.workspace_id)
    return taken
