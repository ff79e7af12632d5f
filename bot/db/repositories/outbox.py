"""The outbox: messages owed to Slack, and who is delivering them.

A row is written by `owe` in the transaction of the change that owes the message, leased to
the writer (the request that is about to post it). Whoever posts it records the result with
`finish` in the transaction that records the message's ts. A row still pending when its lease
has lapsed (the writer crashed, the database went away before the ts was stored, or a failed
try set the lease to the time of the next one) is taken over with `take`, a guarded UPDATE:
of several replicas, exactly one wins each row.
"""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from bot.core.hire import Owed, OwedKind, owed_key
from bot.db.models import OutboxMessage
from bot.db.repositories._writes import InsertIfAbsent, changed_one_row, guarded_update

FINISHED = ("sent", "superseded", "failed")

# Owing and finishing are on every click's path: built once, as the conversation's are.
_outbox = OutboxMessage.__table__
_OWE = InsertIfAbsent(_outbox, ["workspace_id", "key"])
_FINISH = update(_outbox).where(
    _outbox.c.id == bindparam("match_id"), _outbox.c.status == "pending"
)


def _owed(row: OutboxMessage) -> Owed:
    kind: OwedKind = row.kind  # type: ignore[assignment]  # the CHECK constraint's values
    return Owed(
        row.id, kind, row.key, row.conversation_id, row.version, row.created_at, row.attempts
    )


class OutboxRepository:
    @staticmethod
    def owe(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        kind: OwedKind,
        version: int,
        *,
        now: datetime,
        lease_until: datetime,
        key: str | None = None,
    ) -> Owed | None:
        """Record that `kind` is owed for the conversation's `version` (under `key`, by
        default `owed_key`); None when it already was (the same change seen twice owes one
        message)."""
        key = key or owed_key(kind, conversation_id, version)
        row_id = _OWE(
            session,
            {
                "workspace_id": workspace_id,
                "conversation_id": conversation_id,
                "kind": kind,
                "key": key,
                "version": version,
                "status": "pending",
                "lease_until": lease_until,
                "attempts": 1,
                "created_at": now,
            },
        )
        return None if row_id is None else Owed(row_id, kind, key, conversation_id, version, now)

    @staticmethod
    def finish(
        session: Session,
        owed_id: int,
        status: str,
        *,
        now: datetime,
        ts: str | None = None,
        error: str | None = None,
    ) -> bool:
        """Sent (with its ts), superseded or failed; False if it was already finished."""
        return changed_one_row(
            session,
            _FINISH,
            {"match_id": owed_id, "status": status, "ts": ts, "error": error, "finished_at": now},
        )

    @staticmethod
    def try_again_at(session: Session, owed_id: int, when: datetime, error: str) -> None:
        """A try failed for a reason that may pass: anyone may try again from `when`."""
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == owed_id, OutboxMessage.status == "pending")
            .values(lease_until=when, error=error[:200])
        )

    @staticmethod
    def due(session: Session, now: datetime, limit: int) -> builtins.list[OutboxMessage]:
        """Pending rows nobody holds (any workspace: a job), oldest first."""
        return builtins.list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == "pending", OutboxMessage.lease_until <= now)
                .order_by(OutboxMessage.lease_until, OutboxMessage.id)
                .limit(limit)
            )
        )

    @staticmethod
    def due_one(session: Session, owed_id: int, now: datetime) -> OutboxMessage | None:
        """The row, if it is pending and nobody holds it."""
        return session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.id == owed_id,
                OutboxMessage.status == "pending",
                OutboxMessage.lease_until <= now,
            )
        )

    @staticmethod
    def take(
        session: Session, row: OutboxMessage, *, now: datetime, lease_until: datetime
    ) -> Owed | None:
        """Take over a pending row whose lease has lapsed; None if another process did."""
        taken = guarded_update(
            session,
            OutboxMessage,
            [
                OutboxMessage.id == row.id,
                OutboxMessage.status == "pending",
                OutboxMessage.attempts == row.attempts,
                OutboxMessage.lease_until <= now,
            ],
            {"lease_until": lease_until, "attempts": row.attempts + 1},
        )
        return replace(_owed(row), attempt=row.attempts + 1) if taken else None

    @staticmethod
    def prune(session: Session, finished_before: datetime) -> int:
        """Forget finished rows; the messages' ts live on with their conversations."""
        result = session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(FINISHED), OutboxMessage.finished_at < finished_before
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
