"""The person behind each request, resolved once: a Bolt middleware puts an `Actor` into the
context (a listener that takes `actor` gets it) and listeners hand it to the desks.

Whether they are a workspace admin or owner is `users.info`'s answer, asked only when a
rule needs it (`bot.core.actor`): a starter answering their own questions, or a modal that
must open before any other call, asks nothing. The answer is kept for a minute per
(workspace, person), shared by the process's requests, so a busy admin costs one call a
minute and a demoted one loses their rights within that minute."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.content.criteria import load_criteria
from bot.core.actor import Actor, Team
from bot.core.clock import Clock
from bot.hiring.conversations import Conversations
from bot.services import Services
from bot.slack.deliver import error_code
from bot.slack.payloads import team_of
from bot.slack.people import _MISSING, BriefCache

log = logging.getLogger(__name__)

ADMIN_TTL_SECONDS = 60.0


class Admins:
    """Who is a workspace admin, asked of Slack and kept briefly, on the product's clock."""

    def __init__(self, clock: Clock, ttl: float = ADMIN_TTL_SECONDS) -> None:
        self.known = BriefCache(ttl, clock=lambda: clock.now().timestamp())

    def is_admin(self, client: WebClient, team: Team, user: str) -> bool:
        key = (team.enterprise_id or "", team.team_id, user)
        found = self.known.get(key)
        if found is not _MISSING:
            return bool(found)
        try:
            person = client.users_info(user=user)["user"]
        except SlackApiError as error:
            # Not kept: the next request asks again.
            log.warning(
                "users.info failed (%s); treating %s as not an admin", error_code(error), user
            )
            return False
        admin = bool(
            person.get("is_admin") or person.get("is_owner") or person.get("is_primary_owner")
        )
        self.known.put(key, admin)
        return admin


def resolve_actor(admins: Admins) -> Callable[..., Any]:
    """Bolt middleware: `context["actor"]` is the request's person (None when it names no
    one, e.g. a bot's message or an uninstall), asking nothing of Slack yet."""

    def actor(context: BoltContext, next: Callable[[], Any]) -> Any:
        user = context.user_id
        if not user:
            context["actor"] = None
            return next()
        team = team_of(context)
        client = context.client  # this request's, with its workspace's token
        context["actor"] = Actor(user, team, lambda: admins.is_admin(client, team, user))
        return next()

    return actor


def workspace_of(services: Services, team: Team) -> int:
    """The workspace's id in the database (recorded on its first request)."""
    conversations = Conversations(services.session_factory, load_criteria())
    return conversations.workspace_of(team, services.clock.now())
