"""One reminder in the thread of a conversation that has waited too long for its starter."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import conversation as plans
from bot.content.criteria import load_criteria
from bot.hiring.conversations import Conversations
from bot.services import Services
from bot.slack.deliver import Delivery, error_code, thread_gone
from bot.slack_client import DEAD_TOKEN_ERRORS, WorkspaceClients

log = logging.getLogger(__name__)


def send_due_nudges(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """Post the reminders that are due; returns how many this process posted."""
    criteria = load_criteria()
    conversations = Conversations(services.session_factory, criteria)
    now = services.clock.now()
    idle_since = now - timedelta(seconds=services.settings.nudge_after_seconds)
    workspace_clients: dict[int, WebClient | None] = {}
    posted = 0
    for view in conversations.idle(idle_since):
        if view.workspace_id not in workspace_clients:
            workspace_clients[view.workspace_id] = clients.for_workspace(view.workspace_id)
        client = workspace_clients[view.workspace_id]
        nudge_id = conversations.claim_nudge(view, now)
        if nudge_id is None:  # another process has it
            continue
        if client is None:
            # Uninstalled: this idle spell is passed over once, so it never comes back each
            # tick or crowds out other workspaces' reminders.
            conversations.complete_nudge(nudge_id, None, "skipped")
            continue
        [reminder] = plans.nudge(view, criteria)
        assert isinstance(reminder, plans.Post)
        try:
            ts = Delivery(client).post(view.channel_id, reminder.message, view.root_ts)
        except SlackApiError as error:
            code = error_code(error)
            log.warning("nudge for conversation %s failed: %s", view.id, code)
            conversations.complete_nudge(nudge_id, None, "failed")
            cause = thread_gone(code, posting=True, on_root=True)
            if cause is not None:  # nobody can answer there any more: say so everywhere
                conversations.orphan(view, cause, "", now)
            clients.token_refused(view.workspace_id, client, code)
            if code in DEAD_TOKEN_ERRORS:
                workspace_clients[view.workspace_id] = None
            continue
        conversations.complete_nudge(nudge_id, ts, "posted")
        posted += 1
    return posted
