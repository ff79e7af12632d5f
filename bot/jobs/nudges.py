"""One reminder in the thread of a conversation that has waited too long for its starter."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.content.criteria import load_criteria
from bot.hiring.service import HiringService
from bot.services import Services
from bot.slack_client import DEAD_TOKEN_ERRORS, WorkspaceClients

log = logging.getLogger(__name__)


def send_due_nudges(services: Services, clients: WorkspaceClients, identity: str) -> int:
    """Post the reminders that are due; returns how many this process posted."""
    hiring = HiringService(services.session_factory, load_criteria())
    now = services.clock.now()
    idle_since = now - timedelta(seconds=services.settings.nudge_after_seconds)
    workspace_clients: dict[int, WebClient | None] = {}
    posted = 0
    for snapshot in hiring.idle_conversations(idle_since):
        if snapshot.workspace_id not in workspace_clients:
            workspace_clients[snapshot.workspace_id] = clients.for_workspace(snapshot.workspace_id)
        client = workspace_clients[snapshot.workspace_id]
        nudge_id = hiring.claim_nudge(snapshot, now)
        if nudge_id is None:  # another process has it
            continue
        if client is None:
            # Uninstalled: this idle spell is passed over once, so it never comes back each
            # tick or crowds out other workspaces' reminders.
            hiring.complete_nudge(nudge_id, None, "skipped")
            continue
        question = (
            hiring.question_at(snapshot.current_step) if snapshot.state == "in_progress" else None
        )
        message = hire_blocks.nudge_message(
            snapshot.id,
            snapshot.started_by,
            snapshot.current_step,
            len(hiring.criteria),
            question.prompt if question else None,
        )
        try:
            response = client.chat_postMessage(
                channel=snapshot.channel_id, thread_ts=snapshot.root_ts, **message.as_kwargs()
            )
        except SlackApiError as error:
            code = str(error.response.get("error"))
            log.warning("nudge for conversation %s failed: %s", snapshot.id, code)
            hiring.complete_nudge(nudge_id, None, "failed")
            clients.token_refused(snapshot.workspace_id, client, code)
            if code in DEAD_TOKEN_ERRORS:
                workspace_clients[snapshot.workspace_id] = None
            continue
        hiring.complete_nudge(nudge_id, str(response["ts"]), "posted")
        posted += 1
    return posted
