"""The conversation use cases production runs (`bot.hiring.conversations`), on SQLite and
PostgreSQL: every event, the races between them, and workspace scoping.

Races release 20 threads at the same instant, each with its own connection and transaction,
all acting on what they saw before any of them won — as 20 clicks from 20 tabs would.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.conversation import (
    Answer,
    Back,
    Cancel,
    Change,
    Decide,
    Note,
    Openings,
    Reopen,
    State,
)
from bot.core.hire import Acted, ConversationView, NotDone
from bot.db.models import Answer as AnswerRow
from bot.db.models import Decision, DecisionEvent
from bot.db.models import Note as NoteRow
from bot.hiring.conversations import Conversations, Team
from tests.db.conftest import NOW, Workspaces, race

THREADS = 20
TEAM_A, TEAM_B = Team("T_A"), Team("T_B", "E_B")
STARTER, ADMIN, TEAMMATE = "U_STARTER", "U_ADMIN", "U_TEAMMATE"
CRITERIA = load_criteria()
FIRST_OPTIONS = [q.options[0].key for q in CRITERIA.questions]


def _count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _started(conversations: Conversations, team: Team = TEAM_A) -> ConversationView:
    view, root = conversations.start(
        team, "Senior engineer, checkout", STARTER, "C1", NOW, private_channel=False
    )
    return conversations.attach_root(view, root, "100.1", NOW)[0]


def _act(conversations: Conversations, view: ConversationView, event, actor: str = STARTER):  # type: ignore[no-untyped-def]
    return conversations.act(TEAM_A, view.id, event, actor, NOW + timedelta(minutes=1))


def _awaiting(conversations: Conversations, options: list[str] = FIRST_OPTIONS) -> ConversationView:
    view = _started(conversations)
    for step, option in enumerate(options):
        result = _act(conversations, view, Answer(step, option, view.version))
        assert isinstance(result, Acted), result
        view = result.after
    assert view.state is State.AWAITING_DECISION
    return view


def test_a_walk_from_start_to_decision(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations)
    assert [a.option_key for a in view.answers] == FIRST_OPTIONS
    stored = conversations.get(TEAM_A, view.id, NOW)
    assert stored == view  # what act returned is what a fresh read sees
    decided = _act(conversations, view, Decide("both", "team needs both", view.version))
    assert isinstance(decided, Acted) and decided.after.state is State.DECIDED
    assert decided.after.decision is not None and decided.after.decision.final_outcome == "both"
    assert conversations.get(TEAM_A, view.id, NOW) == decided.after


def test_back_forgets_the_answers_from_that_question_on(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations)
    back = _act(conversations, view, Back(view.step, 2, view.version))
    assert isinstance(back, Acted)
    assert back.after.state is State.IN_PROGRESS and back.after.step == 2
    assert [a.step for a in back.after.answers] == [0, 1]
    assert _count(session_factory, AnswerRow) == 2
    assert conversations.get(TEAM_A, view.id, NOW) == back.after


def test_twenty_clicks_on_the_same_answer_advance_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    click = Answer(0, FIRST_OPTIONS[0], view.version)
    results = race(THREADS, lambda i: _act(conversations, view, click))
    assert sum(isinstance(r, Acted) for r in results) == 1
    assert {r.reason for r in results if isinstance(r, NotDone)} == {"already_answered"}
    assert _count(session_factory, AnswerRow) == 1


def test_twenty_different_answers_to_one_question_record_one(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    options = [o.key for o in CRITERIA.questions[0].options]
    results = race(
        THREADS,
        lambda i: _act(conversations, view, Answer(0, options[i % len(options)], view.version)),
    )
    winners = [r for r in results if isinstance(r, Acted)]
    assert len(winners) == 1
    stored = conversations.get(TEAM_A, view.id, NOW)
    assert stored is not None and stored.answers == winners[0].after.answers


def test_twenty_decision_clicks_record_one_decision(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations)
    outcomes = ["product_engineer", "not_hiring", "both", "software_engineer"]
    results = race(
        THREADS,
        lambda i: _act(conversations, view, Decide(outcomes[i % 4], None, view.version)),
    )
    assert sum(isinstance(r, Acted) for r in results) == 1
    assert _count(session_factory, Decision) == 1
    with session_factory() as session:
        kinds = list(session.scalars(select(DecisionEvent.kind)))
    assert kinds == ["recorded"]


def test_two_concurrent_changes_cannot_both_win_and_the_history_is_right(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations)
    decided = _act(conversations, view, Decide("product_engineer", None, view.version))
    assert isinstance(decided, Acted)
    drawn = decided.after

    def change(i: int) -> object:
        # Half by the starter, half by an admin, each with its own outcome and reason.
        outcome, actor = ("both", STARTER) if i % 2 == 0 else ("growth_engineer", ADMIN)
        event = Change(outcome, f"reason {i}", drawn.version)
        return conversations.act(TEAM_A, drawn.id, event, actor, NOW, actor_is_admin=i % 2 == 1)

    results = race(THREADS, change)
    winners = [r for r in results if isinstance(r, Acted)]
    assert len(winners) == 1
    with session_factory() as session:
        history = session.execute(
            select(
                DecisionEvent.kind, DecisionEvent.from_outcome, DecisionEvent.to_outcome
            ).order_by(DecisionEvent.id)
        ).all()
    winner = winners[0].event
    assert isinstance(winner, Change)
    assert [tuple(h) for h in history] == [
        ("recorded", "product_engineer", "product_engineer"),
        ("changed", "product_engineer", winner.outcome),
    ]


def test_a_stale_accept_never_records_the_newer_recommendation(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations)
    old_accept = Decide("product_engineer", None, view.version)
    back = _act(conversations, view, Back(view.step, None, view.version))
    assert isinstance(back, Acted)
    last = len(CRITERIA) - 1
    other = CRITERIA.questions[last].options[-1].key
    again = _act(conversations, back.after, Answer(last, other, back.after.version))
    assert isinstance(again, Acted) and again.after.state is State.AWAITING_DECISION
    stale = _act(conversations, again.after, old_accept)
    assert isinstance(stale, NotDone) and stale.reason == "stale"
    assert _count(session_factory, Decision) == 0


def test_only_the_starter_or_an_admin_moves_it_and_anyone_adds_a_note(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    refused = _act(conversations, view, Answer(0, FIRST_OPTIONS[0], view.version), TEAMMATE)
    assert isinstance(refused, NotDone) and refused.reason == "not_allowed"
    by_admin = conversations.act(
        TEAM_A, view.id, Cancel(view.version), ADMIN, NOW, actor_is_admin=True
    )
    assert isinstance(by_admin, Acted) and by_admin.after.cancelled_by == ADMIN
    note = _act(conversations, by_admin.after, Note("salary band", "200.1"), TEAMMATE)
    assert isinstance(note, Acted) and note.after.version == by_admin.after.version
    again = _act(conversations, by_admin.after, Note("salary band", "200.1"), TEAMMATE)
    assert isinstance(again, Acted)
    assert _count(session_factory, NoteRow) == 1  # a retried event is kept once


def test_reopen_then_decide_again(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations)
    decided = _act(conversations, view, Decide("product_engineer", None, view.version))
    assert isinstance(decided, Acted)
    reopened = _act(conversations, decided.after, Reopen("budget", decided.after.version))
    assert isinstance(reopened, Acted) and reopened.after.state is State.AWAITING_DECISION
    assert reopened.after.decision is None and _count(session_factory, Decision) == 0
    redecided = _act(conversations, reopened.after, Decide("both", None, reopened.after.version))
    assert isinstance(redecided, Acted) and _count(session_factory, Decision) == 1


def test_a_message_is_recorded_only_for_the_version_it_was_drawn_for(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    assert conversations.record_step(view, None, "101.1", NOW)
    answered = _act(conversations, view, Answer(0, FIRST_OPTIONS[0], view.version))
    assert isinstance(answered, Acted) and answered.after.current_question_ts is None
    # The first question's post comes back late: it must not point at the new question.
    assert not conversations.record_step(view, None, "999.9", NOW)
    assert conversations.record_step(answered.after, answered.owed, "102.1", NOW)
    stored = conversations.get(TEAM_A, view.id, NOW)
    assert stored is not None and stored.current_question_ts == "102.1"


def test_workspace_b_cannot_see_or_act_on_workspace_a(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations, TEAM_A)
    assert conversations.get(TEAM_B, view.id, NOW) is None
    assert conversations.find_by_thread(TEAM_B, "C1", "100.1", NOW) is None
    for event in (Answer(0, FIRST_OPTIONS[0], view.version), Cancel(view.version), Note("x", "1")):
        result = conversations.act(TEAM_B, view.id, event, STARTER, NOW, actor_is_admin=True)
        assert isinstance(result, NotDone) and result.reason == "not_found"
    assert conversations.get(TEAM_A, view.id, NOW) == view


# Software engineer 4, product engineer 3: one opening gets a software engineer; two would
# make it both, software engineer first.
CLOSE = ["startup", "critical", "complex", "small", "sometimes", "systems"]


def _openings_events(session_factory: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with session_factory() as session:
        rows = session.execute(
            select(DecisionEvent.kind, DecisionEvent.option_key).where(
                DecisionEvent.kind == "openings"
            )
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_two_openings_are_kept_and_make_the_recommendation_both(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations, CLOSE)
    assert view.openings == 1
    assert conversations.record_step(view, None, "200.1", NOW)  # the recommendation's ts
    said = _act(conversations, view, Openings(2, view.version))
    assert isinstance(said, Acted)
    after = said.after
    assert after.openings == 2 and after.state is State.AWAITING_DECISION
    assert after.version == view.version + 1  # the recommendation's buttons are redrawn
    # Same answers, and the same message: it is rewritten in place, not posted again.
    assert after.answers == view.answers and after.recommendation_message_ts == "200.1"
    assert said.owed is None
    assert conversations.get(TEAM_A, view.id, NOW) == after
    assert _openings_events(session_factory) == [("openings", "2")]
    # Accepting now records "both": the recommendation as it reads with two openings.
    decided = _act(conversations, after, Decide("both", None, after.version))
    assert isinstance(decided, Acted) and decided.after.decision is not None
    assert decided.after.decision.recommendation == "both"
    assert decided.after.openings == 2


def test_a_stale_or_second_openings_click_records_nothing(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations, CLOSE)
    click = Openings(2, view.version)
    results = race(THREADS, lambda i: _act(conversations, view, click))
    assert sum(isinstance(r, Acted) for r in results) == 1
    assert {r.reason for r in results if isinstance(r, NotDone)} == {"stale"}
    assert _openings_events(session_factory) == [("openings", "2")]
    stored = conversations.get(TEAM_A, view.id, NOW)
    assert stored is not None and stored.openings == 2
    # "Only one opening" drawn before the two was recorded is stale too: nothing changes.
    late = _act(conversations, stored, Openings(1, view.version))
    assert isinstance(late, NotDone) and late.reason == "stale"
    again = conversations.get(TEAM_A, view.id, NOW)
    assert again is not None and again.openings == 2


def test_openings_are_said_on_the_recommendation_only(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _awaiting(conversations, CLOSE)
    back = _act(conversations, view, Back(view.step, None, view.version))
    assert isinstance(back, Acted) and back.after.state is State.IN_PROGRESS
    early = _act(conversations, back.after, Openings(2, back.after.version))
    assert isinstance(early, NotDone) and early.reason == "not_awaiting_decision"
    last = len(CRITERIA) - 1
    answered = _act(conversations, back.after, Answer(last, CLOSE[last], back.after.version))
    assert isinstance(answered, Acted)
    view = answered.after
    by_teammate = _act(conversations, view, Openings(2, view.version), TEAMMATE)
    assert isinstance(by_teammate, NotDone) and by_teammate.reason == "not_allowed"
    decided = _act(conversations, view, Decide("software_engineer", None, view.version))
    assert isinstance(decided, Acted)
    late = _act(conversations, decided.after, Openings(2, decided.after.version))
    assert isinstance(late, NotDone) and late.reason == "already_decided"
    assert _openings_events(session_factory) == []
