"""Slack retries an event it thinks we missed; its work is done once per event_id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.repositories import EventDedupe


def first_time(
    session_factory: sessionmaker[Session], event_id: object, team_id: str, now: datetime
) -> bool:
    """True the first time `event_id` is seen (and for events without one)."""
    if not isinstance(event_id, str) or not event_id:
        return True
    with session_factory.begin() as session:
        return EventDedupe.first_time(session, event_id[:64], team_id, now)
