"""The database settles races: 20 threads, each with its own connection and transaction,
released at the same instant; exactly one wins, the others lose cleanly (no exception).

On PostgreSQL these are truly concurrent transactions (row locks, unique-index waits);
on SQLite writers queue on the database lock (BEGIN IMMEDIATE + busy_timeout). The
conversation's races (clicks, decisions, changes) are in test_conversation_use_cases.py.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import DigestRun, ProcessedEvent, Workspace
from bot.db.repositories import (
    ConversationRepository,
    DigestRepository,
    EventDedupe,
    WorkspaceRepository,
)
from tests.db.conftest import NOW, Workspaces, race

THREADS = 20
Conversations = ConversationRepository


def _count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_twenty_processes_claim_a_digest_period_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    def claim(i: int) -> bool:
        with session_factory.begin() as session:
            run = DigestRepository.claim_run(session, workspaces.a, "2026-11-16", f"proc-{i}")
            return run is not None

    assert sum(race(THREADS, claim)) == 1
    assert _count(session_factory, DigestRun) == 1


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
            return WorkspaceRepository.get_or_create(session, "TNEW", "E1", NOW).id

    ids = race(THREADS, first_request)
    assert len(set(ids)) == 1
    assert _count(session_factory, Workspace) == 1


def test_twenty_first_settings_changes_create_one_row(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    def configure(i: int) -> int:
        with session_factory.begin() as session:
            return DigestRepository.upsert_settings(session, workspaces.a, hour=i).id

    assert len(set(race(THREADS, configure))) == 1
