"""Repositories: the only code that writes SQL. Every query takes the workspace it is scoped to.

Race-prone writes (first time we see a workspace or an event) insert inside a SAVEPOINT
and treat a unique-key violation as "someone else got there first", which works the same
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import ProcessedEvent, Workspace


def insert_or_lose(session: Session, row: object) -> bool:
    """Insert `row`; False (and nothing changed) when a unique key says it already exists."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


class WorkspaceRepository:
    @staticmethod
    def get(session: Session, team_id: str, enterprise_id: str | None = None) -> Workspace | None:
        return session.scalar(
            select(Workspace).where(
                Workspace.team_id == team_id, Workspace.enterprise_id == (enterprise_id or "")
            )
        )

    @classmethod
    def get_or_create(
        cls,
        session: Session,
        team_id: str,
        enterprise_id: str | None,
        now: datetime,
        name: str | None = None,
    ) -> Workspace:
        existing = cls.get(session, team_id, enterprise_id)
        if existing is not None:
            return existing
        row = Workspace(
            team_id=team_id, enterprise_id=enterprise_id or "", name=name, created_at=now
        )
        if insert_or_lose(session, row):
            return row
        found = cls.get(session, team_id, enterprise_id)
        assert found is not None  # the row that beat us is committed and visible now
        return found


class EventDedupe:
    @staticmethod
    def first_time(session: Session, event_id: str, team_id: str, now: datetime) -> bool:
        """True exactly once per Slack event_id, however many retries arrive at once."""
        return insert_or_lose(
            session, ProcessedEvent(event_id=event_id, team_id=team_id, received_at=now)
        )
