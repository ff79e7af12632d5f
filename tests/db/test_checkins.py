""" "Did it hold up?" check-ins as production runs them (`bot.hiring.checkins`), on SQLite
and PostgreSQL: when one is due, the exactly-once claim (20 racing threads), answers and
their history, stale clicks, a decision changed or reopened first, the setting and who may
change it, and what Home, `/hire show` and the digest read back, scoped and private."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.checkins import CheckinAnswered, CheckinClaim, CheckinRefused
from bot.core.conversation import Answer, Change, Decide, Reopen
from bot.core.digest_settings import SettingsRefused
from bot.core.hire import Acted, ConversationView
from bot.core.visibility import Audience
from bot.db.models import Checkin, CheckinAnswer, DigestSettingsChange
from bot.hiring.checkins import Checkins
from bot.hiring.conversations import Conversations, Team
from bot.hiring.digest import DigestStore
from bot.hiring.log import DecisionLog
from bot.slack.checkins import LEASE
from tests.db.conftest import NOW, Workspaces, race

THREADS = 20
TEAM_A, TEAM_B = Team("T_A"), Team("T_B", "E_B")
MAYA, THEO = "U_MAYA", "U_THEO"
CRITERIA = load_criteria()
FIRST_OPTIONS = [q.options[0].key for q in CRITERIA.questions]
DECIDED_AT = NOW + timedelta(minutes=1)
DUE = DECIDED_AT + timedelta(days=90)
EVERYONE = Audience.operator()


def _decided(
    session_factory: sessionmaker[Session],
    outcome: str = "product_engineer",
    *,
    team: Team = TEAM_A,
    channel: str = "C1",
    private: bool = False,
    title: str = "Senior engineer, checkout team",
) -> ConversationView:
    conversations = Conversations(session_factory, CRITERIA)
    view, root = conversations.start(team, title, MAYA, channel, NOW, private_channel=private)
    view = conversations.attach_root(view, root, f"100.{view.id}", NOW)[0]
    for step, option in enumerate(FIRST_OPTIONS):
        result = conversations.act(team, view.id, Answer(step, option, view.version), MAYA, NOW)
        assert isinstance(result, Acted)
        view = result.after
    result = conversations.act(
        team, view.id, Decide(outcome, "we ship fast", view.version), MAYA, DECIDED_AT
    )
    assert isinstance(result, Acted)
    return result.after


def _count(session_factory: sessionmaker[Session], model: type) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _sent(store: Checkins, now: datetime = DUE) -> CheckinClaim:
    (due,) = store.due(now)
    claim = store.take(due, "proc-1", now, LEASE)
    assert claim is not None
    assert store.sent(claim, now, "D_MAYA", "200.1")
    return claim


def test_a_check_in_is_due_ninety_days_after_the_decision_and_asks_the_decider(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conv = _decided(session_factory)
    store = Checkins(session_factory)
    assert store.due(DUE - timedelta(minutes=1)) == []
    (due,) = store.due(DUE)
    assert (due.workspace_id, due.conversation_id, due.decided_by) == (
        workspaces.a,
        conv.id,
        MAYA,
    )
    claim = store.take(due, "proc-1", DUE, LEASE)
    assert claim is not None and claim.attempt == 1
    view = claim.view
    assert (view.title, view.outcome, view.recommendation) == (
        "Senior engineer, checkout team",
        "product_engineer",
        conv.decision.recommendation if conv.decision else None,
    )
    assert store.sent(claim, DUE, "D_MAYA", "200.1")
    # Claimed once, ever: nothing more is due for it, now or later.
    assert store.due(DUE) == [] and store.due(DUE + timedelta(days=5)) == []
    assert store.take(due, "proc-2", DUE, LEASE) is None


def test_twenty_processes_claim_one_due_check_in_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    _decided(session_factory)
    (due,) = Checkins(session_factory).due(DUE)

    def take(i: int) -> CheckinClaim | None:
        return Checkins(session_factory).take(due, f"proc-{i}", DUE, LEASE)

    winners = [claim for claim in race(THREADS, take) if claim is not None]
    assert len(winners) == 1 and winners[0].attempt == 1
    assert _count(session_factory, Checkin) == 1


def test_a_lapsed_claim_is_taken_over_once_and_the_dead_claimer_cannot_finish_it(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    _decided(session_factory)
    store = Checkins(session_factory)
    (due,) = store.due(DUE)
    first = store.take(due, "dead", DUE, LEASE)
    assert first is not None
    assert store.due(DUE + LEASE - timedelta(seconds=1)) == []  # still its claimer's
    later = DUE + LEASE
    (lapsed,) = store.due(later)
    assert lapsed.checkin_id == first.view.id

    def take(i: int) -> CheckinClaim | None:
        return Checkins(session_factory).take(lapsed, f"proc-{i}", later, LEASE)

    winners = [claim for claim in race(THREADS, take) if claim is not None]
    assert len(winners) == 1
    won = winners[0]
    assert won.attempt == 2 and won.first_claimed_at == DUE  # look for a DM sent from then
    assert not store.sent(first, later, "D_MAYA", "1.1")  # the dead claimer's late word
    assert store.sent(won, later, "D_MAYA", "1.2")
    assert store.due(later + LEASE) == []


def test_a_passing_failure_is_tried_again_later_and_a_refusal_never(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    _decided(session_factory)
    _decided(session_factory, title="Growth lead")
    store = Checkins(session_factory)
    first, second = (store.take(d, "proc", DUE, LEASE) for d in store.due(DUE))
    assert first is not None and second is not None
    retry_at = DUE + timedelta(minutes=1)
    assert store.postpone(first, retry_at, "ratelimited")
    assert store.failed(second, DUE, "user_not_found")
    assert store.due(retry_at - timedelta(seconds=1)) == []
    (again,) = store.due(retry_at)
    assert again.checkin_id == first.view.id
    # The refused one is never due again, however long the bot runs.
    assert store.due(DUE + timedelta(days=20)) == [again]


def test_off_means_nothing_is_due_and_the_setting_is_for_admins_and_managers(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    _decided(session_factory)
    store = Checkins(session_factory)
    assert store.after_days(workspaces.a) == 90
    refused = store.set_after_days(workspaces.a, THEO, actor_is_admin=False, days=0, now=NOW)
    assert isinstance(refused, SettingsRefused)
    assert store.set_after_days(workspaces.a, "U_ADMIN", actor_is_admin=True, days=0, now=NOW) == (
        90,
        0,
    )
    assert store.due(DUE) == [] and store.due(DUE + timedelta(days=400)) == []
    assert store.after_days(workspaces.b) == 90  # another workspace keeps its own
    # A digest manager may change it too; each change is in the settings' history.
    DigestStore(session_factory).change(
        workspaces.a, "U_ADMIN", NOW, actor_is_admin=True, managers=(THEO,)
    )
    assert store.set_after_days(workspaces.a, THEO, actor_is_admin=False, days=30, now=NOW) == (
        0,
        30,
    )
    with session_factory() as session:
        kept = session.scalars(
            select(DigestSettingsChange.after).where(
                DigestSettingsChange.workspace_id == workspaces.a
            )
        ).all()
    assert {"checkin_after_days": 0} in kept and {"checkin_after_days": 30} in kept
    # Thirty days after the decision it is due; the digest's settings are untouched.
    assert len(store.due(DECIDED_AT + timedelta(days=30))) == 1
    assert DigestStore(session_factory).settings(workspaces.a).channel_id is None


def test_a_changed_decision_counts_from_its_latest_decided_time(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conv = _decided(session_factory)
    store = Checkins(session_factory)
    (stale_due,) = store.due(DUE)
    changed_at = DECIDED_AT + timedelta(days=60)
    conversations = Conversations(session_factory, CRITERIA)
    result = conversations.act(
        TEAM_A, conv.id, Change("software_engineer", "scale first", conv.version), MAYA, changed_at
    )
    assert isinstance(result, Acted)
    # Found before the change, claimed after: nothing is claimed for the old decision.
    assert store.take(stale_due, "proc", DUE, LEASE) is None
    assert store.due(DUE) == []
    (due,) = store.due(changed_at + timedelta(days=90))
    claim = store.take(due, "proc", changed_at + timedelta(days=90), LEASE)
    assert claim is not None and claim.view.outcome == "software_engineer"


def test_a_reopened_conversation_gets_no_check_in_and_cannot_be_answered(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conv = _decided(session_factory)
    other = _decided(session_factory, title="Data platform")
    conversations = Conversations(session_factory, CRITERIA)
    reopened = conversations.act(
        TEAM_A, conv.id, Reopen("new funding", conv.version), MAYA, NOW + timedelta(days=10)
    )
    assert isinstance(reopened, Acted)
    store = Checkins(session_factory)
    (due,) = store.due(DUE)
    assert due.conversation_id == other.id
    claim = _sent(store)
    # Reopened after it was asked: the old question has no call to judge any more.
    result = conversations.act(
        TEAM_A, other.id, Reopen("new plan", other.version), MAYA, DUE + timedelta(hours=1)
    )
    assert isinstance(result, Acted)
    answered = store.answer(
        workspaces.a, claim.view.id, MAYA, "yes", None, 0, DUE + timedelta(hours=2)
    )
    assert isinstance(answered, CheckinRefused) and answered.view is not None
    assert answered.view.closed
    assert _count(session_factory, CheckinAnswer) == 0


def test_a_claim_taken_over_after_the_decision_was_reopened_asks_nothing(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conv = _decided(session_factory)
    store = Checkins(session_factory)
    (due,) = store.due(DUE)
    assert store.take(due, "dead", DUE, LEASE) is not None
    conversations = Conversations(session_factory, CRITERIA)
    result = conversations.act(TEAM_A, conv.id, Reopen("rethink", conv.version), MAYA, DUE)
    assert isinstance(result, Acted)
    (lapsed,) = store.due(DUE + LEASE)
    assert store.take(lapsed, "proc", DUE + LEASE, LEASE) is None
    assert store.due(DUE + 2 * LEASE) == []
    with session_factory() as session:
        assert session.scalar(select(Checkin.error)) == "no longer decided"


def test_old_decisions_are_not_asked_about_months_late(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    _decided(session_factory)
    store = Checkins(session_factory)
    assert len(store.due(DUE + timedelta(days=29))) == 1
    assert store.due(DUE + timedelta(days=31)) == []


def test_answering_again_keeps_the_history_and_stale_or_double_clicks_record_nothing(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conv = _decided(session_factory)
    store = Checkins(session_factory)
    claim = _sent(store)
    checkin_id = claim.view.id
    # Only the decider may answer.
    assert isinstance(
        store.answer(workspaces.a, checkin_id, THEO, "no", None, 0, DUE), CheckinRefused
    )
    # The same click 20 times at once (a double click, tabs): recorded once.
    results = race(
        THREADS,
        lambda i: Checkins(session_factory).answer(
            workspaces.a, checkin_id, MAYA, "too_early", None, 0, DUE
        ),
    )
    assert sum(isinstance(r, CheckinAnswered) for r in results) == 1
    assert _count(session_factory, CheckinAnswer) == 1
    # Months later, from the redrawn message: Yes, with a note.
    later = DUE + timedelta(days=90)
    note = "Shipped checkout v2 in 6 weeks"
    answered = store.answer(workspaces.a, checkin_id, MAYA, "yes", note, 1, later)
    assert isinstance(answered, CheckinAnswered)
    assert (answered.view.answer, answered.view.note, answered.view.version) == ("yes", note, 2)
    # The old message's button (version 0) records nothing and shows what stands.
    stale = store.answer(workspaces.a, checkin_id, MAYA, "no", None, 0, later)
    assert isinstance(stale, CheckinRefused) and stale.view is not None
    assert stale.view.answer == "yes"
    # Another workspace can't reach it.
    assert isinstance(
        store.answer(workspaces.b, checkin_id, MAYA, "no", None, 2, later), CheckinRefused
    )
    detail = DecisionLog(session_factory).detail(workspaces.a, conv.id)
    assert detail.checkin is not None and detail.checkin.answer == "yes"
    kept = [(e.option_key, e.reason) for e in detail.history if e.kind == "checked_in"]
    assert kept == [("too_early", None), ("yes", note)]


def test_home_counts_held_up_by_answer_and_by_followed_or_overridden_within_visibility(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    first = _decided(session_factory).decision
    assert first is not None
    followed = first.recommendation
    overrode = "growth_engineer" if followed != "growth_engineer" else "software_engineer"
    _decided(session_factory, followed, title="Followed")
    _decided(session_factory, overrode, title="Overrode")
    _decided(session_factory, followed, title="Secret", channel="G_SECRET", private=True)
    store = Checkins(session_factory)
    answers = {"Senior engineer, checkout team": "partly", "Followed": "yes"}
    answers |= {"Overrode": "no", "Secret": "yes"}
    for due in store.due(DUE):
        claim = store.take(due, "proc", DUE, LEASE)
        assert claim is not None
        store.answer(workspaces.a, claim.view.id, MAYA, answers[claim.view.title], None, 0, DUE)
    outsider = Audience()
    home = DecisionLog(session_factory).home(workspaces.a, THEO, DUE, None, audience=outsider)
    held = home.held_up
    assert held.by_answer == {"yes": 1, "partly": 1, "no": 1, "too_early": 0}
    assert held.followed == {"yes": 1, "partly": 1, "no": 0, "too_early": 0}
    assert held.overrode == {"yes": 0, "partly": 0, "no": 1, "too_early": 0}
    assert held.hidden == 1 and home.checkin_after_days == 90
    member = Audience(frozenset({"G_SECRET"}))
    seen = DecisionLog(session_factory).home(workspaces.a, MAYA, DUE, None, audience=member)
    assert seen.held_up.by_answer["yes"] == 2 and seen.held_up.hidden == 0
    # Workspace B sees none of it.
    other = DecisionLog(session_factory).home(workspaces.b, THEO, DUE, None, audience=EVERYONE)
    assert other.held_up.total == 0


def test_the_digest_lists_the_week_s_answered_check_ins_by_title_only_where_it_may(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    _decided(session_factory, title="Public call")
    _decided(session_factory, title="Secret call", channel="G_SECRET", private=True)
    store = Checkins(session_factory)
    for due in store.due(DUE):
        claim = store.take(due, "proc", DUE, LEASE)
        assert claim is not None
        store.answer(workspaces.a, claim.view.id, MAYA, "yes", None, 0, DUE)
    week = (DUE - timedelta(days=3), DUE + timedelta(days=4))
    digests = DigestStore(session_factory)
    general = digests.build(workspaces.a, *week, None, audience=Audience.posted_in("C_GENERAL"))
    assert [c.title for c in general.checkins] == ["Public call"]
    assert general.hidden_checkins == 1
    secret = digests.build(workspaces.a, *week, None, audience=Audience.posted_in("G_SECRET"))
    assert sorted(c.title for c in secret.checkins) == ["Public call", "Secret call"]
    earlier = (DUE - timedelta(days=10), DUE - timedelta(days=3))
    assert digests.build(workspaces.a, *earlier, None, audience=EVERYONE).checkins == ()
