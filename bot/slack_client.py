"""Web API clients: pointed at SLACK_API_URL, each with the bot token of the workspace it
works for. Rate limits are always waited out; server errors and dropped connections are
retried only for calls that are safe to repeat (see `NEVER_REPEATED`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.repositories import WorkspaceRepository
from bot.installations import BotToken, BotTokens
from bot.token_cipher import TokenKeyError

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


# The longest rate-limit wait sat out in the thread that made the call. Longer ones are left
# to the caller: an owed message is tried again once Slack's Retry-After has passed
# (bot.slack.owed), so no thread — a lane's, the scheduler's — sleeps for a channel Slack
# is holding back while other channels' and workspaces' work waits behind it.
WAIT_IN_THREAD_SECONDS = 1


def retry_after_seconds(headers: Mapping[str, Any] | None) -> int | None:
    """Slack's Retry-After (seconds) in a 429's headers, however the client spelled them."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) else value
            try:
                return max(0, int(str(first)))
            except ValueError:
                return None
    return None


class ShortRateLimitWait(RateLimitErrorRetryHandler):
    """Waits out a 429 in the calling thread only when Slack asks for a short wait."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None  # a 429 is a response
        wait = retry_after_seconds(response.headers)
        return wait is None or wait <= WAIT_IN_THREAD_SECONDS


class ServerErrorRetry(_SafeToRepeat, ServerErrorRetryHandler):
    pass


def build_web_client(settings: Settings, token: str | None = None) -> WebClient:
    return WebClient(
        token=token if token is not None else settings.bot_token, **_client_options(settings)
    )


def _client_options(settings: Settings) -> dict[str, Any]:
    return {
        "base_url": settings.slack_api_url,
        "timeout": 15,
        "logger": logging.getLogger("bot.slack"),
        "retry_handlers": [
            ConnectionErrorRetry(max_retry_count=2),
            ShortRateLimitWait(max_retry_count=3),
            ServerErrorRetry(max_retry_count=1),
        ],
    }


class RenewingWebClient(WebClient):
    """A workspace's client for jobs, with a token that rotates: when Slack answers
    `token_expired` (Slack's clock decides, and it may run ahead of ours), it takes the
    workspace's next token once and makes the call again. The refused call did nothing,
    so making it again cannot post twice."""

    def __init__(
        self,
        settings: Settings,
        bot: BotToken,
        renew: Callable[[BotToken], BotToken | None],
    ) -> None:
        super().__init__(token=bot.token, **_client_options(settings))
        self._bot = bot
        self._renew = renew

    def api_call(  # the one method every Web API call goes through
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        # A token given with the call is the caller's, not this client's to renew.
        explicit = "token" in (params or {}) or "token" in (json or {})

        def call() -> SlackResponse:
            return super(RenewingWebClient, self).api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )

        try:
            return call()
        except SlackApiError as error:
            if explicit or error.response.get("error") != "token_expired":
                raise
            renewed = self._renew(self._bot)
            if renewed is None or renewed.token == self._bot.token:
                raise
            self._bot, self.token = renewed, renewed.token
            return call()


class WorkspaceClients:
    """The Web API client for a workspace, for work that no Slack request started (jobs).

    With SLACK_BOT_TOKEN (one workspace) it is that token's client. With OAuth it carries the
    workspace's bot token, read afresh each time and refreshed first when Slack rotates it
    and it is about to expire (bot.installations): an uninstall handled by any process stops
    every process at once, and a revoked token is never served from a cache. None means the
    workspace has no token it can use (uninstalled, revoked, sealed with a key this process
    lacks): its scheduled work is skipped, and said once per process in the log.
    """

    def __init__(
        self,
        settings: Settings,
        session_factory: sessionmaker[Session],
        tokens: BotTokens | None,
    ) -> None:
        self.settings = settings
        self.sessions = session_factory
        self.tokens = tokens
        self._single = None if tokens is not None else build_web_client(settings)
        self._said_no_token: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def for_team(self, team_id: str, enterprise_id: str | None = None) -> WebClient | None:
        if self.tokens is None:
            return self._single
        enterprise = enterprise_id or None
        key = (enterprise or "", team_id)
        try:
            bot = self.tokens.for_team(team_id, enterprise)
        except TokenKeyError as error:
            self._say_once(
                key, logging.ERROR, "workspace %s: %s; skipping its scheduled posts", team_id, error
            )
            return None
        if bot is None:
            self._say_once(
                key,
                logging.INFO,
                "workspace %s has no bot token (uninstalled or revoked): "
                "skipping its scheduled posts; its data is kept",
                team_id,
            )
            return None
        with self._lock:
            self._said_no_token.discard(key)
        return RenewingWebClient(self.settings, bot, self.tokens.renew)

    def _say_once(self, key: tuple[str, str], level: int, message: str, *args: object) -> None:
        with self._lock:
            first_time = key not in self._said_no_token
            self._said_no_token.add(key)
        if first_time:
            log.log(level, message, *args)

    def _workspace(self, workspace_id: int) -> tuple[str, str | None] | None:
        with self.sessions() as session:
            workspace = WorkspaceRepository.by_id(session, workspace_id)
            return None if workspace is None else (workspace.team_id, workspace.enterprise_id)

    def for_workspace(self, workspace_id: int) -> WebClient | None:
        if self.tokens is None:
            return self._single
        found = self._workspace(workspace_id)
        return None if found is None else self.for_team(*found)

    def token_refused(self, workspace_id: int, client: WebClient, error: str) -> None:
        """Slack answered `error` to the workspace's client; a dead token is dropped from the
        store so no process tries it again (a reinstall brings a new one)."""
        if error not in DEAD_TOKEN_ERRORS or self.tokens is None or not client.token:
            return
        found = self._workspace(workspace_id)
        if found is None:
            return
        team_id, enterprise_id = found
        self.tokens.forget(client.token, enterprise_id or None, team_id)
        log.warning(
            "Slack refused the bot token of workspace #%s (%s): it was removed; the workspace "
            "is skipped until the app is installed again",
            workspace_id,
            error,
        )
