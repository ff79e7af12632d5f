"""Who is acting, where, for which workspace: the context of the decision log's, the
digest's and the Home tab's listeners. (The conversation itself goes through bot.slack.hire.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.content.criteria import load_criteria
from bot.hiring.conversations import Conversations, Team
from bot.services import Services


@dataclass
class Context:
    """Who is acting, where, for which workspace; built once per request."""

    services: Services
    client: WebClient
    conversations: Conversations
    workspace_id: int
    user: str

    @property
    def now(self) -> datetime:
        return self.services.clock.now()


def build_context(
    services: Services, client: WebClient, context: dict[str, Any], user: str
) -> Context:
    conversations = Conversations(services.session_factory, load_criteria())
    team = Team(str(context.get("team_id") or ""), context.get("enterprise_id"))
    workspace_id = conversations.workspace_of(team, services.clock.now())
    return Context(services, client, conversations, workspace_id, user)
