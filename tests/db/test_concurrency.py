"""The database settles races: 20 threads, each with its own connection and transaction,
released at the same instant; exactly one wins, the others lose cleanly (no exception).

On PostgreSQL these are truly concurrent transactions (row locks, unique-index waits);
on SQLite writers queue on the database lock (BEGIN IMMEDIATE + busy_timeout). The
conversation's races (clicks, decisions, changes) are in test_conversation_use_cases.py.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest_settings import SettingsChanged
from bot.db.models import DigestRun, DigestSettings, ProcessedEvent, Workspace
from bot.db.repositories import (
    ConversationRepository,
    EventDedupe,
    WorkspaceRepository,
)
from bot.hiring.digest import DigestStore, RunClaim
from bot.jobs.digest import LEASE
from tests.db.conftest import NOW, Workspaces, race

THREADS = 20
Conversations = ConversationRepository


def _count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_twenty_processes_claim_a_digest_period_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    # The claim the scheduler's job makes (bot.jobs.digest), each in its own transaction.
    def claim(i: int) -> RunClaim | None:
        return DigestStore(session_factory).take(
            workspaces.a, "2026-11-16", f"proc-{i}", NOW, LEASE
        )

    winners = [run for run in race(THREADS, claim) if run is not None]
    assert len(winners) == 1 and winners[0].attempt == 1
    assert _count(session_factory, DigestRun) == 1
    # Only the winner may complete it; a second completion changes nothing.
    store = DigestStore(session_factory)
    won = winners[0]
    assert store.complete(workspaces.a, won.run_id, "posted", NOW, message_ts="1.1", attempt=1)
    assert not store.complete(workspaces.a, won.run_id, "failed", NOW, error="late")


def test_twenty_processes_take_over_a_lapsed_claim_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    # A claimer died: its lease ran out, and every replica's next tick wants the run.
    store = DigestStore(session_factory)
    first = store.take(workspaces.a, "2026-11-16", "dead", NOW, LEASE)
    assert first is not None
    later = NOW + LEASE

    def take(i: int) -> RunClaim | None:
        return DigestStore(session_factory).take(
            workspaces.a, "2026-11-16", f"proc-{i}", later, LEASE
        )

    winners = [run for run in race(THREADS, take) if run is not None]
    assert len(winners) == 1
    assert (winners[0].run_id, winners[0].attempt) == (first.run_id, 2)
    assert winners[0].first_claimed_at == NOW  # a retry looks for earlier posts from here
    # The dead claimer's late completion no longer counts; the new holder's does.
    assert not store.complete(workspaces.a, first.run_id, "posted", later, attempt=1)
    assert store.complete(workspaces.a, first.run_id, "posted", later, attempt=2)


def test_twenty_deliveries_of_one_event_are_first_once(
    session_factory: sessionmaker[Session],
) -> None:
    def deliver(_: int) -> bool:
        with session_factory.begin() as session:
            return EventDedupe.first_time(session, "Ev0RACE", "T1")

    assert sum(race(THREADS, deliver)) == 1
    assert _count(session_factory, ProcessedEvent) == 1


def test_twenty_first_requests_from_a_new_workspace_create_it_once(
    session_factory: sessionmaker[Session],
) -> None:
    def first_request(_: int) -> int:
        with session_factory.begin() as session:
            return WorkspaceRepository.id_for(session, "TNEW", "E1", NOW)

    ids = race(THREADS, first_request)
    assert len(set(ids)) == 1
    assert _count(session_factory, Workspace) == 1


def test_twenty_first_settings_changes_create_one_row(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    # What `/hire digest schedule` and the Home tab's settings modal call.
    def configure(i: int) -> int:
        saved = DigestStore(session_factory).change(
            workspaces.a, f"U{i}", NOW, actor_is_admin=True, hour=i, minute=0
        )
        assert isinstance(saved, SettingsChanged)
        return saved.settings.schedule.hour

    hours = race(THREADS, configure)
    assert sorted(hours) == list(range(THREADS))  # every change was made, none crashed
    assert _count(session_factory, DigestSettings) == 1
