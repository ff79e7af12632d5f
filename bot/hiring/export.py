"""The decision log as CSV, with stable columns and no spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.core.recommendation import lead_words_for
from bot.db.repositories import DecisionLogRepository

COLUMNS = (
    "decision_id",
    "title",
    "channel_id",
    "started_by",
    "started_at",
    "recommendation",
    "confidence",
    "final_outcome",
    "reason",
    "decided_by",
    "decided_at",
    "stage",
    "pace",
    "product",
    "team",
    "ownership",
    "work",
)
ANSWER_COLUMNS = ("stage", "pace", "product", "team", "ownership", "work")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Cells a spreadsheet would run as a formula get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decisions_csv(
    session_factory: sessionmaker[Session], workspace_id: int, since: datetime | None = None
) -> tuple[str, int]:
    """The workspace's decisions (decided since `since`, if given), oldest first, and how
    many there are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    count = 0
    with session_factory() as session:
        for conv, decision in DecisionLogRepository.decided(session, workspace_id, since=since):
            answers = decision.answers_snapshot or {}
            writer.writerow(
                neutralise(v)
                for v in (
                    conv.id,
                    conv.title,
                    conv.channel_id,
                    conv.started_by,
                    conv.created_at.isoformat(),
                    decision.recommendation,
                    lead_words_for(decision.confidence),
                    decision.final_outcome,
                    decision.reason,
                    decision.decided_by,
                    decision.decided_at.isoformat(),
                    *(answers.get(key, "") for key in ANSWER_COLUMNS),
                )
            )
            count += 1
    return buffer.getvalue(), count
