"""Every repository method, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import DigestRun, HiringConversation, ProcessedEvent, Workspace
from bot.db.repositories import (
    OPEN_STATES,
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
    if not Conversations.advance_step(session, ws, conv, expected_step=step, total_steps=3):
        return False
    answer = Conversations.record_answer(
        session,
        ws,
        conv,
        step=step,
        question_key=f"q{step}",
        option_key=option,
        answered_by="U1",
        question_message_ts=f"100.{step}",
    )
    assert answer is not None
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


def test_workspace_get_or_create_is_idempotent(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as session:
        first = WorkspaceRepository.get_or_create(session, "T1", None, NOW)
        again = WorkspaceRepository.get_or_create(session, "T1", "", name="Acme")
        grid = WorkspaceRepository.get_or_create(session, "T1", "E1")
        assert first.id == again.id != grid.id
        assert again.name == "Acme"
        assert first.enterprise_id == "" and grid.enterprise_id == "E1"
        assert WorkspaceRepository.get(session, "T1") is first
        assert WorkspaceRepository.get(session, "T1", "E1") is grid
        assert WorkspaceRepository.get(session, "T2") is None
        assert WorkspaceRepository.by_id(session, grid.id) is grid
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
        Conversations.cancel(session, ws, first, cancelled_by="U1", now=LATER)
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
        assert [c.id for c in Conversations.list(session, ws)] == [second, first]
        assert [c.id for c in Conversations.list(session, ws, states=OPEN_STATES)] == [second]
        assert [c.id for c in Conversations.list(session, ws, started_by="U1")] == [first]
        assert [c.id for c in Conversations.list(session, ws, limit=1, offset=1)] == [first]
        assert Conversations.get(session, ws, 10_000) is None


def test_root_message_is_attached_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        assert Conversations.set_root(session, ws, conv, root_ts="111.1", permalink="https://x/p1")
        assert not Conversations.set_root(session, ws, conv, root_ts="222.2")
        assert Conversations.set_permalink(session, ws, conv, "https://x/p2")
        assert Conversations.set_recommendation_message(session, ws, conv, "333.3")
    with session_factory() as session:
        found = Conversations.get_by_thread(session, ws, "C1", "111.1")
        assert found is not None and found.id == conv
        assert found.permalink == "https://x/p2"
        assert found.recommendation_message_ts == "333.3"
        assert found.version == 2  # root and recommendation are changes; the permalink is a cache
        assert Conversations.get_by_thread(session, ws, "C1", "222.2") is None


def test_advance_step_is_guarded_by_step_state_and_version(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
    with session_factory.begin() as session:
        assert _answer(session, ws, conv, 0)
        assert not _answer(session, ws, conv, 0)  # the same click again
        assert not Conversations.advance_step(
            session, ws, conv, expected_step=1, expected_version=0
        )  # a stale version
        assert Conversations.advance_step(
            session, ws, conv, expected_step=1, expected_version=1, total_steps=3, now=LATER
        )
        conv_row = Conversations.get(session, ws, conv)
        assert conv_row is not None
        assert (conv_row.current_step, conv_row.version, conv_row.state) == (2, 2, "in_progress")
        assert conv_row.last_activity_at == LATER
    with session_factory.begin() as session:
        assert _answer(session, ws, conv, 2)  # the last of three questions
        conv_row = Conversations.get(session, ws, conv)
        assert conv_row is not None
        assert (conv_row.current_step, conv_row.state) == (3, "awaiting_decision")
        assert not _answer(session, ws, conv, 3)  # nothing left to answer


def test_record_answer_keeps_the_first_answer_to_a_question(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        kwargs = {"step": 0, "question_key": "stage", "answered_by": "U1"}
        first = Conversations.record_answer(session, ws, conv, option_key="startup", **kwargs)  # type: ignore[arg-type]
        second = Conversations.record_answer(session, ws, conv, option_key="large", **kwargs)  # type: ignore[arg-type]
        assert first is not None and second is None
        answers = Conversations.answers(session, ws, conv)
        assert [(a.question_key, a.option_key) for a in answers] == [("stage", "startup")]
        assert answers[0].answered_at.tzinfo is not None


def test_remove_last_answer_goes_back_one_question(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        for step in range(3):
            assert _answer(session, ws, conv, step)
        assert Conversations.set_recommendation_message(session, ws, conv, "500.1")
    with session_factory.begin() as session:
        assert not Conversations.remove_last_answer(session, ws, conv, expected_step=2)
        assert Conversations.remove_last_answer(session, ws, conv, expected_step=3, now=LATER)
        assert not Conversations.remove_last_answer(session, ws, conv, expected_step=3)  # twice
        conv_row = Conversations.get(session, ws, conv)
        assert conv_row is not None
        assert (conv_row.current_step, conv_row.state) == (2, "in_progress")
        assert conv_row.recommendation_message_ts is None
        assert [a.step for a in Conversations.answers(session, ws, conv)] == [0, 1]
        assert _answer(session, ws, conv, 2, option="large")  # the question is asked again
        assert Conversations.answers(session, ws, conv)[-1].option_key == "large"
    with session_factory.begin() as session:
        conv2 = _start(session, ws)
        assert not Conversations.remove_last_answer(session, ws, conv2, expected_step=0)


def test_set_state_cancel_and_touch(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        assert not Conversations.set_state(
            session, ws, conv, to_state="in_progress", from_states=("awaiting_decision",)
        )
        assert not Conversations.set_state(
            session, ws, conv, to_state="awaiting_decision", expected_version=7
        )
        assert Conversations.set_state(session, ws, conv, to_state="awaiting_decision")
        assert Conversations.touch_activity(session, ws, conv, LATER)
        conv_row = Conversations.get(session, ws, conv)
        assert conv_row is not None
        assert conv_row.version == 1  # touching is not a change of state
        assert conv_row.last_activity_at == LATER
        assert Conversations.cancel(session, ws, conv, cancelled_by="U1")
        assert not Conversations.cancel(session, ws, conv, cancelled_by="U1")
        assert conv_row.state == "cancelled" and conv_row.cancelled_by == "U1"


def test_the_state_check_constraint_holds(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with pytest.raises(Exception, match=r"(?i)check"), session_factory.begin() as session:
        conv = _start(session, workspaces.a)
        Conversations.set_state(session, workspaces.a, conv, to_state="lost")


# -- decisions, history and notes -------------------------------------------------------------


def test_record_a_decision_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        assert _decide(session, ws, conv) is None  # still in progress: nothing to decide yet
        Conversations.set_state(session, ws, conv, to_state="awaiting_decision")
        decision = _decide(session, ws, conv)
        assert decision is not None
        assert _decide(session, ws, conv, "software_engineer") is None
    with session_factory() as session:
        stored = DecisionRepository.get(session, ws, conv)
        assert stored is not None
        assert (stored.final_outcome, stored.confidence, stored.decided_at) == (
            "product_engineer",
            0.8,
            LATER,
        )
        assert stored.recommendation_reasons == [{"question": "q0", "why": "small team"}]
        assert stored.answers_snapshot == {"q0": "startup"}
        conv_row = Conversations.get(session, ws, conv)
        assert conv_row is not None and conv_row.state == "decided"
        events = DecisionRepository.events(session, ws, conv)
        assert [(e.kind, e.to_outcome, e.actor) for e in events] == [
            ("recorded", "product_engineer", "U1")
        ]


def test_not_hiring_can_be_recorded_from_an_open_conversation(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        decision = DecisionRepository.record(
            session,
            ws,
            conv,
            recommendation="product_engineer",
            confidence=0.5,
            recommendation_reasons=[],
            answers_snapshot={},
            final_outcome="not_hiring",
            decided_by="U1",
            reason="budget frozen",
            from_states=OPEN_STATES,
        )
        assert decision is not None and decision.reason == "budget frozen"


def test_a_leftover_decision_makes_record_lose_without_changing_state(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        Conversations.set_state(session, ws, conv, to_state="awaiting_decision")
        assert _decide(session, ws, conv) is not None
        # Reopened without removing the decision (a bug elsewhere): record must not double up.
        Conversations.set_state(
            session, ws, conv, to_state="awaiting_decision", from_states=("decided",)
        )
        assert _decide(session, ws, conv, "both") is None
        conv_row = Conversations.get(session, ws, conv)
        assert conv_row is not None and conv_row.state == "awaiting_decision"
        assert len(DecisionRepository.events(session, ws, conv)) == 1


def test_change_a_decision_keeps_the_history(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        conv = _start(session, ws)
        Conversations.set_state(session, ws, conv, to_state="awaiting_decision")
        _decide(session, ws, conv)
    with session_factory.begin() as session:
        changed = DecisionRepository.change(
            session,
            ws,
            conv,
            expected_outcome="product_engineer",
            to_outcome="both",
            actor="U2",
            reason="two teams",
            now=LATER + timedelta(days=1),
        )
        assert changed
        assert not DecisionRepository.change(
            session, ws, conv, expected_outcome="product_engineer", to_outcome="both", actor="U2"
        )
        DecisionRepository.add_event(
            session,
            ws,
            conv,
            kind="reopened",
            actor="U1",
            from_outcome="both",
            now=LATER + timedelta(days=2),
        )
    with session_factory() as session:
        decision = DecisionRepository.get(session, ws, conv)
        assert decision is not None
        assert (decision.final_outcome, decision.reason, decision.decided_by) == (
            "both",
            "two teams",
            "U2",
        )
        history = [
            (e.kind, e.from_outcome, e.to_outcome)
            for e in DecisionRepository.events(session, ws, conv)
        ]
        assert history == [
            ("recorded", None, "product_engineer"),
            ("changed", "product_engineer", "both"),
            ("reopened", "both", None),
        ]


def test_event_kinds_are_checked(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with pytest.raises(Exception, match=r"(?i)check"), session_factory.begin() as session:
        conv = _start(session, workspaces.a)
        DecisionRepository.add_event(session, workspaces.a, conv, kind="deleted", actor="U1")


def test_decided_between_returns_the_period_only(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        for day in range(10):
            conv = _start(session, ws, f"Role {day}")
            Conversations.set_state(session, ws, conv, to_state="awaiting_decision")
            DecisionRepository.record(
                session,
                ws,
                conv,
                recommendation="both",
                confidence=0.6,
                recommendation_reasons=[],
                answers_snapshot={},
                final_outcome="both",
                decided_by="U1",
                now=NOW + timedelta(days=day),
            )
    with session_factory() as session:
        week = DecisionRepository.decided_between(
            session, ws, NOW + timedelta(days=2), NOW + timedelta(days=9)
        )
        assert [d.decided_at for d in week] == [NOW + timedelta(days=d) for d in range(2, 9)]
        assert (
            DecisionRepository.decided_between(session, workspaces.b, NOW, NOW + timedelta(days=30))
            == []
        )


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
            session, ws, channel_id="C9", configured_by="U1", now=NOW
        )
        assert (created.channel_id, created.weekday, created.hour, created.minute) == (
            "C9",
            0,
            9,
            0,
        )
        assert (created.timezone, created.enabled, created.post_when_quiet) == ("UTC", True, True)
    with session_factory.begin() as session:
        updated = DigestRepository.upsert_settings(
            session, ws, weekday=4, hour=16, minute=30, timezone="Europe/Paris", now=LATER
        )
        assert (updated.channel_id, updated.weekday, updated.hour, updated.minute) == (
            "C9",
            4,
            16,
            30,
        )
        DigestRepository.upsert_settings(session, ws, enabled=False, post_when_quiet=False)
        DigestRepository.upsert_settings(session, ws, channel_id=None)
    with session_factory() as session:
        stored = DigestRepository.get_settings(session, ws)
        assert stored is not None
        assert (stored.channel_id, stored.timezone, stored.enabled, stored.post_when_quiet) == (
            None,
            "Europe/Paris",
            False,
            False,
        )
        assert stored.configured_by == "U1"
        assert DigestRepository.get_settings(session, workspaces.b) is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weekday": 7}, "weekday"),
        ({"hour": 24}, "hour"),
        ({"minute": -1}, "minute"),
        ({"timezone": "Mars/Olympus"}, "time zone"),
        ({"timezone": "../etc/passwd"}, "time zone"),
    ],
)
def test_impossible_digest_settings_are_refused(
    session_factory: sessionmaker[Session],
    workspaces: Workspaces,
    change: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message), session_factory.begin() as session:
        DigestRepository.upsert_settings(session, workspaces.a, **change)  # type: ignore[arg-type]


def test_digest_errors_are_recorded_and_cleared(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    ws = workspaces.a
    with session_factory.begin() as session:
        DigestRepository.upsert_settings(session, ws, channel_id="C9")
        DigestRepository.record_error(session, ws, "not_in_channel", NOW)
    with session_factory.begin() as session:
        settings = DigestRepository.get_settings(session, ws)
        assert settings is not None
        assert (settings.last_error, settings.last_error_at) == ("not_in_channel", NOW)
        DigestRepository.record_error(session, ws, None)
    with session_factory() as session:
        settings = DigestRepository.get_settings(session, ws)
        assert (
            settings is not None and settings.last_error is None and settings.last_error_at is None
        )


def test_claim_and_complete_a_digest_run(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        run = DigestRepository.claim_run(session, workspaces.a, "2026-11-16", "host-1:42", now=NOW)
        assert run is not None and run.status == "claimed" and run.claimed_at == NOW
        assert DigestRepository.claim_run(session, workspaces.a, "2026-11-16", "host-2:7") is None
        # Periods and workspaces are independent.
        other = DigestRepository.claim_run(session, workspaces.b, "2026-11-16", "host-2:7")
        missed = DigestRepository.claim_run(
            session, workspaces.a, "2026-11-09", "host-2:7", status="missed"
        )
        assert other is not None and missed is not None and missed.status == "missed"
    with session_factory.begin() as session:
        assert not DigestRepository.complete_run(session, workspaces.b, run.id, message_ts="1.1")
        assert DigestRepository.complete_run(
            session, workspaces.a, run.id, message_ts="1.1", channel_id="C9", now=LATER
        )
        assert not DigestRepository.complete_run(session, workspaces.a, run.id, message_ts="2.2")
        assert DigestRepository.complete_run(
            session, workspaces.b, other.id, error="not_in_channel"
        )
    with session_factory() as session:
        posted = DigestRepository.get_run(session, workspaces.a, "2026-11-16")
        failed = DigestRepository.get_run(session, workspaces.b, "2026-11-16")
        assert posted is not None and failed is not None
        assert (posted.status, posted.message_ts, posted.channel_id, posted.completed_at) == (
            "posted",
            "1.1",
            "C9",
            LATER,
        )
        assert (failed.status, failed.error) == ("failed", "not_in_channel")
        assert len(session.scalars(select(DigestRun)).all()) == 3


def test_deleting_a_workspace_deletes_its_rows(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        conv = _start(session, workspaces.a)
        _answer(session, workspaces.a, conv, 0)
        NoteRepository.add(session, workspaces.a, conv, user_id="U1", text="x", message_ts="1")
        DigestRepository.claim_run(session, workspaces.a, "2026-11-16", "p")
    with session_factory.begin() as session:
        workspace = session.get(Workspace, workspaces.a)
        session.delete(workspace)
    with session_factory() as session:
        assert session.scalars(select(HiringConversation)).all() == []
        assert session.scalars(select(DigestRun)).all() == []
