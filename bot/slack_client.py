"""Web API clients: pointed at SLACK_API_URL, each with the bot token of the workspace it
works for. Rate limits are always waited out; server errors and dropped connections are
retried only for calls that are safe to repeat (see `NEVER_REPEATED`)."""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, and_
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.repositories import WorkspaceRepository

log = logging.getLogger(__name__)

# Slack's answers for a token that will never work again (revoked, bad, deactivated).
DEAD_TOKEN_ERRORS = frozenset({"token_revoked", "invalid_auth", "account_inactive"})


# Calls that create something each time they are made. Slack has no idempotency key for
# them, so a 500 or a dropped connection may come after the message landed: repeating the
# call blindly would post it twice. The outbox decides instead, by looking for the message's
# key (bot.slack.deliver). A 429 is safe to repeat: Slack did not carry the call out.
NEVER_REPEATED = frozenset(
    {
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.scheduleMessage",
        "files.completeUploadExternal",
    }
)


def _method_of(request: HttpRequest) -> str:
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class _SafeToRepeat:
    """Mixed into a retry handler: it never repeats a call in NEVER_REPEATED."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if _method_of(request) in NEVER_REPEATED:
            return False
        return bool(
            super()._can_retry(  # type: ignore[misc]
                state=state, request=request, response=response, error=error
            )
        )


class ConnectionErrorRetry(_SafeToRepeat, ConnectionErrorRetryHandler):
    pass


class ServerErrorRetry(_SafeToRepeat, ServerErrorRetryHandler):
    pass


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    return WebClient(
        token=token if token is not None else settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        logger=logging.getLogger("bot.slack"),
        retry_handlers=[
            ConnectionErrorRetry(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetry(max_retry_count=1),
        ],
    )


class InstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store on our migrated tables (see bot.db.models), plus forgetting one token
    Slack has refused, so a workspace whose uninstall event we missed stops like one we saw."""

    def delete_bot_token(self, token: str) -> None:
        # By the token itself, never by workspace: a reinstall since keeps its new token.
        with self.engine.begin() as connection:
            for table in (self.bots, self.installations):
                connection.execute(
                    table.delete().where(
                        and_(table.c.client_id == self.client_id, table.c.bot_token == token)
                    )
                )


def build_installation_store(settings: Settings, engine: Engine) -> InstallationStore:
    assert settings.client_id is not None
    return InstallationStore(
        client_id=settings.client_id,
        engine=engine,
        installations_table_name="slack_installations",
        bots_table_name="slack_bots",
        logger=logging.getLogger("bot.installations"),
    )


class WorkspaceClients:
    """The Web API client for a workspace, for work that no Slack request started (jobs).

    With SLACK_BOT_TOKEN (one workspace) it is that token's client. With OAuth it carries the
    bot token the installation store holds for the workspace, read afresh each time: an
    uninstall handled by any process stops every process at once, and a revoked token is
    never served from a cache. None means the workspace has no token (uninstalled, revoked):
    its scheduled work is skipped, and said once per process in the log.
    """

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        installation_store: InstallationStore | None,
    ) -> None:
        self.settings = settings
        self.sessions = session_factory
        self.store = installation_store
        self._single = None if installation_store is not None else build_web_client(settings)
        self._said_no_token: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> WebClient | None:
        if self.store is None:
            return self._single
        enterprise = enterprise_id or None
        bot = self.store.find_bot(enterprise_id=enterprise, team_id=team_id)
        if bot is None and enterprise is not None:  # an org-wide install covers its workspaces
            bot = self.store.find_bot(
                enterprise_id=enterprise, team_id=None, is_enterprise_install=True
            )
        key = (enterprise or "", team_id)
        if bot is None or not bot.bot_token:
            with self._lock:
                first_time = key not in self._said_no_token
                self._said_no_token.add(key)
            if first_time:
                log.info(
                    "workspace %s has no bot token (uninstalled or revoked): "
                    "skipping its scheduled posts; its data is kept",
                    team_id,
                )
            return None
        with self._lock:
            self._said_no_token.discard(key)
        return build_web_client(self.settings, token=bot.bot_token)

    def for_workspace(self, workspace_id: int) -> WebClient | None:
        if self.store is None:
            return self._single
        with self.sessions() as session:
            workspace = WorkspaceRepository.by_id(session, workspace_id)
            if workspace is None:
                return None
            team_id, enterprise_id = workspace.team_id, workspace.enterprise_id
        return self.for_team(team_id, enterprise_id)

    def token_refused(self, workspace_id: int, client: WebClient, error: str) -> None:
        """Slack answered `error` to the workspace's client; a dead token is dropped from the
        store so no process tries it again (a reinstall brings a new one)."""
        if error not in DEAD_TOKEN_ERRORS or self.store is None or not client.token:
            return
        self.store.delete_bot_token(client.token)
        log.warning(
            "Slack refused the bot token of workspace #%s (%s): it was removed; the workspace "
            "is skipped until the app is installed again",
            workspace_id,
            error,
        )
