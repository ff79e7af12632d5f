"""Which idle conversations the reminder job sees, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.hiring.service import HiringService
from tests.db.conftest import NOW, Workspaces


def _idle(hiring: HiringService, workspace_id: int, title: str, days_ago: int) -> int:
    started = hiring.start(workspace_id, title, "U1", "C1", NOW - timedelta(days=days_ago))
    hiring.set_message_ts(workspace_id, started.id, root_ts=f"{started.id}.0")
    return started.id


def test_reminded_conversations_never_crowd_out_another_workspaces(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    hiring = HiringService(session_factory, load_criteria())
    # Workspace A's oldest conversations were reminded already (or passed over because A
    # uninstalled the app); they stay idle and open.
    for index in range(3):
        _idle(hiring, workspaces.a, f"A {index}", days_ago=30)
    for snapshot in hiring.idle_conversations(NOW - timedelta(days=2), limit=3):
        nudge = hiring.claim_nudge(snapshot, NOW)
        assert nudge is not None
        hiring.complete_nudge(nudge, None, "skipped")
    newer = _idle(hiring, workspaces.b, "B's", days_ago=5)

    due = hiring.idle_conversations(NOW - timedelta(days=2), limit=3)

    assert [s.id for s in due] == [newer]
    assert due[0].workspace_id == workspaces.b
