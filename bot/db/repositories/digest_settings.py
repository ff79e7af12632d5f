"""Who manages a workspace's digest besides its admins, and the history of its settings.

Both are changed inside the transaction that changes the settings, after
`WorkspaceRepository.lock`, so two changes at once are kept one after the other and each
one's "before" is what the other left."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import DigestManager, DigestSettingsChange
from bot.db.repositories._writes import insert_if_absent


class DigestManagerRepository:
    @staticmethod
    def list(session: Session, workspace_id: int) -> tuple[str, ...]:
        """The workspace's digest managers' user ids, in a stable order."""
        return tuple(
            session.scalars(
                select(DigestManager.user_id)
                .where(DigestManager.workspace_id == workspace_id)
                .order_by(DigestManager.user_id)
            )
        )

    @staticmethod
    def replace(
        session: Session,
        workspace_id: int,
        user_ids: Iterable[str],
        *,
        named_by: str,
        now: datetime,
    ) -> None:
        """Make `user_ids` the managers: those already named keep when and by whom."""
        wanted = set(user_ids)
        session.execute(
            delete(DigestManager).where(
                DigestManager.workspace_id == workspace_id, DigestManager.user_id.not_in(wanted)
            )
        )
        for user_id in sorted(wanted):
            insert_if_absent(
                session,
                DigestManager,
                {
                    "workspace_id": workspace_id,
                    "user_id": user_id,
                    "named_by": named_by,
                    "named_at": now,
                },
                ["workspace_id", "user_id"],
            )


class DigestSettingsChangeRepository:
    @staticmethod
    def add(
        session: Session,
        workspace_id: int,
        *,
        changed_by: str,
        changed_at: datetime,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> int:
        row = DigestSettingsChange(
            workspace_id=workspace_id,
            changed_by=changed_by,
            changed_at=changed_at,
            before=dict(before),
            after=dict(after),
        )
        session.add(row)
        session.flush()
        return row.id

    @staticmethod
    def latest(session: Session, workspace_id: int, limit: int) -> list[DigestSettingsChange]:
        """The workspace's latest changes, newest first."""
        return list(
            session.scalars(
                select(DigestSettingsChange)
                .where(DigestSettingsChange.workspace_id == workspace_id)
                .order_by(DigestSettingsChange.changed_at.desc(), DigestSettingsChange.id.desc())
                .limit(limit)
            )
        )
