"""Reading the decision log: pages of conversations, decisions by period, counts.

Read-only; the conversation and decision writes are in `conversations` and `decisions`.
Every query takes its workspace and is bounded by the period or page it is asked for, so
its cost follows what is shown, not the size of the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Decision, HiringConversation
from bot.db.repositories.conversations import OPEN_STATES

Conv = HiringConversation


class DecisionLogRepository:
    @staticmethod
    def page(
        session: Session,
        workspace_id: int,
        *,
        states: Sequence[str],
        started_by: str | None = None,
        created_since: datetime | None = None,
        offset: int = 0,
        limit: int,
    ) -> list[tuple[HiringConversation, Decision | None]]:
        """Posted conversations in `states`, newest first, each with its decision if it has
        one. Asks for `limit` rows; pass one more than a page to learn whether more follow."""
        query = (
            select(Conv, Decision)
            .outerjoin(
                Decision,
                (Decision.conversation_id == Conv.id) & (Decision.workspace_id == workspace_id),
            )
            .where(
                Conv.workspace_id == workspace_id,
                Conv.root_ts.is_not(None),
                Conv.state.in_(states),
            )
            .order_by(Conv.created_at.desc(), Conv.id.desc())
            .offset(offset)
            .limit(limit)
        )
        if started_by is not None:
            query = query.where(Conv.started_by == started_by)
        if created_since is not None:
            query = query.where(Conv.created_at >= created_since)
        return [(conv, decision) for conv, decision in session.execute(query)]

    @staticmethod
    def decided(
        session: Session,
        workspace_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[tuple[HiringConversation, Decision]]:
        """Decisions with since <= decided_at < until, oldest first, with their conversations
        (index-backed on (workspace, decided_at): a week costs what the week holds)."""
        query = (
            select(Conv, Decision)
            .join(Decision, Decision.conversation_id == Conv.id)
            .where(Decision.workspace_id == workspace_id, Conv.workspace_id == workspace_id)
            .order_by(Decision.decided_at, Decision.id)
        )
        if since is not None:
            query = query.where(Decision.decided_at >= since)
        if until is not None:
            query = query.where(Decision.decided_at < until)
        return [(conv, decision) for conv, decision in session.execute(query)]

    @staticmethod
    def count_decided(session: Session, workspace_id: int, since: datetime, until: datetime) -> int:
        """How many decisions have since <= decided_at < until."""
        return int(
            session.scalar(
                select(func.count(Decision.id)).where(
                    Decision.workspace_id == workspace_id,
                    Decision.decided_at >= since,
                    Decision.decided_at < until,
                )
            )
            or 0
        )

    @staticmethod
    def outcome_counts(session: Session, workspace_id: int, since: datetime) -> dict[str, int]:
        """Decisions since `since`, counted by final outcome."""
        rows = session.execute(
            select(Decision.final_outcome, func.count(Decision.id))
            .where(Decision.workspace_id == workspace_id, Decision.decided_at >= since)
            .group_by(Decision.final_outcome)
        )
        return {outcome: int(count) for outcome, count in rows}

    @staticmethod
    def waiting(session: Session, workspace_id: int, limit: int) -> list[HiringConversation]:
        """Posted conversations still open, the longest-waiting first."""
        return list(
            session.scalars(
                select(Conv)
                .where(
                    Conv.workspace_id == workspace_id,
                    Conv.state.in_(OPEN_STATES),
                    Conv.root_ts.is_not(None),
                )
                .order_by(Conv.last_activity_at, Conv.id)
                .limit(limit)
            )
        )
