"""Clean-up of rows that only matter for a while: processed event ids and OAuth states.

Not scoped to a workspace on purpose: both tables are keyed by Slack's own global ids and
are pruned by age alone, and nothing here reads a row's contents.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.orm import Session

from bot.db.models import HousekeepingRun, ProcessedEvent, slack_oauth_states
from bot.db.repositories._writes import insert_if_absent


class HousekeepingRepository:
    @staticmethod
    def claim(
        session: Session, job: str, period_key: str, identity: str, now: datetime
    ) -> int | None:
        """The run's id if this caller is the one to do `job` for `period_key`, else None."""
        values = {"job": job, "period_key": period_key, "claimed_by": identity, "claimed_at": now}
        return insert_if_absent(session, HousekeepingRun, values, ["job", "period_key"])

    @staticmethod
    def record_removed(session: Session, run_id: int, removed: int) -> None:
        session.execute(
            update(HousekeepingRun).where(HousekeepingRun.id == run_id).values(removed=removed)
        )

    @staticmethod
    def prune_processed_events(session: Session, received_before: datetime) -> int:
        result = session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < received_before)
        )
        return cast(CursorResult[Any], result).rowcount

    @staticmethod
    def prune_oauth_states(session: Session, expired_before: datetime) -> int:
        # slack_sdk stores expiry as naive UTC.
        cutoff = expired_before.replace(tzinfo=None)
        result = session.execute(
            delete(slack_oauth_states).where(slack_oauth_states.c.expire_at < cutoff)
        )
        return cast(CursorResult[Any], result).rowcount

    @staticmethod
    def prune_runs(session: Session, claimed_before: datetime) -> int:
        result = session.execute(
            delete(HousekeepingRun).where(HousekeepingRun.claimed_at < claimed_before)
        )
        return cast(CursorResult[Any], result).rowcount
