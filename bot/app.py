"""The Bolt app factory: no globals, so tests and the sandbox build their own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.orm import Session, sessionmaker

from bot import listeners
from bot.config import Settings
from bot.installations import Installations
from bot.listeners.background import report_error
from bot.services import Services
from bot.slack.actor import Admins, resolve_actor
from bot.slack.payloads import typed_click

log = logging.getLogger(__name__)


# What someone in Slack sees when their workspace's token cannot be used (uninstalled, or
# sealed with a key the server lacks); the server's log says which.
CANNOT_ACT_HERE = (
    ":warning: The hiring bot cannot act in this workspace right now, so nothing was changed. "
    "Whoever runs it can see why in its log; if the app was removed from this workspace, "
    "install it again."
)


def build_app(services: Services, client: WebClient, *, installations: Installations | None) -> App:
    """`installations` is set in multi-workspace (OAuth) mode, None with one bot token."""
    settings, session_factory = services.settings, services.session_factory
    app = App(
        client=client,
        signing_secret=settings.signing_secret or "",
        # Socket Mode has no HTTP signatures; HTTP mode always verifies them.
        request_verification_enabled=bool(settings.signing_secret),
        token_verification_enabled=False,
        oauth_settings=_oauth_settings(settings, session_factory, installations)
        if installations is not None
        else None,
        # Each request's bot token comes fresh (refreshed when Slack rotates it), as jobs' do.
        authorize=installations.authorize if installations is not None else None,
        user_facing_authorize_error_message=CANNOT_ACT_HERE if installations else None,
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(max_workers=16, thread_name_prefix="bolt-listener"),
        raise_error_for_unhandled_request=False,
    )
    app.use(_inject(services))
    app.use(typed_click)
    app.use(resolve_actor(Admins(services.clock)))
    listeners.register(app)
    if installations is not None:
        # Bolt's own listeners: app_uninstalled deletes the workspace's installation and
        # tokens_revoked its bot token. Its decisions and settings stay; jobs find no token and
        # skip it, and a reinstall picks up where it left off.
        app.enable_token_revocation_listeners()
    app.error(_handle_error)
    return app


def _oauth_settings(
    settings: Settings,
    session_factory: sessionmaker[Session],
    installations: Installations,
) -> OAuthSettings:
    engine = session_factory.kw["bind"]
    assert settings.client_id is not None and settings.client_secret is not None
    return OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(settings.oauth_scopes),
        # The OAuth flow stores each installation here (tokens sealed with
        # TOKEN_ENCRYPTION_KEY); requests and jobs read them through installations.tokens.
        installation_store=installations.store,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=600, engine=engine, table_name="slack_oauth_states"
        ),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )


def _inject(services: Services) -> Callable[..., Any]:
    def inject_services(context: dict[str, Any], next: Callable[[], Any]) -> Any:
        context["services"] = services
        return next()

    return inject_services


def _handle_error(error: Exception, body: dict[str, Any], respond: Any = None) -> None:
    report_error(error, body, respond)
