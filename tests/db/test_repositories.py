"""Every repository method, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.conversation import Answer, Back, Move, Position, State, decide_move
from bot.db.models import DigestRun, HiringConversation, ProcessedEvent, Workspace
from bot.db.repositories import (
    ConversationRepository,
    DecisionRepository,
    DigestRepository,
    EventDedupe,
    NoteRepository,
    WorkspaceRepository,
)
from tests.db.conftest import NOW, Workspaces

Conversations = ConversationRepository
LATER = NOW + timedelta(minutes=5)


def _start(session: Session, workspace_id: int, title: str = "Senior engineer") -> int:
    return Conversations.create(
        session, workspace_id, title=title, started_by="U1", channel_id="C1", now=NOW
    ).id


def _answer(session: Session, ws: int, conv: int, step: int, option: str = "startup") -> bool:
    """Answer question `step` the way the use case does: the guarded move, then the answer."""
    row = Conversations.get(session, ws, conv)
    assert row is not None
    source = Position(State(row.state), row.current_step, row.version, 3)
    move = decide_move(source, Answer(step, option, row.version), by_owner=True)
    if not isinstance(move, Move) or not Conversations.apply_move(session, ws, conv, move, now=NOW):
        return False
    Conversations.replace_answers(
        session,
        ws,
        conv,
        keep_before=step,
        new_answer={
            "step": step,
            "question_key": f"q{step}",
            "option_key": option,
            "answered_by": "U1",
            "answered_at": NOW,
            "question_message_ts": f"100.{step}",
        },
    )
    return True


def _decide(session: Session, ws: int, conv: int, outcome: str = "product_engineer") -> object:
    return DecisionRepository.record(
        session,
        ws,
        conv,
        recommendation="product_engineer",
        confidence=0.8,
        recommendation_reasons=[{"question": "q0", "why": "small team"}],
        answers_snapshot={"q0": "startup"},
        final_outcome=outcome,
        decided_by="U1",
        reason=None if outcome == "product_engineer" else "budget",
        now=LATER,
    )


# -- workspaces and events -------------------------------------------------------------------


def test_a_workspace_is_created_once_per_team_and_enterprise(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory.begin() as session:
        first = WorkspaceRepository.id_for(session, "T1", None, NOW)
        again = WorkspaceRepository.id_for(session, "T1", "")
        grid = WorkspaceRepository.id_for(session, "T1", "E1")
        assert first == again != grid
        plain, enterprise = (
            WorkspaceRepository.get(session, "T1"),
            WorkspaceRepository.get(session, "T1", "E1"),
        )
        assert plain is not None and plain.id == first and plain.enterprise_id == ""
        assert enterprise is not None and enterprise.id == grid and enterprise.enterprise_id == "E1"
        assert WorkspaceRepository.get(session, "T2") is None
        assert WorkspaceRepository.by_id(session, grid) is enterprise
    with session_factory() as session:
        assert len(session.scalars(select(Workspace)).all()) == 2


def test_event_dedupe_says_first_time_once(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        assert EventDedupe.first_time(session, "Ev1", "T1", NOW)
        assert not EventDedupe.first_time(session, "Ev1", "T1", NOW)
        assert EventDedupe.first_time(session, "Ev2", "T1")
    with session_factory.begin() as session:
        assert not EventDedupe.first_time(session, "Ev1", "T9")
        assert (
            session.scalar(select(ProcessedEvent.team_id).where(ProcessedEvent.event_id == "Ev1"))
            == "T1"
        )


# -- conversations ---------------------------------------------------------------------------


def test_create_get_and_list(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        first = _start(session, ws, "First")
        second = Conversations.create(
            session, ws, title="Second", started_by="U2", channel_id="C1", now=LATER
        ).id
        _answer(session, ws, first, 0)
    with session_factory() as session:
        conv = Conversations.get(session, ws, second)
        assert conv is not None
        assert (conv.title, conv.state, conv.current_step, conv.version) == (
            "Second",
            "in_progress",
            0,
            0,
        )
        assert conv.root_ts is None and conv.created_at == LATER
        assert [a.option_key for a in Conversations.answers(session, ws, first)] == ["startup"]
        assert Conversations.get(session, ws, 10_000) is None


def test_root_message_is_attached_once_and_messages_by_version(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        assert Conversations.set_root(session, ws, conv, root_ts="111.1")
        assert not Conversations.set_root(session, ws, conv, root_ts="222.2")
        assert Conversations.record_message(session, ws, conv, version=0, question_ts="333.3")
        assert not Conversations.record_message(session, ws, conv, version=1, question_ts="4.4")
    with session_factory() as session:
        found = Conversations.get_by_thread(session, ws, "C1", "111.1")
        assert found is not None and found.id == conv
        assert found.current_question_ts == "333.3"
        assert found.version == 0  # the root and a message ts are not moves
        assert Conversations.get_by_thread(session, ws, "C1", "222.2") is None


def test_a_move_is_applied_once_and_forgets_the_messages_it_leaves(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        Conversations.record_message(session, ws, conv, version=0, question_ts="100.0")
        assert _answer(session, ws, conv, 0)
        assert not _answer(session, ws, conv, 0)  # the same click again: the guard refuses
        row = Conversations.get(session, ws, conv)
        assert row is not None
        assert (row.current_step, row.version, row.current_question_ts) == (1, 1, None)
        back = decide_move(Position(State.IN_PROGRESS, 1, 1, 3), Back(1, None, 1), by_owner=True)
        assert isinstance(back, Move)
        stale = decide_move(Position(State.IN_PROGRESS, 1, 0, 3), Back(1, None, 0), by_owner=True)
        assert isinstance(stale, Move)  # decided on a version the row no longer has
        assert not Conversations.apply_move(session, ws, conv, stale, now=LATER)
        assert Conversations.apply_move(session, ws, conv, back, now=LATER)
        Conversations.replace_answers(session, ws, conv, keep_before=0, new_answer=None)
        assert Conversations.answers(session, ws, conv) == []


def test_the_state_check_constraint_holds(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with pytest.raises(Exception, match=r"(?i)check"), session_factory.begin() as session:
        conv = _start(session, workspaces.a)
        session.execute(
            update(HiringConversation).where(HiringConversation.id == conv).values(state="lost")
        )


# -- decisions, history and notes -------------------------------------------------------------


def test_record_change_and_withdraw_keep_the_history(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        _decide(session, ws, conv)
        assert (
            DecisionRepository.change(
                session, ws, conv, to_outcome="both", actor="U2", reason="scale", now=LATER
            )
            == "product_engineer"
        )
        assert (
            DecisionRepository.withdraw(session, ws, conv, actor="U3", reason="budget", now=LATER)
            == "both"
        )
        assert DecisionRepository.get(session, ws, conv) is None
        assert (
            DecisionRepository.change(
                session, ws, conv, to_outcome="both", actor="U2", reason="x", now=LATER
            )
            is None
        )
    with session_factory() as session:
        history = [
            (e.kind, e.from_outcome, e.to_outcome, e.actor)
            for e in DecisionRepository.events(session, ws, conv)
        ]
        assert history == [
            ("recorded", "product_engineer", "product_engineer", "U1"),
            ("changed", "product_engineer", "both", "U2"),
            ("reopened", "both", None, "U3"),
        ]
        assert DecisionRepository.events(session, workspaces.b, conv) == []


def test_event_kinds_are_checked(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with pytest.raises(Exception, match=r"(?i)check"), session_factory.begin() as session:
        conv = _start(session, workspaces.a)
        DecisionRepository.add_event(session, workspaces.a, conv, kind="deleted", actor="U1")


def test_notes_are_idempotent_on_message_ts(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        assert NoteRepository.add(
            session, ws, conv, user_id="U2", text="Met Ana", message_ts="1.1", now=NOW
        )
        assert not NoteRepository.add(
            session, ws, conv, user_id="U2", text="Met Ana", message_ts="1.1"
        )
        assert NoteRepository.add(
            session, ws, conv, user_id="U3", text="<!channel> hi", message_ts="1.2", now=LATER
        )
    with session_factory() as session:
        notes = NoteRepository.list(session, ws, conv)
        assert [(n.user_id, n.text) for n in notes] == [("U2", "Met Ana"), ("U3", "<!channel> hi")]


# -- digest ----------------------------------------------------------------------------------


def test_digest_settings_default_then_upsert(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        assert DigestRepository.get_settings(session, ws) is None
        created = DigestRepository.upsert_settings(
            session, ws, configured_by="U1", now=NOW, channel_id="C9"
        )
        assert (created.channel_id, created.weekday, created.hour, created.minute) == (
            "C9",
            0,
            9,
            0,
        )
        assert (created.timezone, created.enabled, created.post_when_quiet) == ("UTC", True, True)
        assert (created.configured_by, created.updated_at) == ("U1", NOW)
    with session_factory.begin() as session:
        updated = DigestRepository.upsert_settings(
            session,
            ws,
            configured_by="U2",
            now=LATER,
            weekday=4,
            hour=16,
            minute=30,
            timezone="Europe/Paris",
        )
        assert (updated.channel_id, updated.weekday, updated.hour, updated.minute) == (
            "C9",
            4,
            16,
            30,
        )
        DigestRepository.upsert_settings(
            session, ws, configured_by="U2", now=LATER, enabled=False, post_when_quiet=False
        )
        DigestRepository.upsert_settings(
            session, ws, configured_by="U2", now=LATER, channel_id=None
        )
    with session_factory() as session:
        stored = DigestRepository.get_settings(session, ws)
        assert stored is not None
        assert (stored.channel_id, stored.timezone, stored.enabled, stored.post_when_quiet) == (
            None,
            "Europe/Paris",
            False,
            False,
        )
        # Whoever changed them last is the one told when a post fails.
        assert (stored.configured_by, stored.updated_at) == ("U2", LATER)
        assert DigestRepository.get_settings(session, workspaces.b) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weekday": 7}, "weekday"),
        ({"hour": 24}, "hour"),
        ({"minute": -1}, "minute"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"timezone": "../etc/passwd"}, "time zone"),
        ({"timezone": "europe/paris"}, "time zone"),  # only the zone's own spelling is stored
    ],
)
def test_impossible_digest_settings_are_refused(
    session_factory: sessionmaker[Session],
    workspaces: Workspaces,
    change: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message), session_factory.begin() as session:
        DigestRepository.upsert_settings(
            session,
            workspaces.a,
            configured_by="U1",
            now=NOW,
            **change,  # type: ignore[arg-type]
        )
    with session_factory() as session:
        assert DigestRepository.get_settings(session, workspaces.a) is None


def test_digest_errors_are_recorded_and_cleared(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        DigestRepository.upsert_settings(session, ws, configured_by="U1", now=NOW, channel_id="C9")
        DigestRepository.record_error(session, ws, "not_in_channel", NOW)
        DigestRepository.record_error(session, workspaces.b, "not_in_channel", NOW)  # no row
    with session_factory.begin() as session:
        settings = DigestRepository.get_settings(session, ws)
        assert settings is not None
        assert (settings.last_error, settings.last_error_at) == ("not_in_channel", NOW)
        DigestRepository.record_error(session, ws, None, LATER)
    with session_factory() as session:
        settings = DigestRepository.get_settings(session, ws)
        assert (
            settings is not None and settings.last_error is None and settings.last_error_at is None
        )
        assert DigestRepository.get_settings(session, workspaces.b) is None


def test_only_digests_that_are_on_and_have_a_channel_are_scheduled(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        assert DigestRepository.scheduled(session) == []
        DigestRepository.upsert_settings(session, workspaces.a, configured_by="U1", now=NOW)
        DigestRepository.upsert_settings(
            session, workspaces.b, configured_by="U2", now=NOW, channel_id="C2"
        )
    with session_factory.begin() as session:
        assert [s.workspace_id for s in DigestRepository.scheduled(session)] == [workspaces.b]
        DigestRepository.upsert_settings(
            session, workspaces.a, configured_by="U1", now=NOW, channel_id="C1"
        )
        DigestRepository.upsert_settings(
            session, workspaces.b, configured_by="U2", now=NOW, enabled=False
        )
    with session_factory() as session:
        assert [s.workspace_id for s in DigestRepository.scheduled(session)] == [workspaces.a]


def test_claim_and_complete_a_digest_run(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    a, b = workspaces.a, workspaces.b
    with session_factory.begin() as session:
        run = DigestRepository.claim_run(session, a, "2026-11-16", "host-1:42", now=NOW)
        assert run is not None
        assert DigestRepository.claim_run(session, a, "2026-11-16", "host-2:7", now=NOW) is None
        # Periods and workspaces are independent.
        other = DigestRepository.claim_run(session, b, "2026-11-16", "host-2:7", now=NOW)
        missed = DigestRepository.claim_run(
            session, a, "2026-11-09", "host-2:7", now=NOW, status="missed"
        )
        assert other is not None and missed is not None
    with session_factory.begin() as session:
        assert not DigestRepository.complete_run(
            session, b, run, "posted", now=LATER, message_ts="1.1"
        )
        assert DigestRepository.complete_run(
            session, a, run, "posted", now=LATER, message_ts="1.1", channel_id="C9"
        )
        assert not DigestRepository.complete_run(
            session, a, run, "posted", now=LATER, message_ts="2.2"
        )
        assert not DigestRepository.complete_run(session, a, missed, "posted", now=LATER)
        assert DigestRepository.complete_run(
            session, b, other, "failed", now=LATER, error="not_in_channel"
        )
    with session_factory() as session:
        posted = DigestRepository.get_run(session, a, "2026-11-16")
        failed = DigestRepository.get_run(session, b, "2026-11-16")
        was_missed = DigestRepository.get_run(session, a, "2026-11-09")
        assert posted is not None and failed is not None and was_missed is not None
        assert (posted.status, posted.message_ts, posted.channel_id, posted.completed_at) == (
            "posted",
            "1.1",
            "C9",
            LATER,
        )
        assert (posted.claimed_by, posted.claimed_at) == ("host-1:42", NOW)
        assert (failed.status, failed.error) == ("failed", "not_in_channel")
        # A missed period is complete as it is recorded.
        assert (was_missed.status, was_missed.completed_at) == ("missed", NOW)
        assert DigestRepository.get_run(session, b, "2026-11-09") is None
        assert len(session.scalars(select(DigestRun)).all()) == 3


def test_deleting_a_workspace_deletes_its_rows(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        conv = _start(session, workspaces.a)
        _answer(session, workspaces.a, conv, 0)
        NoteRepository.add(session, workspaces.a, conv, user_id="U1", text="x", message_ts="1")
        DigestRepository.claim_run(session, workspaces.a, "2026-11-16", "p", now=NOW)
    with session_factory.begin() as session:
        workspace = session.get(Workspace, workspaces.a)
        session.delete(workspace)
    with session_factory() as session:
        assert session.scalars(select(HiringConversation)).all() == []
        assert session.scalars(select(DigestRun)).all() == []
