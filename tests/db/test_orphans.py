"""Orphaned conversations and the history `/hire show` reads, on SQLite and PostgreSQL: the
move to orphaned and back is the repository's one guarded UPDATE, nothing is deleted, a
report about an old thread never orphans the new one, and every change is kept with who
made it and when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.conversation import Answer, Back, Cancel, Orphan, Restart, State
from bot.core.conversation import decide_move as judge
from bot.core.hire import Acted, ConversationView, NotDone
from bot.core.visibility import Audience
from bot.db.models import Answer as AnswerRow
from bot.db.models import DecisionEvent, HiringConversation
from bot.db.repositories import ConversationRepository
from bot.hiring.conversations import Conversations, Team
from bot.hiring.log import DecisionLog
from tests.db.conftest import NOW, Workspaces, race

EVERYONE = Audience.operator()

TEAM = Team("T_A")
STARTER, ADMIN, TEAMMATE = "U_STARTER", "U_ADMIN", "U_TEAMMATE"
CRITERIA = load_criteria()
FIRST_OPTIONS = [q.options[0].key for q in CRITERIA.questions]


def _started(conversations: Conversations) -> ConversationView:
    view, root = conversations.start(
        TEAM, "Staff engineer", STARTER, "C1", NOW, private_channel=False
    )
    return conversations.attach_root(view, root, f"100.{view.id}", NOW)[0]


def _answered(conversations: Conversations, count: int, minutes: int = 1) -> ConversationView:
    view = _started(conversations)
    for step in range(count):
        at = NOW + timedelta(minutes=minutes + step)
        result = conversations.act(
            TEAM, view.id, Answer(step, FIRST_OPTIONS[step], view.version), STARTER, at
        )
        assert isinstance(result, Acted), result
        view = result.after
    return view


def _events(session_factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with session_factory() as session:
        rows = session.execute(
            select(DecisionEvent.kind, DecisionEvent.actor).order_by(DecisionEvent.id)
        )
        return [(kind, actor) for kind, actor in rows]


def test_an_orphaned_conversation_keeps_its_answers_and_restarts_where_it_stood(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 3)
    found = conversations.orphan(view, "thread", TEAMMATE, NOW + timedelta(hours=1))
    assert isinstance(found, Acted) and found.after.state is State.ORPHANED
    stored = conversations.get(TEAM, view.id, NOW)
    assert stored is not None and stored == found.after
    assert (stored.state, stored.step, stored.version) == (State.ORPHANED, 3, view.version + 1)
    assert [a.option_key for a in stored.answers] == FIRST_OPTIONS[:3]  # nothing deleted
    # Its thread is gone: nothing can be answered in it any more.
    late = conversations.act(TEAM, view.id, Answer(3, FIRST_OPTIONS[3]), STARTER, NOW)
    assert isinstance(late, NotDone) and late.reason == "orphaned"
    # A restart carries it on in a new thread, exactly where it stood.
    refused = conversations.act(TEAM, view.id, Restart("C2", "200.1"), TEAMMATE, NOW)
    assert isinstance(refused, NotDone) and refused.reason == "not_allowed"
    restarted = conversations.act(
        TEAM, view.id, Restart("C2", "200.1", stored.version), STARTER, NOW + timedelta(hours=2)
    )
    assert isinstance(restarted, Acted), restarted
    again = conversations.get(TEAM, view.id, NOW)
    assert again is not None and again == restarted.after
    assert (again.state, again.step, again.channel_id, again.root_ts) == (
        State.IN_PROGRESS,
        3,
        "C2",
        "200.1",
    )
    assert again.current_question_ts is None and again.recommendation_message_ts is None
    assert [a.option_key for a in again.answers] == FIRST_OPTIONS[:3]
    assert again.last_activity_at == NOW + timedelta(hours=2)
    # The new thread's replies find it; the old thread's no longer do.
    assert conversations.find_by_thread(TEAM, "C2", "200.1", NOW) == again
    assert conversations.find_by_thread(TEAM, "C1", view.root_ts or "", NOW) is None
    assert _events(session_factory) == [("orphaned", TEAMMATE), ("restarted", STARTER)]
    with session_factory() as session:
        kept = session.execute(
            select(DecisionEvent.kind, DecisionEvent.channel_id, DecisionEvent.reason)
        ).all()
    assert sorted(tuple(row) for row in kept) == [
        ("orphaned", "C1", "thread deleted"),
        ("restarted", "C2", None),
    ]


def test_a_late_report_about_the_old_thread_never_orphans_the_new_one(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 6)
    assert view.state is State.AWAITING_DECISION
    found = conversations.orphan(view, "channel", STARTER, NOW)
    assert isinstance(found, Acted)
    restarted = conversations.act(
        TEAM, view.id, Restart("C2", "200.1", found.after.version), ADMIN, NOW, actor_is_admin=True
    )
    assert isinstance(restarted, Acted)
    assert restarted.after.state is State.AWAITING_DECISION  # the recommendation again
    again = conversations.orphan(view, "channel", STARTER, NOW)  # the first report, late
    assert isinstance(again, NotDone)
    stored = conversations.get(TEAM, view.id, NOW)
    assert stored is not None and stored.state is State.AWAITING_DECISION


def test_closed_conversations_are_never_orphaned(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    cancelled = conversations.act(TEAM, view.id, Cancel(), STARTER, NOW)
    assert isinstance(cancelled, Acted)
    report = conversations.orphan(cancelled.after, "thread", STARTER, NOW)
    assert isinstance(report, NotDone) and report.reason == "not_open"
    stored = conversations.get(TEAM, view.id, NOW)
    assert stored is not None and stored.state is State.CANCELLED


def test_an_orphaned_conversation_can_be_cancelled(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 2)
    assert isinstance(conversations.orphan(view, "thread", "", NOW), Acted)
    cancelled = conversations.act(
        TEAM, view.id, Cancel(None, "gone"), ADMIN, NOW, actor_is_admin=True
    )
    assert isinstance(cancelled, Acted) and cancelled.after.state is State.CANCELLED
    assert [a.option_key for a in cancelled.after.answers] == FIRST_OPTIONS[:2]


def test_twenty_reports_of_one_gone_thread_orphan_it_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 1)
    results = race(20, lambda i: conversations.orphan(view, "thread", f"U{i}", NOW))
    assert sum(isinstance(r, Acted) for r in results) == 1
    assert all(isinstance(r, Acted) or r.reason in {"stale", "orphaned"} for r in results)
    assert [kind for kind, _ in _events(session_factory)] == ["orphaned"]


def test_twenty_restarts_at_once_restart_it_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 2)
    found = conversations.orphan(view, "thread", "", NOW)
    assert isinstance(found, Acted)
    version = found.after.version
    results = race(
        20,
        lambda i: conversations.act(
            TEAM, view.id, Restart("C2", f"300.{i + 1}", version), STARTER, NOW
        ),
    )
    won = [r for r in results if isinstance(r, Acted)]
    assert len(won) == 1
    stored = conversations.get(TEAM, view.id, NOW)
    assert stored is not None and stored.root_ts == won[0].after.root_ts
    assert [kind for kind, _ in _events(session_factory)] == ["orphaned", "restarted"]


def test_the_guarded_statement_applies_an_orphan_move_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 2)
    move = judge(view.position, Orphan(view.version), by_owner=False)
    with session_factory.begin() as session:
        assert ConversationRepository.apply_move(session, workspaces.a, view.id, move, now=NOW)
    with session_factory.begin() as session:  # the same move, drawn on the same state
        assert not ConversationRepository.apply_move(session, workspaces.a, view.id, move, now=NOW)
    with session_factory() as session:
        conv = session.get(HiringConversation, view.id)
        assert conv is not None
        assert (conv.state, conv.current_step, conv.version) == ("orphaned", 2, view.version + 1)
        # The bot found it; nobody did anything: the idle clock is not restarted.
        assert conv.last_activity_at == view.last_activity_at


def test_the_database_knows_the_new_state_and_history_kinds(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    with session_factory.begin() as session:
        session.execute(
            update(HiringConversation)
            .where(HiringConversation.id == view.id)
            .values(state="orphaned")
        )
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.execute(
            update(HiringConversation).where(HiringConversation.id == view.id).values(state="lost")
        )
    for kind in ("answered", "went_back", "orphaned", "restarted"):
        with session_factory.begin() as session:
            session.add(
                DecisionEvent(
                    workspace_id=workspaces.a,
                    conversation_id=view.id,
                    kind=kind,
                    actor=STARTER,
                    created_at=NOW,
                )
            )
    with pytest.raises(IntegrityError), session_factory.begin() as session:
        session.add(
            DecisionEvent(
                workspace_id=workspaces.a,
                conversation_id=view.id,
                kind="deleted",
                actor=STARTER,
                created_at=NOW,
            )
        )


def test_open_threads_lists_only_open_posted_conversations(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    open_one = _started(conversations)
    orphaned = _answered(conversations, 1)
    assert isinstance(conversations.orphan(orphaned, "thread", "", NOW), Acted)
    conversations.start(TEAM, "never posted", STARTER, "C1", NOW, private_channel=False)
    closed = _started(conversations)
    assert isinstance(conversations.act(TEAM, closed.id, Cancel(), STARTER, NOW), Acted)
    assert [v.id for v in conversations.open_threads()] == [open_one.id]
    assert conversations.open_threads(after_id=open_one.id) == []


def test_the_history_keeps_every_change_with_who_and_when(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 3)  # answered at NOW+1, +2, +3 minutes
    back_at = NOW + timedelta(minutes=10)
    back = conversations.act(
        TEAM, view.id, Back(3, 1, view.version), ADMIN, back_at, actor_is_admin=True
    )
    assert isinstance(back, Acted) and back.after.step == 1
    second = CRITERIA.questions[1].options[-1].key
    answered_at = NOW + timedelta(minutes=11)
    redo = conversations.act(
        TEAM, view.id, Answer(1, second, back.after.version), STARTER, answered_at
    )
    assert isinstance(redo, Acted)
    orphaned = conversations.orphan(redo.after, "thread", TEAMMATE, NOW + timedelta(minutes=12))
    assert isinstance(orphaned, Acted)
    restarted = conversations.act(
        TEAM,
        view.id,
        Restart("C2", "200.1", orphaned.after.version),
        STARTER,
        NOW + timedelta(minutes=13),
    )
    assert isinstance(restarted, Acted)
    with session_factory() as session:  # the answers that stand: nothing else
        standing = session.execute(select(AnswerRow.step, AnswerRow.option_key)).all()
    assert sorted(tuple(r) for r in standing) == [(0, FIRST_OPTIONS[0]), (1, second)]

    history = DecisionLog(session_factory).detail(workspaces.a, view.id).history
    said = [(e.kind, e.actor, e.question_key, e.option_key, e.channel_id) for e in history]
    q = [question.key for question in CRITERIA.questions]
    assert said == [
        ("started", STARTER, None, None, "C1"),  # where it started, before the restart
        ("answered", STARTER, q[0], FIRST_OPTIONS[0], None),
        ("answered", STARTER, q[1], FIRST_OPTIONS[1], None),  # set aside, still told
        ("answered", STARTER, q[2], FIRST_OPTIONS[2], None),
        ("went_back", ADMIN, q[1], None, None),
        ("answered", STARTER, q[1], second, None),
        ("orphaned", TEAMMATE, None, None, "C1"),
        ("restarted", STARTER, None, None, "C2"),
    ]
    assert [e.created_at for e in history] == [
        NOW,
        NOW + timedelta(minutes=1),
        NOW + timedelta(minutes=2),
        NOW + timedelta(minutes=3),
        back_at,
        answered_at,
        NOW + timedelta(minutes=12),
        NOW + timedelta(minutes=13),
    ]
    # Another workspace reads nothing of it.
    assert DecisionLog(session_factory).detail(workspaces.b, view.id).history == ()


def test_the_home_tab_lists_an_orphaned_conversation_as_open_without_a_dead_link(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _answered(conversations, 1)
    assert isinstance(conversations.orphan(view, "thread", "", NOW), Acted)
    other, root = conversations.start(TEAM, "Theo's", TEAMMATE, "C1", NOW, private_channel=False)
    conversations.attach_root(other, root, "100.9", NOW)
    log = DecisionLog(session_factory)
    home = log.home(workspaces.a, STARTER, NOW, "https://acme.slack.com/", audience=EVERYONE)
    assert [(r.id, r.state, r.link) for r in home.mine] == [(view.id, "orphaned", None)]
    assert home.others_open == ()  # not an admin
    admin_home = log.home(
        workspaces.a, ADMIN, NOW, "https://acme.slack.com/", audience=EVERYONE, everyone_open=True
    )
    assert {r.id for r in admin_home.others_open} == {view.id, other.id}
    starter_as_admin = log.home(
        workspaces.a, STARTER, NOW, "https://acme.slack.com/", audience=EVERYONE, everyone_open=True
    )
    assert [r.id for r in starter_as_admin.others_open] == [other.id]  # not theirs twice
    listed = log.page(workspaces.a, "open", audience=EVERYONE).rows
    assert view.id in {r.id for r in listed}
    assert view.id not in {
        r.id for r in log.page(workspaces.a, "cancelled", audience=EVERYONE).rows
    }


def test_the_migration_keeps_every_row_and_steps_down_without_the_new_words(
    empty_database_url: str,
) -> None:
    from alembic import command
    from sqlalchemy import text

    from bot.db.migrate import alembic_config, upgrade_to_head
    from bot.db.session import make_engine

    url = empty_database_url
    config = alembic_config(url)
    command.upgrade(config, "37ae2833efd3")  # the schema before orphans
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO workspaces (id, team_id, enterprise_id, created_at) "
                    "VALUES (1, 'T_A', '', :now)"
                ),
                {"now": NOW},
            )
            for conv_id, state in ((1, "in_progress"), (2, "decided")):
                connection.execute(
                    text(
                        "INSERT INTO hiring_conversations (id, workspace_id, title, started_by, "
                        "channel_id, root_ts, state, current_step, version, created_at, "
                        "updated_at, last_activity_at) VALUES (:id, 1, 'Role', 'U1', 'C1', "
                        ":ts, :state, 0, 0, :now, :now, :now)"
                    ),
                    {"id": conv_id, "ts": f"1.{conv_id}", "state": state, "now": NOW},
                )
            connection.execute(
                text(
                    "INSERT INTO decision_events (workspace_id, conversation_id, kind, actor, "
                    "created_at) VALUES (1, 2, 'recorded', 'U1', :now)"
                ),
                {"now": NOW},
            )
        upgrade_to_head(url)
        with engine.begin() as connection:
            assert (
                connection.execute(text("SELECT count(*) FROM hiring_conversations")).scalar() == 2
            )
            assert connection.execute(text("SELECT count(*) FROM decision_events")).scalar() == 1
            connection.execute(
                text("UPDATE hiring_conversations SET state = 'orphaned' WHERE id = 1")
            )
            connection.execute(
                text(
                    "INSERT INTO decision_events (workspace_id, conversation_id, kind, actor, "
                    "created_at, channel_id) VALUES (1, 1, 'orphaned', '', :now, 'C1')"
                ),
                {"now": NOW},
            )
        command.downgrade(config, "2198f415decb")  # to just before the orphans' migration
        with engine.begin() as connection:
            states = connection.execute(
                text("SELECT id, state FROM hiring_conversations ORDER BY id")
            ).all()
            kinds = connection.execute(text("SELECT kind FROM decision_events")).scalars().all()
        assert [tuple(row) for row in states] == [(1, "cancelled"), (2, "decided")]
        assert kinds == ["recorded"]
    finally:
        engine.dispose()
