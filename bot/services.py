"""What every listener and job needs, built once per app and handed to listeners.

Bolt passes custom context keys to listeners as arguments, so a listener that takes
`services: Services` gets this object (see `bot.app.build_app`).
"""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.clock import Clock, SystemClock


@dataclass(frozen=True)
class Services:
    settings: Settings
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    # Post-ack work (Web API calls, database writes) runs here, never on Bolt's ack path.
    background: Executor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=32, thread_name_prefix="after-ack")
    )
