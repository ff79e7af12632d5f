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
from bot.services import Services, make_background_pool
from bot.slack_client import WorkspaceClients, build_installation_store, build_web_client


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
    store = build_installation_store(settings, engine) if settings.oauth_enabled else None
    app = build_app(services, client, installation_store=store)
    clients = WorkspaceClients(settings, session_factory, store)
    return Runtime(settings, engine, session_factory, client, app, services, clients)
