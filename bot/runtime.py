"""Assembles the real product from settings: engine, sessions, Web API clients, Bolt app."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_app
from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.db.session import make_engine, make_session_factory
from bot.installations import Installations, build_installations
from bot.services import Services, make_background_pool
from bot.slack_client import WorkspaceClients, build_web_client
from bot.token_cipher import TokenCipher


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    # Bolt's client: the template of each request's own client, and the OAuth flow's.
    client: WebClient
    app: App
    services: Services
    # What jobs post with: each workspace's own bot token (see WorkspaceClients).
    clients: WorkspaceClients

    def close(self) -> None:
        self.services.background.shutdown(wait=True)
        self.engine.dispose()


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    client = build_web_client(settings)
    services = Services(
        settings=settings,
        session_factory=session_factory,
        clock=clock or SystemClock(),
        background=make_background_pool(settings.background_workers),
    )
    installations = _installations(settings, engine, services.clock)
    app = build_app(services, client, installations=installations)
    clients = WorkspaceClients(
        settings, session_factory, installations.tokens if installations else None
    )
    return Runtime(settings, engine, session_factory, client, app, services, clients)


def _installations(settings: Settings, engine: Engine, clock: Clock) -> Installations | None:
    """OAuth mode's store and token keeper; None with one SLACK_BOT_TOKEN (nothing stored)."""
    if not settings.oauth_enabled:
        return None
    assert settings.client_id is not None and settings.client_secret is not None
    return build_installations(
        engine=engine,
        cipher=TokenCipher(settings.token_keys),
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        client_factory=lambda: build_web_client(settings, token=""),
        clock=clock,
    )
