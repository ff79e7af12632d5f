"""The App Home tab: the person's open conversations, recent decisions, how past calls held up
and the digest settings, drawn for them and published."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks import home as home_blocks
from bot.core.actor import Actor
from bot.hiring.log import DecisionLog
from bot.services import Services
from bot.slack.actor import workspace_of
from bot.slack.links import workspace_url
from bot.slack.visibility import reader_audience


class HomeDesk:
    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client

    def publish(self, actor: Actor, notice: str | None = None) -> None:
        """Draw the person's Home tab; `notice` answers what they just did there. An admin,
        who may close anyone's conversation, sees everyone's open ones (those in private
        channels only if they are in them, like everything else here)."""
        workspace_id = workspace_of(self.services, actor.team)
        admin = actor.is_admin()
        log = DecisionLog(self.services.session_factory)
        audience = reader_audience(
            self.client, self.services.channels, log, workspace_id, actor.user
        )
        home = log.home(
            workspace_id,
            actor.user,
            self.services.clock.now(),
            workspace_url(self.client),
            audience=audience,
            everyone_open=admin,
        )
        view = home_blocks.home_view(actor.user, home, notice)
        self.client.views_publish(user_id=actor.user, view=view)
