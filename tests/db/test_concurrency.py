"""The database settles races: 20 threads, each with its own connection and transaction,
released at the same instant; exactly one wins, the others lose cleanly (no exception).

On PostgreSQL these are truly concurrent transactions (row locks, unique-index waits);
on SQLite writers queue on the database lock (BEGIN IMMEDIATE + busy_timeout).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Answer, Decision, DecisionEvent, DigestRun, ProcessedEvent, Workspace
from bot.db.repositories import (
    ConversationRepository,
    DecisionRepository,
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


def _conversation(session_factory: sessionmaker[Session], workspace_id: int) -> int:
    with session_factory.begin() as session:
        return Conversations.create(
            session, workspace_id, title="Role", started_by="U1", channel_id="C1", now=NOW
        ).id


def test_twenty_clicks_on_the_same_answer_advance_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    conv = _conversation(session_factory, ws)
    with session_factory() as session:
        seen = Conversations.get(session, ws, conv)
        assert seen is not None
        seen_step, seen_version = seen.current_step, seen.version

    def click(i: int) -> bool:
        with session_factory.begin() as session:
            if not Conversations.advance_step(
                session,
                ws,
                conv,
                expected_step=seen_step,
                expected_version=seen_version,
                total_steps=6,
            ):
                return False
            answer = Conversations.record_answer(
                session,
                ws,
                conv,
                step=seen_step,
                question_key="stage",
                option_key=f"option-{i}",
                answered_by="U1",
            )
            assert answer is not None  # the winner's answer is never lost
            return True

    assert sum(race(THREADS, click)) == 1
    with session_factory() as session:
        after = Conversations.get(session, ws, conv)
        assert after is not None
        assert (after.current_step, after.version) == (1, 1)
    assert _count(session_factory, Answer) == 1


def test_twenty_clicks_without_a_version_still_advance_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    conv = _conversation(session_factory, ws)

    def click(_: int) -> bool:
        with session_factory.begin() as session:
            return Conversations.advance_step(session, ws, conv, expected_step=0)

    assert sum(race(THREADS, click)) == 1


def test_twenty_decision_clicks_record_one_decision(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    conv = _conversation(session_factory, ws)
    with session_factory.begin() as session:
        Conversations.set_state(session, ws, conv, to_state="awaiting_decision")

    def decide(i: int) -> bool:
        with session_factory.begin() as session:
            decision = DecisionRepository.record(
                session,
                ws,
                conv,
                recommendation="product_engineer",
                confidence=0.7,
                recommendation_reasons=[],
                answers_snapshot={},
                final_outcome="both" if i % 2 else "product_engineer",
                decided_by=f"U{i}",
            )
            return decision is not None

    assert sum(race(THREADS, decide)) == 1
    assert _count(session_factory, Decision) == 1
    assert _count(session_factory, DecisionEvent) == 1


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
