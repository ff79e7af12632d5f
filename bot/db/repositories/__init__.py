"""Repositories: the only code that writes SQL. No Slack here.

Every method takes the Session of the caller's transaction (`with factory.begin() as s:`)
and never commits; every query on domain rows takes the workspace it is scoped to, so a
row of workspace A is invisible through workspace B's calls. Races are settled by the
database (see `_writes`), identically on SQLite and PostgreSQL.
"""

from bot.db.repositories._writes import guarded_update, insert_if_absent
from bot.db.repositories.checkins import CheckinRepository
from bot.db.repositories.conversations import OPEN_STATES, AnswerRow, ConversationRepository
from bot.db.repositories.decision_log import DecisionLogRepository
from bot.db.repositories.decisions import DecisionRepository, NoteRepository
from bot.db.repositories.digest_settings import (
    DigestManagerRepository,
    DigestSettingsChangeRepository,
)
from bot.db.repositories.digests import DigestRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.db.repositories.voices import VoiceRepository
from bot.db.repositories.workspaces import EventDedupe, WorkspaceRepository

__all__ = [
    "OPEN_STATES",
    "AnswerRow",
    "CheckinRepository",
    "ConversationRepository",
    "DecisionLogRepository",
    "DecisionRepository",
    "DigestManagerRepository",
    "DigestRepository",
    "DigestSettingsChangeRepository",
    "EventDedupe",
    "NoteRepository",
    "OutboxRepository",
    "VoiceRepository",
    "WorkspaceRepository",
    "guarded_update",
    "insert_if_absent",
]
