"""Housekeeping: expired event ids and OAuth states are pruned, once per hour across replicas.

Drives the job the scheduler runs (`prune_expired_rows`), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.db.models import HousekeepingRun, ProcessedEvent, slack_oauth_states
from bot.jobs.housekeeping import prune_expired_rows
from bot.services import Services
from tests.db.conftest import NOW, race


class FixedClock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self):  # type: ignore[no-untyped-def]
        return self.at


def _services(session_factory: sessionmaker[Session], clock: FixedClock) -> Services:
    return Services(settings=Settings(), session_factory=session_factory, clock=clock)


def _count(session_factory: sessionmaker[Session], table: object) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def _seed(session_factory: sessionmaker[Session]) -> None:
    naive_now = NOW.replace(tzinfo=None)
    with session_factory.begin() as session:
        for event_id, age in [("EvOLD1", 3), ("EvOLD2", 2), ("EvNEW", 0)]:
            session.add(
                ProcessedEvent(
                    event_id=event_id, team_id="T1", received_at=NOW - timedelta(days=age, hours=1)
                )
            )
        session.execute(
            insert(slack_oauth_states),
            [
                {"state": "expired", "expire_at": naive_now - timedelta(minutes=1)},
                {"state": "live", "expire_at": naive_now + timedelta(minutes=9)},
            ],
        )


def test_expired_rows_are_pruned_and_live_ones_kept(session_factory: sessionmaker[Session]) -> None:
    _seed(session_factory)
    clock = FixedClock()
    assert prune_expired_rows(_services(session_factory, clock), None, "replica-a") == 3  # type: ignore[arg-type]
    with session_factory() as session:
        assert list(session.scalars(select(ProcessedEvent.event_id))) == ["EvNEW"]
        assert list(session.scalars(select(slack_oauth_states.c.state))) == ["live"]
    # An hour later the live state has expired too, and the next run takes it.
    clock.at = NOW + timedelta(hours=1)
    assert prune_expired_rows(_services(session_factory, clock), None, "replica-a") == 1  # type: ignore[arg-type]
    assert _count(session_factory, slack_oauth_states) == 0


def test_replicas_prune_once_per_hour(session_factory: sessionmaker[Session]) -> None:
    _seed(session_factory)
    services = _services(session_factory, FixedClock())
    removed = race(8, lambda i: prune_expired_rows(services, None, f"replica-{i}"))  # type: ignore[arg-type]
    assert sorted(removed) == [0] * 7 + [3]
    with session_factory() as session:
        runs = session.execute(select(HousekeepingRun.claimed_by, HousekeepingRun.removed)).all()
    assert len(runs) == 1 and runs[0].removed == 3
