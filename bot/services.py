"""What every listener and job needs, built once per app and handed to listeners.

Bolt passes custom context keys to listeners as arguments, so a listener that takes
`services: Services` gets this object (see `bot.app.build_app`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.clock import Clock, SystemClock


@dataclass(frozen=True)
class Services:
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
