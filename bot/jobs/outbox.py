"""Deliver what is owed to Slack and was not delivered in time: a request that crashed or
lost its database between a change and its message, or Slack refusing for a while.

Every process runs it each tick. A row is taken over with a guarded UPDATE once its lease
has lapsed, so of several replicas exactly one delivers it; the message's idempotency key
(in its metadata) lets the new attempt find a post an earlier one made before it died.
"""

from __future__ import annotations

import logging

from bot.content.criteria import load_criteria
from bot.core.hire import VOICE_KINDS, ConversationView, Owed
from bot.hiring.conversations import Conversations
from bot.services import Services
from bot.slack.hire import HireDesk, WorkspaceDesks
from bot.slack.voices import VoiceDesk
from bot.slack_client import WorkspaceClients

log = logging.getLogger(__name__)


def deliver_owed(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """Deliver the owed messages whose lease has lapsed; returns how many were taken on."""
    criteria = load_criteria()
    conversations = Conversations(services.session_factory, criteria)
    now = services.clock.now()
    desks = WorkspaceDesks(services, clients, criteria)
    taken = conversations.take_due(now)
    for owed, view in taken:
        desk = desks.get(view.workspace_id)
        if desk is None:  # uninstalled: nobody there to read it
            conversations.finish_owed(owed, "superseded", now, "uninstalled")
            continue
        try:
            _redeliver(desk, owed, view)
        except Exception:  # its lease lapses and it is tried again; others go on
            log.exception("delivering %s failed; it will be tried again", owed.key)
    return len(taken)


def _redeliver(desk: HireDesk, owed: Owed, view: ConversationView) -> None:
    """Who delivers each kind: "Ask the team"'s desk its own, the conversation's the rest."""
    if owed.kind in VOICE_KINDS:
        VoiceDesk(desk.services, desk.delivery.client, desk.criteria).redeliver(owed, view)
    else:
        desk.redeliver(owed, view)
