"""Assembles the real product from settings: engine, sessions, Web API client, Bolt app."""

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
from bot.slack_client import build_web_client


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    client: WebClient
    app: App
    services: Services

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
    app = build_app(services, client)
    return Runtime(settings, engine, session_factory, client, app, services)
