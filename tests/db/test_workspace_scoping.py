"""A conversation of workspace A is invisible, and unchangeable, through workspace B's calls."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot.core.conversation import Cancel, Move, Position, State, decide_move
from bot.db.repositories import (
    ConversationRepository,
    DecisionRepository,
    DigestRepository,
    NoteRepository,
)
from tests.db.conftest import NOW, Workspaces

Conversations = ConversationRepository


def test_workspace_b_cannot_see_or_change_workspace_a(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    a, b = workspaces.a, workspaces.b
    with session_factory.begin() as session:
        conv = Conversations.create(
            session, a, title="A's secret role", started_by="U1", channel_id="C1", now=NOW
        ).id
        Conversations.set_root(session, a, conv, root_ts="1.1")
        NoteRepository.add(session, a, conv, user_id="U1", text="A's note", message_ts="1.2")

    with session_factory.begin() as session:
        # Reads
        assert Conversations.get(session, b, conv) is None
        assert Conversations.get_by_thread(session, b, "C1", "1.1") is None
        assert Conversations.list(session, b) == []
        assert Conversations.answers(session, b, conv) == []
        assert NoteRepository.list(session, b, conv) == []
        # Writes (the use cases' whole path through B is in test_conversation_use_cases.py)
        move = decide_move(Position(State.IN_PROGRESS, 0, 0, 6), Cancel(0), by_owner=True)
        assert isinstance(move, Move)
        assert not Conversations.apply_move(session, b, conv, move, now=NOW)
        assert not Conversations.set_root(session, b, conv, root_ts="9.9")
        assert not Conversations.set_permalink(session, b, conv, "https://evil")
        assert not Conversations.record_message(session, b, conv, version=0, question_ts="9.9")
        assert not NoteRepository.add(session, b, conv, user_id="U666", text="x", message_ts="2")
        assert (
            DecisionRepository.change(
                session, b, conv, to_outcome="both", actor="U666", reason="x", now=NOW
            )
            is None
        )

    with session_factory() as session:
        mine = Conversations.get(session, a, conv)
        assert mine is not None
        assert (mine.state, mine.current_step, mine.version, mine.root_ts, mine.permalink) == (
            "in_progress",
            0,
            0,
            "1.1",
            None,
        )
        assert Conversations.answers(session, a, conv) == []
        assert [n.text for n in NoteRepository.list(session, a, conv)] == ["A's note"]
        assert DecisionRepository.get(session, a, conv) is None
        assert DecisionRepository.events(session, a, conv) == []


def test_decisions_and_digests_are_per_workspace(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    a, b = workspaces.a, workspaces.b
    with session_factory.begin() as session:
        conv = Conversations.create(
            session, a, title="Role", started_by="U1", channel_id="C1", now=NOW
        ).id
        DecisionRepository.record(
            session,
            a,
            conv,
            recommendation="both",
            confidence=1.0,
            recommendation_reasons=[],
            answers_snapshot={},
            final_outcome="both",
            decided_by="U1",
            reason=None,
            now=NOW,
        )
        DigestRepository.upsert_settings(session, a, channel_id="C1")
        run = DigestRepository.claim_run(session, a, "2026-11-16", "p1")
        assert run is not None
    with session_factory.begin() as session:
        assert DecisionRepository.get(session, b, conv) is None
        assert DecisionRepository.events(session, b, conv) == []
        assert (
            DecisionRepository.change(
                session, b, conv, to_outcome="not_hiring", actor="U666", reason="x", now=NOW
            )
            is None
        )
        assert DigestRepository.get_settings(session, b) is None
        assert DigestRepository.get_run(session, b, "2026-11-16") is None
        assert not DigestRepository.complete_run(session, b, run.id, message_ts="1")
        # B's own claim for the same period is independent of A's.
        assert DigestRepository.claim_run(session, b, "2026-11-16", "p2") is not None
    with session_factory() as session:
        decision = DecisionRepository.get(session, a, conv)
        assert decision is not None and decision.final_outcome == "both"
        stored_run = DigestRepository.get_run(session, a, "2026-11-16")
        assert stored_run is not None and stored_run.status == "claimed"
