"""A conversation of workspace A is invisible, and unchangeable, through workspace B's calls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.core.conversation import Cancel, Move, Position, State, decide_move
from bot.core.log_views import LogDetail
from bot.core.visibility import Audience
from bot.db.repositories import (
    ConversationRepository,
    DecisionRepository,
    NoteRepository,
)
from bot.hiring.digest import DigestStore
from bot.hiring.export import decisions_csv
from bot.hiring.log import DecisionLog
from tests.db.conftest import NOW, Workspaces

# These tests are about scoping and content, not privacy: they read as the operator does.
EVERYONE = Audience.operator()

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
        assert Conversations.answers(session, b, conv) == []
        assert NoteRepository.list(session, b, conv) == []
        # Writes (the use cases' whole path through B is in test_conversation_use_cases.py)
        move = decide_move(Position(State.IN_PROGRESS, 0, 0, 6), Cancel(0), by_owner=True)
        assert isinstance(move, Move)
        assert not Conversations.apply_move(session, b, conv, move, now=NOW)
        assert not Conversations.set_root(session, b, conv, root_ts="9.9")
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
        Conversations.set_root(session, a, conv, root_ts="1.1")
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
    # The digest and the decision log as production reads and writes them.
    digests, log = DigestStore(session_factory), DecisionLog(session_factory)
    digests.change(a, "U1", NOW, actor_is_admin=True, channel_id="C1")
    run = digests.claim(a, "2026-11-16", "p1", NOW)
    assert run is not None
    week = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    with session_factory.begin() as session:
        assert DecisionRepository.get(session, b, conv) is None
        assert DecisionRepository.events(session, b, conv) == []
        assert (
            DecisionRepository.change(
                session, b, conv, to_outcome="not_hiring", actor="U666", reason="x", now=NOW
            )
            is None
        )
    assert digests.settings(b).channel_id is None
    assert [s.workspace_id for s in digests.scheduled()] == [a]
    assert not digests.has_run(b, "2026-11-16")
    assert not digests.complete(b, run, "posted", NOW, message_ts="1")
    digest_b = digests.build(b, *week, "https://b.example/", audience=EVERYONE)
    assert (digest_b.total, digest_b.waiting, [n for _, n in digest_b.trend]) == (0, (), [0] * 4)
    assert log.page(b, audience=EVERYONE).rows == ()
    assert log.detail(b, conv) == LogDetail(notes=(), history=())
    home_b = log.home(b, "U1", NOW, None, audience=EVERYONE)
    assert (home_b.mine, home_b.recent, home_b.quarter_counts) == ((), (), {})
    assert decisions_csv(session_factory, b, audience=EVERYONE)[1] == 0
    # B's own claim for the same period is independent of A's.
    assert digests.claim(b, "2026-11-16", "p2", NOW) is not None
    # A's rows are as A left them.
    assert digests.has_run(a, "2026-11-16")
    assert digests.complete(a, run, "posted", NOW, message_ts="1")
    assert digests.build(a, *week, None, audience=EVERYONE).total == 1
    assert [r.id for r in log.page(a, audience=EVERYONE).rows] == [conv]
    assert decisions_csv(session_factory, a, audience=EVERYONE)[1] == 1
    with session_factory() as session:
        decision = DecisionRepository.get(session, a, conv)
        assert decision is not None and decision.final_outcome == "both"
