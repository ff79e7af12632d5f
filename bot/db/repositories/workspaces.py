"""Workspaces (the scope of every other row) and Events API dedupe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.db.models import ProcessedEvent, Workspace
from bot.db.repositories._writes import insert_if_absent

# Every request asks for its workspace's id: one column by the unique key, as a Core
# statement built once (no ORM statement building or loading on every click).
_workspaces = Workspace.__table__
_ID_BY_TEAM = select(_workspaces.c.id).where(
    _workspaces.c.team_id == bindparam("team_id"),
    _workspaces.c.enterprise_id == bindparam("enterprise_id"),
)


class WorkspaceRepository:
    @staticmethod
    def get(session: Session, team_id: str, enterprise_id: str | None = None) -> Workspace | None:
        return session.scalar(
            select(Workspace).where(
                Workspace.team_id == team_id, Workspace.enterprise_id == (enterprise_id or "")
            )
        )

    @staticmethod
    def by_id(session: Session, workspace_id: int) -> Workspace | None:
        return session.get(Workspace, workspace_id)

    @staticmethod
    def lock(session: Session, workspace_id: int) -> None:
        """Hold the workspace's row until the transaction ends, so changes to its settings
        are made one at a time (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises)."""
        session.execute(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update())

    @staticmethod
    def id_for(
        session: Session,
        team_id: str,
        enterprise_id: str | None = None,
        now: datetime | None = None,
    ) -> int:
        """The id of the workspace for (team, enterprise), created once even when two
        processes race. Every request asks, so it reads one column, not the whole row."""
        key = {"team_id": team_id, "enterprise_id": enterprise_id or ""}
        existing: int | None = session.execute(_ID_BY_TEAM, key).scalar_one_or_none()
        if existing is not None:
            return existing
        inserted = insert_if_absent(
            session,
            Workspace,
            {
                "team_id": team_id,
                "enterprise_id": enterprise_id or "",
                "created_at": now or utcnow(),
            },
            ["enterprise_id", "team_id"],
        )
        # Either our row or the committed row of the process that beat us.
        return inserted if inserted is not None else session.execute(_ID_BY_TEAM, key).scalar_one()


class EventDedupe:
    """Slack retries events; `event_id` is unique across Slack, so it alone is the key.

    Keyed by the payload's team id string rather than a workspace row because the check
    runs before (and must not depend on) the workspace lookup.
    """

    @staticmethod
    def first_time(
        session: Session, event_id: str, team_id: str, now: datetime | None = None
    ) -> bool:
        """True exactly once per event_id, however many retries arrive at once."""
        values = {"event_id": event_id, "team_id": team_id, "received_at": now or utcnow()}
        return insert_if_absent(session, ProcessedEvent, values, ["event_id"]) is not None
