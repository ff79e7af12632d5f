"""One reminder in the thread of a conversation that has waited too long for its starter."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.content.criteria import load_criteria
from bot.hiring.conversations import Conversations
from bot.hiring.voices import Voices
from bot.services import Services
from bot.slack.hire import WorkspaceDesks
from bot.slack.voices import VoiceDesk
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


def remind_silent_voices(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """One reminder in the DM of each teammate asked to answer for the team who has not
    finished after the nudge delay. It is claimed per invitee with one guarded UPDATE, and
    owed in the outbox in the same transaction, so it goes out once across processes and
    restarts, and a crash or a Slack refusal before it lands leaves it owed for the
    outbox's delivery, never lost. It is not claimed while their current question is still
    owed (a later run reminds them once that is delivered), so they never get it twice."""
    criteria = load_criteria()
    voices = Voices(services.session_factory, criteria)
    conversations = Conversations(services.session_factory, criteria)
    now = services.clock.now()
    invited_before = now - timedelta(seconds=services.settings.nudge_after_seconds)
    sent = 0
    for workspace_id, voice, _round in voices.due_reminders(invited_before):
        owed = voices.claim_reminder(workspace_id, voice, now)
        if owed is None:
            continue  # another process has it
        client = clients.for_workspace(workspace_id)
        view = conversations.get_in(workspace_id, voice.conversation_id)
        if client is None or view is None:  # uninstalled, or deleted meanwhile
            for row in owed:
                conversations.finish_owed(row, "superseded", now, "unreachable workspace")
            continue
        desk = VoiceDesk(services, client, criteria)
        for row in owed:  # the reminder, then the question it may ask again
            try:
                desk.redeliver(row, view)
            except Exception:  # its lease lapses and the outbox's delivery tries it again
                log.exception("reminding %s failed; it will be tried again", voice.user)
        sent += 1
    return sent
