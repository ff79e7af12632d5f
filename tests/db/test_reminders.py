"""Which idle conversations the reminder job sees, on SQLite and PostgreSQL.

Drives the use cases the job calls (`Conversations.idle`, `claim_nudge`, `complete_nudge`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.hiring.conversations import Conversations, Team
from tests.db.conftest import NOW, Workspaces

TEAM_A, TEAM_B = Team("T_A"), Team("T_B", "E_B")


def _idle(conversations: Conversations, team: Team, title: str, days_ago: int) -> int:
    at = NOW - timedelta(days=days_ago)
    started, root = conversations.start(team, title, "U1", "C1", at, private_channel=False)
    conversations.attach_root(started, root, f"{started.id}.0", at)
    return started.id


def test_reminded_conversations_never_crowd_out_another_workspaces(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, load_criteria())
    # Workspace A's oldest conversations were reminded already (or passed over because A
    # uninstalled the app); they stay idle and open.
    for index in range(3):
        _idle(conversations, TEAM_A, f"A {index}", days_ago=30)
    for view in conversations.idle(NOW - timedelta(days=2), limit=3):
        nudge = conversations.claim_nudge(view, NOW)
        assert nudge is not None
        conversations.complete_nudge(nudge, None, "skipped", NOW)
    newer = _idle(conversations, TEAM_B, "B's", days_ago=5)

    due = conversations.idle(NOW - timedelta(days=2), limit=3)

    assert [view.id for view in due] == [newer]
    assert due[0].workspace_id == workspaces.b


def test_a_reminder_is_claimed_once_per_idle_spell(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, load_criteria())
    _idle(conversations, TEAM_A, "A", days_ago=5)
    [view] = conversations.idle(NOW - timedelta(days=2))
    assert conversations.claim_nudge(view, NOW) is not None
    assert conversations.claim_nudge(view, NOW) is None
