"""The outbox through the use cases the requests and the delivery job call, on both
databases: a message is owed in the change's own transaction, leased to whoever is posting
it, taken over by exactly one process once the lease lapses, tried again after a growing
wait, given up after a day, and forgotten by housekeeping a day after it is finished."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.conversation import Answer, Note
from bot.core.hire import Acted, ConversationView
from bot.db.models import OutboxMessage
from bot.db.repositories import OutboxRepository
from bot.hiring.conversations import DELIVERY_LEASE, RETRY_DELAYS, Conversations, Team
from tests.db.conftest import NOW, Workspaces, race

TEAM = Team("T_A")
CRITERIA = load_criteria()
FIRST = CRITERIA.questions[0].options[0].key


def _rows(session_factory: sessionmaker[Session]) -> list[tuple[str, str, int]]:
    with session_factory() as session:
        return [
            (row.kind, row.status, row.attempts)
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def _started(conversations: Conversations) -> ConversationView:
    view, root = conversations.start(TEAM, "Staff engineer", "U1", "C1", NOW, private_channel=False)
    view, step = conversations.attach_root(view, root, "100.1", NOW)
    assert step is not None
    assert conversations.record_step(view, step, "100.2", NOW)
    return view


def test_an_answer_owes_its_next_question_in_its_own_transaction(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    assert _rows(session_factory) == [("root", "sent", 1), ("step", "sent", 1)]
    acted = conversations.act(TEAM, view.id, Answer(0, FIRST, view.version), "U1", NOW)
    assert isinstance(acted, Acted) and acted.owed is not None
    assert acted.owed.key == f"step:{view.id}:{acted.after.version}"
    assert _rows(session_factory)[-1] == ("step", "pending", 1)
    # A note changes nothing the thread waits on: nothing more is owed.
    noted = conversations.act(TEAM, view.id, Note("see CV", "200.1"), "U1", NOW)
    assert isinstance(noted, Acted) and noted.owed is None
    # Within the lease it is the request's own: no job takes it.
    assert conversations.take_due(NOW + DELIVERY_LEASE - timedelta(seconds=1)) == []
    assert conversations.record_step(acted.after, acted.owed, "101.1", NOW)
    assert _rows(session_factory)[-1] == ("step", "sent", 1)


def test_a_lapsed_lease_is_taken_over_by_exactly_one_of_four_processes(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    conversations.act(TEAM, view.id, Answer(0, FIRST, view.version), "U1", NOW)
    later = NOW + DELIVERY_LEASE

    taken = race(4, lambda _: conversations.take_due(later))

    winners = [found for found in taken if found]
    assert len(winners) == 1
    [(owed, current)] = winners[0]
    assert owed.kind == "step" and owed.attempt == 2 and current.step == 1
    # The winner holds it for a new lease.
    assert conversations.take_due(later + DELIVERY_LEASE - timedelta(seconds=1)) == []


def test_a_failed_try_waits_longer_each_time_and_is_given_up_after_a_day(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    acted = conversations.act(TEAM, view.id, Answer(0, FIRST, view.version), "U1", NOW)
    assert isinstance(acted, Acted) and acted.owed is not None
    owed, at = acted.owed, NOW
    for expected_wait in RETRY_DELAYS[:3]:
        assert conversations.try_again_later(owed, "internal_error", at)
        assert conversations.take_due(at + expected_wait - timedelta(seconds=1)) == []
        at += expected_wait
        [(owed, _)] = conversations.take_due(at)
    assert not conversations.try_again_later(owed, "internal_error", NOW + timedelta(days=1))
    assert _rows(session_factory)[-1] == ("step", "failed", 4)


def test_a_message_is_given_up_a_day_after_it_was_owed_not_after_its_conversation_began(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    later = NOW + timedelta(days=3)  # an answer days after the conversation started
    acted = conversations.act(TEAM, view.id, Answer(0, FIRST, view.version), "U1", later)
    assert isinstance(acted, Acted) and acted.owed is not None
    assert conversations.try_again_later(acted.owed, "internal_error", later)
    assert _rows(session_factory)[-1] == ("step", "pending", 1)


def test_finished_messages_are_forgotten_after_a_day_and_pending_ones_never(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    conversations.act(TEAM, view.id, Answer(0, FIRST, view.version), "U1", NOW)
    with session_factory.begin() as session:
        assert OutboxRepository.prune(session, NOW) == 0  # finished, but not a day ago
    with session_factory.begin() as session:
        assert OutboxRepository.prune(session, NOW + timedelta(days=2)) == 2
    assert _rows(session_factory) == [("step", "pending", 1)]


def test_recording_a_posted_question_marks_its_owed_row_sent_whether_or_not_it_is_current(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    """One statement on PostgreSQL (the row and the conversation together), two in one
    transaction on SQLite: the same outcome either way."""
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    first = conversations.act(TEAM, view.id, Answer(0, FIRST, view.version), "U1", NOW)
    assert isinstance(first, Acted) and first.owed is not None
    # Answered again before question 2's post was recorded: question 2 is out of date.
    second = conversations.act(
        TEAM,
        view.id,
        Answer(1, CRITERIA.questions[1].options[0].key, first.after.version),
        "U1",
        NOW,
    )
    assert isinstance(second, Acted) and second.owed is not None
    assert not conversations.record_step(first.after, first.owed, "101.1", NOW)
    assert conversations.record_step(second.after, second.owed, "102.1", NOW)
    with session_factory() as session:
        sent = {
            row.id: (row.status, row.ts, row.finished_at)
            for row in session.scalars(select(OutboxMessage))
        }
    # Both posts happened: both rows are sent, each with its own message's ts.
    assert sent[first.owed.id] == ("sent", "101.1", NOW)
    assert sent[second.owed.id] == ("sent", "102.1", NOW)
    current = conversations.get_in(view.workspace_id, view.id)
    assert current is not None and current.current_question_ts == "102.1"
    # A row already finished (here: sent) is not finished again by a late second record.
    assert not conversations.record_step(first.after, first.owed, "999.9", NOW)
    with session_factory() as session:
        assert session.get(OutboxMessage, first.owed.id).ts == "101.1"  # type: ignore[union-attr]
