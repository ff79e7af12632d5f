"""The digest's and the decision log's use cases as production runs them (`bot.hiring.digest`,
`bot.hiring.log`, `bot.hiring.export`), on SQLite and PostgreSQL.

The conversations and decisions they read are written straight to the tables here: these
tests are about what is read back, whatever wrote it.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest import Schedule
from bot.core.digest_settings import SettingsChanged
from bot.core.log_views import EventRow, NoteRow, SettingsView
from bot.core.visibility import Audience
from bot.db.models import Decision, DecisionEvent, DigestRun, HiringConversation, Note
from bot.hiring.digest import DigestStore
from bot.hiring.export import decisions_csv
from bot.hiring.log import DecisionLog
from tests.db.conftest import NOW, Workspaces

# These tests are about scoping and content, not privacy: they read as the operator does.
EVERYONE = Audience.operator()

URL = "https://acme.slack.com/"
WEEK_END = NOW
WEEK_START = NOW - timedelta(days=7)
# Due on NOW's weekday and time, so [WEEK_START, WEEK_END) is one digest's period.
WEEKLY = Schedule(weekday=NOW.weekday(), hour=NOW.hour, minute=NOW.minute, timezone="UTC")
THREAD_TS = itertools.count(1)


class Seed:
    """Rows of one workspace, each conversation with its own thread."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session, self.workspace_id = session, workspace_id

    def conversation(
        self,
        title: str,
        *,
        state: str = "in_progress",
        step: int = 0,
        started_by: str = "U1",
        at: datetime = NOW,
        posted: bool = True,
        permalink: str | None = None,
    ) -> int:
        conv = HiringConversation(
            workspace_id=self.workspace_id,
            title=title,
            started_by=started_by,
            channel_id="C1",
            root_ts=f"1700000000.{next(THREAD_TS):06d}" if posted else None,
            state=state,
            current_step=step,
            version=0,
            permalink=permalink,
            created_at=at,
            updated_at=at,
            last_activity_at=at,
        )
        self.session.add(conv)
        self.session.flush()
        return conv.id

    def decided(
        self,
        title: str,
        at: datetime,
        outcome: str = "product_engineer",
        *,
        started_by: str = "U1",
        permalink: str | None = None,
    ) -> int:
        conv = self.conversation(
            title, state="decided", step=6, started_by=started_by, at=at, permalink=permalink
        )
        self.session.add(
            Decision(
                workspace_id=self.workspace_id,
                conversation_id=conv,
                recommendation="product_engineer",
                confidence=0.8,
                recommendation_reasons=[],
                answers_snapshot={"stage": "startup", "pace": "fast"},
                final_outcome=outcome,
                reason=None if outcome == "product_engineer" else "=1+1",
                decided_by="U2",
                decided_at=at,
            )
        )
        self.session.flush()
        return conv


def _link(conversation_id: int, session_factory: sessionmaker[Session]) -> str:
    with session_factory() as session:
        conv = session.get(HiringConversation, conversation_id)
        assert conv is not None and conv.root_ts is not None
        return f"https://acme.slack.com/archives/C1/p{conv.root_ts.replace('.', '')}"


# -- digest settings ---------------------------------------------------------------------------


def admin_changes(
    store: DigestStore, workspace_id: int, user: str, now: datetime, **changes: Any
) -> SettingsView:
    """A change by a workspace admin (who may always change them); the settings after it."""
    result = store.change(workspace_id, user, now, actor_is_admin=True, **changes)
    assert isinstance(result, SettingsChanged)
    return result.settings


def test_settings_default_until_changed_then_keep_who_changed_them(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    store = DigestStore(session_factory)
    default = store.settings(workspaces.a)
    assert (default.channel_id, default.schedule, default.enabled, default.post_when_quiet) == (
        None,
        Schedule(0, 9, 0, "UTC"),
        True,
        True,
    )
    assert (default.configured_by, default.updated_at) == (None, None)
    saved = admin_changes(
        store, workspaces.a, "U1", NOW, weekday=4, hour=16, minute=30, timezone="Europe/Paris"
    )
    assert saved.schedule == Schedule(4, 16, 30, "Europe/Paris")
    assert (saved.configured_by, saved.updated_at) == ("U1", NOW)
    admin_changes(store, workspaces.a, "U2", NOW + timedelta(hours=1), enabled=False)
    assert store.settings(workspaces.a) == SettingsView(
        workspace_id=workspaces.a,
        channel_id=None,
        schedule=Schedule(4, 16, 30, "Europe/Paris"),
        enabled=False,
        post_when_quiet=True,
        configured_by="U2",
        last_error=None,
        updated_at=NOW + timedelta(hours=1),
    )
    assert store.settings(workspaces.b) == replace(default, workspace_id=workspaces.b)


@pytest.mark.parametrize(
    "change",
    [{"timezone": "Mars/Olympus"}, {"timezone": "europe/paris"}, {"hour": 24}, {"weekday": -1}],
)
def test_impossible_settings_are_refused_and_nothing_is_stored(
    session_factory: sessionmaker[Session], workspaces: Workspaces, change: dict[str, object]
) -> None:
    store = DigestStore(session_factory)
    with pytest.raises(ValueError):
        admin_changes(store, workspaces.a, "U1", NOW, **change)
    assert store.settings(workspaces.a).updated_at is None


def test_a_new_channel_clears_the_last_error(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    store = DigestStore(session_factory)
    admin_changes(store, workspaces.a, "U1", NOW, channel_id="C1")
    store.record_error(workspaces.a, "is_archived", NOW)
    assert store.settings(workspaces.a).last_error == "is_archived"
    # Changing anything else keeps it: the channel is still the one that failed.
    assert admin_changes(store, workspaces.a, "U1", NOW, hour=10).last_error == "is_archived"
    saved = admin_changes(store, workspaces.a, "U2", NOW, channel_id="C2")
    assert (saved.channel_id, saved.last_error, saved.configured_by) == ("C2", None, "U2")
    assert store.settings(workspaces.a) == saved
    store.record_error(workspaces.a, "x" * 500, NOW)  # never longer than the column
    assert store.settings(workspaces.a).last_error == "x" * 200


# -- digest runs -------------------------------------------------------------------------------


def test_runs_are_claimed_once_missed_ones_recorded_and_completed_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    store = DigestStore(session_factory)
    admin_changes(store, workspaces.a, "U1", NOW, channel_id="C1")
    admin_changes(store, workspaces.b, "U2", NOW, channel_id="C2")
    assert [s.workspace_id for s in store.scheduled()] == [workspaces.a, workspaces.b]
    assert not store.has_run(workspaces.a, "2026-11-16")
    run = store.claim(workspaces.a, "2026-11-16", "host-1:42", NOW)
    assert run is not None and store.has_run(workspaces.a, "2026-11-16")
    assert store.claim(workspaces.a, "2026-11-16", "host-2:7", NOW) is None
    assert store.claim(workspaces.a, "2026-11-09", "host-2:7", NOW, status="missed") is not None
    assert store.claim(workspaces.a, "2026-11-09", "host-1:42", NOW) is None  # missed is done
    assert store.complete(workspaces.a, run, "posted", NOW, channel_id="C1", message_ts="1.1")
    assert not store.complete(workspaces.a, run, "failed", NOW, error="late")
    with session_factory() as session:
        stored = {r.period_key: r for r in session.scalars(select(DigestRun))}
    assert (stored["2026-11-16"].status, stored["2026-11-16"].message_ts) == ("posted", "1.1")
    assert (stored["2026-11-09"].status, stored["2026-11-09"].completed_at) == ("missed", NOW)


def test_a_claim_is_held_for_its_lease_then_taken_over_and_a_transient_failure_waits(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    store = DigestStore(session_factory)
    lease = timedelta(minutes=10)
    claim = store.take(workspaces.a, "2026-11-16", "host-1", NOW, lease)
    assert claim is not None and claim.attempt == 1
    assert store.is_done_or_held(workspaces.a, "2026-11-16", NOW + lease - timedelta(seconds=1))
    assert (
        store.take(workspaces.a, "2026-11-16", "host-2", NOW + timedelta(minutes=9), lease) is None
    )
    # A transient failure: free for anyone from the time of the next try, not before.
    retry_at = NOW + timedelta(minutes=1)
    assert store.postpone(workspaces.a, claim, retry_at, "internal_error")
    assert (
        store.take(workspaces.a, "2026-11-16", "host-2", retry_at - timedelta(seconds=1), lease)
        is None
    )
    assert not store.is_done_or_held(workspaces.a, "2026-11-16", retry_at)
    again = store.take(workspaces.a, "2026-11-16", "host-2", retry_at, lease)
    assert again is not None and (again.run_id, again.attempt) == (claim.run_id, 2)
    # The first attempt can neither postpone nor complete what is no longer its own.
    assert not store.postpone(workspaces.a, claim, retry_at, "internal_error")
    assert not store.complete(workspaces.a, claim.run_id, "posted", retry_at, attempt=1)
    assert store.complete(
        workspaces.a, claim.run_id, "posted", retry_at, message_ts="1.2", attempt=2
    )
    assert store.is_done_or_held(workspaces.a, "2026-11-16", retry_at + 2 * lease)
    assert store.take(workspaces.a, "2026-11-16", "host-3", retry_at + 2 * lease, lease) is None
    # Another workspace's run of the same period is its own.
    assert not store.is_done_or_held(workspaces.b, "2026-11-16", NOW)


# -- digest content ----------------------------------------------------------------------------


def test_a_digest_holds_the_period_what_waits_and_the_trend(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        seed = Seed(session, workspaces.a)
        at_start = seed.decided("At the start", WEEK_START, "both")
        stored = seed.decided("Kept link", WEEK_START + timedelta(days=2), permalink="https://k/1")
        seed.decided("At the end", WEEK_END)  # the next period's
        seed.decided("Two weeks ago", WEEK_START - timedelta(days=8))
        seed.decided("Three weeks ago", WEEK_START - timedelta(days=15))
        seed.decided("Four weeks ago", WEEK_START - timedelta(days=22))  # before the trend
        waiting = seed.conversation(
            "Waiting long", state="awaiting_decision", step=6, at=NOW - timedelta(days=3)
        )
        asking = seed.conversation("Asking", step=2, at=NOW - timedelta(days=1))
        seed.conversation("Never posted", posted=False, at=NOW - timedelta(days=5))
        seed.conversation("Cancelled", state="cancelled", at=NOW - timedelta(days=4))
        Seed(session, workspaces.b).decided("B's", WEEK_START + timedelta(days=1))
    digest = DigestStore(session_factory).build(
        workspaces.a,
        WEEK_START,
        WEEK_END,
        URL,
        schedule=WEEKLY,
        audience=EVERYONE,
    )
    assert [(d.id, d.title, d.outcome, d.decided_by) for d in digest.decisions] == [
        (at_start, "At the start", "both", "U2"),
        (stored, "Kept link", "product_engineer", "U2"),
    ]
    assert [d.link for d in digest.decisions] == [
        _link(at_start, session_factory),
        "https://k/1",  # the link Slack gave, where one was kept
    ]
    assert digest.counts == {"both": 1, "product_engineer": 1}
    assert [(w.id, w.step, w.link) for w in digest.waiting] == [
        (waiting, "the decision", _link(waiting, session_factory)),
        (asking, "question 3", _link(asking, session_factory)),
    ]
    assert digest.trend == (
        (f"{WEEK_START - timedelta(days=21):%b %d}", 1),
        (f"{WEEK_START - timedelta(days=14):%b %d}", 1),
        (f"{WEEK_START - timedelta(days=7):%b %d}", 0),
        (f"{WEEK_START:%b %d}", 2),
    )
    unlinked = DigestStore(session_factory).build(
        workspaces.a,
        WEEK_START,
        WEEK_END,
        None,
        schedule=WEEKLY,
        audience=EVERYONE,
    )
    assert [d.link for d in unlinked.decisions] == [None, "https://k/1"]
    assert (digest.label, digest.missed, digest.posted_early) == ("Nov 11 – Nov 18", (), None)


def test_a_digest_reports_the_missed_digests_before_it_and_an_early_post_of_its_period(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    store = DigestStore(session_factory)
    # Posted Nov 04; missed Nov 11 and Nov 18 (the bot was down); this one is due Nov 25.
    store.claim(workspaces.a, "2026-10-28", "host", NOW, status="missed")  # before a posted one
    posted = store.claim(workspaces.a, "2026-11-04", "host", NOW)
    assert posted is not None
    store.complete(workspaces.a, posted, "posted", NOW, channel_id="C1", message_ts="1.1")
    store.claim(workspaces.a, "2026-11-11", "host", NOW, status="missed")
    store.claim(workspaces.a, "2026-11-18", "host", NOW, status="missed")
    store.claim(workspaces.b, "2026-11-18", "host", NOW, status="missed")
    due = NOW + timedelta(days=7)
    whole = store.build(workspaces.a, NOW, due, URL, schedule=WEEKLY, audience=EVERYONE)
    assert whole.missed == ("Nov 11 – Nov 18", "Nov 04 – Nov 11")
    assert whole.posted_early is None and whole.so_far_since is None
    # `/hire digest now` on Nov 19 posts Nov 18 – now, twice; the scheduled digest says so.
    store.record_early_post(workspaces.a, WEEKLY, "U1", NOW + timedelta(days=1), "C1", "2.1")
    later = NOW + timedelta(days=1, hours=2)
    store.record_early_post(workspaces.a, WEEKLY, "U2", later, "C1", "2.2")
    so_far = store.build(
        workspaces.a, NOW, later, URL, schedule=WEEKLY, so_far=True, audience=EVERYONE
    )
    assert (so_far.label, so_far.so_far_since) == ("Nov 18 – now", "Wednesday 10:30 UTC")
    whole = store.build(workspaces.a, NOW, due, URL, schedule=WEEKLY, audience=EVERYONE)
    assert whole.posted_early == "Thu Nov 19 12:30"
    assert (
        store.build(workspaces.b, NOW, due, URL, schedule=WEEKLY, audience=EVERYONE).posted_early
        is None
    )
    # The early post is not the period's run: the scheduled digest is still claimed once.
    assert not store.has_run(workspaces.a, "2026-11-25")
    assert store.claim(workspaces.a, "2026-11-25", "host", due) is not None


# -- the decision log --------------------------------------------------------------------------


def test_pages_filter_and_follow_on(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        seed = Seed(session, workspaces.a)
        roles = [
            seed.conversation(f"Role {i:02d}", at=NOW - timedelta(hours=30 - i)) for i in range(12)
        ]
        decided = seed.decided("Decided", NOW - timedelta(hours=2), started_by="U9")
        cancelled = seed.conversation("Gone", state="cancelled", at=NOW - timedelta(hours=1))
        seed.conversation("Never posted", posted=False)
    log = DecisionLog(session_factory)
    first = log.page(workspaces.a, workspace_url=URL, audience=EVERYONE)
    assert [r.id for r in first.rows] == [cancelled, decided, *roles[::-1][:8]]
    assert first.has_more and first.offset == 0
    assert first.rows[1].link == _link(decided, session_factory)
    assert (first.rows[1].final_outcome, first.rows[1].decided_by) == ("product_engineer", "U2")
    assert first.rows[0].final_outcome is None
    rest = log.page(workspaces.a, offset=10, audience=EVERYONE)
    assert [r.id for r in rest.rows] == roles[::-1][8:] and not rest.has_more
    assert all(r.link is None for r in rest.rows)  # no workspace address, no links
    assert [r.id for r in log.page(workspaces.a, "decided", audience=EVERYONE).rows] == [decided]
    assert [r.id for r in log.page(workspaces.a, "cancelled", audience=EVERYONE).rows] == [
        cancelled
    ]
    assert len(log.page(workspaces.a, "open", limit=50, audience=EVERYONE).rows) == 12
    assert [r.id for r in log.page(workspaces.a, "all", "U9", audience=EVERYONE).rows] == [decided]
    since = log.page(workspaces.a, "all", since=NOW - timedelta(hours=20), audience=EVERYONE)
    assert [r.id for r in since.rows] == [cancelled, decided, roles[11], roles[10]]
    assert log.page(workspaces.b, audience=EVERYONE).rows == ()


def test_detail_has_the_notes_and_the_history_in_order(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        conv = Seed(session, workspaces.a).decided("Role", NOW)
        for index, text in enumerate(["first", "second"]):
            session.add(
                Note(
                    workspace_id=workspaces.a,
                    conversation_id=conv,
                    user_id="U3",
                    text=text,
                    message_ts=f"2.{index}",
                    created_at=NOW + timedelta(minutes=index),
                )
            )
        for index, (kind, to) in enumerate([("recorded", "both"), ("changed", "not_hiring")]):
            session.add(
                DecisionEvent(
                    workspace_id=workspaces.a,
                    conversation_id=conv,
                    kind=kind,
                    from_outcome="both" if index else "product_engineer",
                    to_outcome=to,
                    reason="budget" if index else None,
                    actor="U2",
                    created_at=NOW + timedelta(minutes=index),
                )
            )
    detail = DecisionLog(session_factory).detail(workspaces.a, conv)
    assert detail.notes == (
        NoteRow("U3", "first", NOW),
        NoteRow("U3", "second", NOW + timedelta(minutes=1)),
    )
    assert detail.history == (
        EventRow("started", None, None, None, "U1", NOW, channel_id="C1"),
        EventRow("recorded", "product_engineer", "both", None, "U2", NOW),
        EventRow("changed", "both", "not_hiring", "budget", "U2", NOW + timedelta(minutes=1)),
    )


def test_the_home_tab_in_one_read(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    quarter = datetime(2026, 10, 1, tzinfo=UTC)  # NOW is in November
    with session_factory.begin() as session:
        seed = Seed(session, workspaces.a)
        mine = seed.conversation("Mine", started_by="U1")
        seed.conversation("Someone else's", started_by="U7")
        seed.decided("This quarter", quarter, "both")
        seed.decided("This quarter too", quarter + timedelta(days=3), "both")
        seed.decided("Last quarter", quarter - timedelta(seconds=1), "not_hiring")
    admin_changes(DigestStore(session_factory), workspaces.a, "U1", NOW, channel_id="C1")
    home = DecisionLog(session_factory).home(workspaces.a, "U1", NOW, URL, audience=EVERYONE)
    assert [r.id for r in home.mine] == [mine]
    assert home.mine[0].link == _link(mine, session_factory)
    assert [r.title for r in home.recent] == ["This quarter too", "This quarter", "Last quarter"]
    assert home.quarter_counts == {"both": 2}
    assert home.settings.channel_id == "C1"


# -- export ------------------------------------------------------------------------------------


def test_the_export_holds_the_workspace_decisions_since_a_date(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    with session_factory.begin() as session:
        seed = Seed(session, workspaces.a)
        seed.decided("=HYPERLINK(1) old", NOW - timedelta(days=40), "not_hiring")
        seed.decided("New", NOW)
        seed.conversation("Open")
        Seed(session, workspaces.b).decided("B's", NOW)
    content, count = decisions_csv(session_factory, workspaces.a, audience=EVERYONE)
    rows = list(csv.DictReader(io.StringIO(content)))
    assert count == 2 and [r["title"] for r in rows] == ["'=HYPERLINK(1) old", "New"]
    assert (rows[0]["reason"], rows[0]["stage"], rows[0]["work"]) == ("'=1+1", "startup", "")
    content, count = decisions_csv(
        session_factory, workspaces.a, NOW - timedelta(days=1), audience=EVERYONE
    )
    assert count == 1 and "New" in content and "old" not in content
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 3
