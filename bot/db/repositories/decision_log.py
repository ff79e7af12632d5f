"""Reading the decision log: pages of conversations, decisions by period, counts.

Read-only; the conversation and decision writes are in `conversations` and `decisions`.
Every query takes its workspace and is bounded by the period or page it is asked for, so
its cost follows what is shown, not the size of the table. The ones that show titles take
the audience they are shown to (`bot.core.visibility`): conversations in private channels
it can't read are left out here, and counted by the `hidden_*` queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from bot.core.visibility import Audience
from bot.db.models import Decision, HiringConversation
from bot.db.repositories.conversations import OPEN_STATES

Conv = HiringConversation


def seen_by(audience: Audience) -> ColumnElement[bool]:
    """Conversations `audience` may read in full: public ones and its private channels'."""
    if audience.everything:
        return true()
    if not audience.private_channels:
        return Conv.private_channel.is_(false())
    return or_(
        Conv.private_channel.is_(false()), Conv.channel_id.in_(sorted(audience.private_channels))
    )


def hidden_from(audience: Audience) -> ColumnElement[bool]:
    return not_(seen_by(audience)) if not audience.everything else false()


def _conversation_filters(
    workspace_id: int,
    states: Sequence[str],
    started_by: str | None,
    created_since: datetime | None,
) -> list[ColumnElement[bool]]:
    filters = [
        Conv.workspace_id == workspace_id,
        Conv.root_ts.is_not(None),
        Conv.state.in_(states),
    ]
    if started_by is not None:
        filters.append(Conv.started_by == started_by)
    if created_since is not None:
        filters.append(Conv.created_at >= created_since)
    return filters


def _decided_filters(
    workspace_id: int, since: datetime | None, until: datetime | None
) -> list[ColumnElement[bool]]:
    filters = [Decision.workspace_id == workspace_id, Conv.workspace_id == workspace_id]
    if since is not None:
        filters.append(Decision.decided_at >= since)
    if until is not None:
        filters.append(Decision.decided_at < until)
    return filters


class DecisionLogRepository:
    @staticmethod
    def page(
        session: Session,
        workspace_id: int,
        *,
        states: Sequence[str],
        audience: Audience,
        started_by: str | None = None,
        created_since: datetime | None = None,
        offset: int = 0,
        limit: int,
    ) -> list[tuple[HiringConversation, Decision | None]]:
        """Posted conversations in `states` that `audience` may read, newest first, each
        with its decision if it has one. Asks for `limit` rows; pass one more than a page
        to learn whether more follow."""
        query = (
            select(Conv, Decision)
            .outerjoin(
                Decision,
                (Decision.conversation_id == Conv.id) & (Decision.workspace_id == workspace_id),
            )
            .where(
                *_conversation_filters(workspace_id, states, started_by, created_since),
                seen_by(audience),
            )
            .order_by(Conv.created_at.desc(), Conv.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [(conv, decision) for conv, decision in session.execute(query)]

    @staticmethod
    def hidden_conversations(
        session: Session,
        workspace_id: int,
        *,
        states: Sequence[str],
        audience: Audience,
        started_by: str | None = None,
        created_since: datetime | None = None,
    ) -> int:
        """How many of the conversations `page` would list are left out for `audience`."""
        return int(
            session.scalar(
                select(func.count(Conv.id)).where(
                    *_conversation_filters(workspace_id, states, started_by, created_since),
                    hidden_from(audience),
                )
            )
            or 0
        )

    @staticmethod
    def private_channels(session: Session, workspace_id: int) -> list[tuple[str, str]]:
        """(channel, started by) of every posted conversation in a private channel: the
        channels whose members decide who sees what."""
        rows = session.execute(
            select(Conv.channel_id, Conv.started_by)
            .where(
                Conv.workspace_id == workspace_id,
                Conv.private_channel.is_(true()),
                Conv.root_ts.is_not(None),
            )
            .distinct()
        )
        return [(channel, started_by) for channel, started_by in rows]

    @staticmethod
    def decided(
        session: Session,
        workspace_id: int,
        *,
        audience: Audience,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[tuple[HiringConversation, Decision]]:
        """Decisions `audience` may read with since <= decided_at < until, oldest first,
        with their conversations (index-backed on (workspace, decided_at): a week costs
        what the week holds)."""
        query = (
            select(Conv, Decision)
            .join(Decision, Decision.conversation_id == Conv.id)
            .where(*_decided_filters(workspace_id, since, until), seen_by(audience))
            .order_by(Decision.decided_at, Decision.id)
        )
        return [(conv, decision) for conv, decision in session.execute(query)]

    @staticmethod
    def hidden_decisions(
        session: Session,
        workspace_id: int,
        *,
        audience: Audience,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many of the decisions `decided` would give are left out for `audience`."""
        return int(
            session.scalar(
                select(func.count(Decision.id))
                .join(Conv, Decision.conversation_id == Conv.id)
                .where(*_decided_filters(workspace_id, since, until), hidden_from(audience))
            )
            or 0
        )

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
    def outcome_counts(
        session: Session, workspace_id: int, since: datetime, audience: Audience
    ) -> dict[str, int]:
        """Decisions `audience` may read since `since`, counted by final outcome."""
        rows = session.execute(
            select(Decision.final_outcome, func.count(Decision.id))
            .join(Conv, Decision.conversation_id == Conv.id)
            .where(*_decided_filters(workspace_id, since, None), seen_by(audience))
            .group_by(Decision.final_outcome)
        )
        return {outcome: int(count) for outcome, count in rows}

    @staticmethod
    def waiting(
        session: Session, workspace_id: int, limit: int, audience: Audience
    ) -> list[HiringConversation]:
        """Posted conversations still open that `audience` may read, the longest-waiting
        first."""
        return list(
            session.scalars(
                select(Conv)
                .where(
                    *_conversation_filters(workspace_id, OPEN_STATES, None, None),
                    seen_by(audience),
                )
                .order_by(Conv.last_activity_at, Conv.id)
                .limit(limit)
            )
        )
