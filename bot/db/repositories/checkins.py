"""Check-ins ("did it hold up?"): the setting, the exactly-once claim of each DM, and the
answers. A check-in row is the claim: inserted with a unique (workspace, conversation) key
before the DM is sent, leased to its claimer, taken over with a guarded UPDATE once the
lease has lapsed. An answer is a guarded UPDATE on the row's version plus a history row."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select, update
from sqlalchemy.orm import Session

from bot.core.checkins import DEFAULT_AFTER_DAYS
from bot.core.visibility import Audience
from bot.db.models import (
    Checkin,
    CheckinAnswer,
    Decision,
    DigestSettings,
    HiringConversation,
    Workspace,
)
from bot.db.repositories._writes import guarded_update, insert_if_absent
from bot.db.repositories.decision_log import hidden_from, seen_by
from bot.db.repositories.digests import DEFAULTS

Conv = HiringConversation


class CheckinRepository:
    # -- the setting ----------------------------------------------------------------------
    @staticmethod
    def after_days(session: Session, workspace_id: int) -> int:
        """Days after a decision its check-in is due (0: off); the default until changed."""
        days = session.scalar(
            select(DigestSettings.checkin_after_days).where(
                DigestSettings.workspace_id == workspace_id
            )
        )
        return DEFAULT_AFTER_DAYS if days is None else int(days)

    @staticmethod
    def set_after_days(session: Session, workspace_id: int, days: int, now: datetime) -> None:
        """Store the setting with the workspace's settings (the row is made on first use,
        once even when two processes race; the digest's settings keep their values)."""
        insert_if_absent(
            session,
            DigestSettings,
            {"workspace_id": workspace_id, "updated_at": now, **DEFAULTS},
            ["workspace_id"],
        )
        session.execute(
            update(DigestSettings)
            .where(DigestSettings.workspace_id == workspace_id)
            .values(checkin_after_days=days)
        )

    @staticmethod
    def settings_of_all(session: Session) -> builtins.list[tuple[int, int]]:
        """(workspace, days) for every workspace: the job looks at all of them."""
        rows = session.execute(
            select(Workspace.id, DigestSettings.checkin_after_days)
            .outerjoin(DigestSettings, DigestSettings.workspace_id == Workspace.id)
            .order_by(Workspace.id)
        )
        return [
            (workspace_id, DEFAULT_AFTER_DAYS if days is None else int(days))
            for workspace_id, days in rows
        ]

    # -- what is due ------------------------------------------------------------------------
    @staticmethod
    def due_decisions(
        session: Session, workspace_id: int, since: datetime, until: datetime, limit: int
    ) -> builtins.list[tuple[int, str, datetime]]:
        """(conversation, decided by, decided at) of the decisions, still standing, decided
        in [since, until] and never asked about; oldest first."""
        asked = exists().where(
            Checkin.workspace_id == workspace_id, Checkin.conversation_id == Conv.id
        )
        rows = session.execute(
            select(Conv.id, Decision.decided_by, Decision.decided_at)
            .join(Decision, Decision.conversation_id == Conv.id)
            .where(
                Conv.workspace_id == workspace_id,
                Decision.workspace_id == workspace_id,
                Conv.state == "decided",
                Decision.decided_at >= since,
                Decision.decided_at <= until,
                ~asked,
            )
            .order_by(Decision.decided_at, Conv.id)
            .limit(limit)
        )
        return [(conv_id, by, at) for conv_id, by, at in rows]

    @staticmethod
    def lapsed(session: Session, now: datetime, limit: int) -> builtins.list[Checkin]:
        """Claims whose lease has lapsed (any workspace: a job), oldest first."""
        return builtins.list(
            session.scalars(
                select(Checkin)
                .where(Checkin.status == "claimed", Checkin.lease_until <= now)
                .order_by(Checkin.lease_until, Checkin.id)
                .limit(limit)
            )
        )

    # -- claims -----------------------------------------------------------------------------
    @staticmethod
    def claim(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        decided_by: str,
        decided_at: datetime,
        *,
        claimed_by: str,
        now: datetime,
        lease_until: datetime,
    ) -> int | None:
        """The new check-in's id, or None: it was already claimed (by anyone, ever)."""
        return insert_if_absent(
            session,
            Checkin,
            {
                "workspace_id": workspace_id,
                "conversation_id": conversation_id,
                "decided_by": decided_by,
                "decided_at": decided_at,
                "status": "claimed",
                "claimed_by": claimed_by,
                "claimed_at": now,
                "lease_until": lease_until,
                "attempts": 1,
                "version": 0,
            },
            ["workspace_id", "conversation_id"],
        )

    @staticmethod
    def take_over(
        session: Session,
        workspace_id: int,
        checkin_id: int,
        seen_attempts: int,
        *,
        claimed_by: str,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        """Take over a claim whose lease has lapsed; False if another process did."""
        return guarded_update(
            session,
            Checkin,
            [*_held(workspace_id, checkin_id, seen_attempts), Checkin.lease_until <= now],
            {"claimed_by": claimed_by, "lease_until": lease_until, "attempts": seen_attempts + 1},
        )

    @staticmethod
    def finish(
        session: Session,
        workspace_id: int,
        checkin_id: int,
        attempt: int,
        status: str,
        *,
        now: datetime,
        channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Sent (where, with its ts) or failed; False if the claim was finished or taken
        over since."""
        return guarded_update(
            session,
            Checkin,
            _held(workspace_id, checkin_id, attempt),
            {
                "status": status,
                "channel_id": channel_id,
                "message_ts": message_ts,
                "error": None if error is None else error[:200],
                "finished_at": now,
            },
        )

    @staticmethod
    def postpone(
        session: Session,
        workspace_id: int,
        checkin_id: int,
        attempt: int,
        *,
        retry_at: datetime,
        error: str,
    ) -> bool:
        """A try failed for a reason that may pass: anyone may try again from `retry_at`."""
        return guarded_update(
            session,
            Checkin,
            _held(workspace_id, checkin_id, attempt),
            {"lease_until": retry_at, "error": error[:200]},
        )

    # -- reading ------------------------------------------------------------------------------
    @staticmethod
    def get(session: Session, workspace_id: int, checkin_id: int) -> Checkin | None:
        return session.scalar(
            select(Checkin).where(Checkin.workspace_id == workspace_id, Checkin.id == checkin_id)
        )

    @staticmethod
    def for_conversation(
        session: Session, workspace_id: int, conversation_id: int
    ) -> Checkin | None:
        return session.scalar(
            select(Checkin).where(
                Checkin.workspace_id == workspace_id, Checkin.conversation_id == conversation_id
            )
        )

    @staticmethod
    def answers(
        session: Session, workspace_id: int, conversation_id: int
    ) -> builtins.list[CheckinAnswer]:
        """Every answer to the conversation's check-in, oldest first."""
        return builtins.list(
            session.scalars(
                select(CheckinAnswer)
                .where(
                    CheckinAnswer.workspace_id == workspace_id,
                    CheckinAnswer.conversation_id == conversation_id,
                )
                .order_by(CheckinAnswer.answered_at, CheckinAnswer.id)
            )
        )

    # -- answering ----------------------------------------------------------------------------
    @staticmethod
    def record_answer(
        session: Session,
        workspace_id: int,
        checkin: Checkin,
        seen_version: int,
        *,
        answer: str,
        note: str | None,
        user: str,
        now: datetime,
    ) -> bool:
        """Make `answer` (and `note`) the check-in's answer if it is still at
        `seen_version`, and keep it in the history; False for a stale or double click."""
        won = guarded_update(
            session,
            Checkin,
            [
                Checkin.workspace_id == workspace_id,
                Checkin.id == checkin.id,
                Checkin.version == seen_version,
            ],
            {
                "answer": answer,
                "note": note,
                "answered_by": user,
                "answered_at": now,
                "version": seen_version + 1,
            },
        )
        if won:
            session.add(
                CheckinAnswer(
                    workspace_id=workspace_id,
                    checkin_id=checkin.id,
                    conversation_id=checkin.conversation_id,
                    answer=answer,
                    note=note,
                    answered_by=user,
                    answered_at=now,
                )
            )
            session.flush()
        return won

    # -- counting -----------------------------------------------------------------------------
    @staticmethod
    def answered_calls(
        session: Session, workspace_id: int, audience: Audience
    ) -> builtins.list[tuple[str, bool]]:
        """(answer, followed the recommendation) of every answered check-in of a decision
        that still stands and that `audience` may read."""
        rows = session.execute(
            _of_standing_decisions(
                workspace_id, Checkin.answer, Decision.recommendation, Decision.final_outcome
            ).where(Checkin.answer.is_not(None), seen_by(audience))
        )
        return [(str(answer), rec == final) for answer, rec, final in rows]

    @staticmethod
    def hidden_answered(
        session: Session,
        workspace_id: int,
        audience: Audience,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many answered check-ins (answered in [since, until), if given) are in private
        channels `audience` may not read."""
        query = _of_standing_decisions(workspace_id, func.count(Checkin.id)).where(
            Checkin.answer.is_not(None), hidden_from(audience)
        )
        if since is not None:
            query = query.where(Checkin.answered_at >= since)
        if until is not None:
            query = query.where(Checkin.answered_at < until)
        return int(session.scalar(query) or 0)

    @staticmethod
    def answered_between(
        session: Session, workspace_id: int, since: datetime, until: datetime, audience: Audience
    ) -> builtins.list[tuple[HiringConversation, Checkin]]:
        """Check-ins of standing decisions `audience` may read whose latest answer came in
        [since, until), oldest first, with their conversations."""
        rows = session.execute(
            _of_standing_decisions(workspace_id, Conv, Checkin)
            .where(Checkin.answered_at >= since, Checkin.answered_at < until, seen_by(audience))
            .order_by(Checkin.answered_at, Checkin.id)
        )
        return [(conv, checkin) for conv, checkin in rows]


def _of_standing_decisions(workspace_id: int, *columns: Any) -> Select[Any]:
    """`columns` of the workspace's check-ins whose conversation still has its decision."""
    return (
        select(*columns)
        .select_from(Checkin)
        .join(Conv, Conv.id == Checkin.conversation_id)
        .join(Decision, Decision.conversation_id == Checkin.conversation_id)
        .where(Checkin.workspace_id == workspace_id, Conv.workspace_id == workspace_id)
    )


def _held(workspace_id: int, checkin_id: int, attempt: int) -> list[ColumnElement[bool]]:
    """The claim as its holder left it: still claimed, and not taken over since."""
    return [
        Checkin.workspace_id == workspace_id,
        Checkin.id == checkin_id,
        Checkin.status == "claimed",
        Checkin.attempts == attempt,
    ]
