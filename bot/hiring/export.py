"""The decision log as CSV, with stable columns and no spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.core.recommendation import lead_words_for
from bot.core.visibility import Audience
from bot.db.repositories import DecisionLogRepository, VoiceRepository

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
    # Added later, so at the end: a file's existing columns never move.
    "started_by_name",
    "decided_by_name",
    # "Ask the team": how many voices the decision was made with (the starter and every
    # teammate who answered, once shown; empty without a round), and the teammates' answers
    # as `user=stage/pace/product/team/ownership/work`, separated by "; ".
    "voices",
    "team_answers",
    # How many people the team could hire: 1, or 2 when the starter said more than one
    # (only then can the recommendation be "both").
    "openings",
)
ANSWER_COLUMNS = ("stage", "pace", "product", "team", "ownership", "work")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Cells a spreadsheet would run as a formula get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso_utc(at: datetime) -> str:
    """ISO 8601 in UTC to the second, as spreadsheets and people read it: 2026-11-23T14:05:09Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decisions_csv(
    session_factory: sessionmaker[Session],
    workspace_id: int,
    since: datetime | None = None,
    name_of: Callable[[str], str] | None = None,
    *,
    audience: Audience,
) -> tuple[str, int]:
    """The workspace's decisions `audience` may read (decided since `since`, if given),
    oldest first, and how many there are. The export from Slack is for the person who
    asks; the operator's, from the command line, is for everything (`Audience.operator`).
    `name_of` gives a person's name for an id (the Slack export passes a directory that
    asks Slack once per person); without it the name columns stay empty.

    The rows are read in one transaction and written after it, so no Slack call is made
    while the transaction is open."""
    with session_factory() as session:
        found = DecisionLogRepository.decided(session, workspace_id, audience=audience, since=since)
        rows = [
            (
                conv.id,
                conv.title,
                conv.channel_id,
                conv.started_by,
                iso_utc(conv.created_at),
                decision.recommendation,
                lead_words_for(decision.confidence),
                decision.final_outcome,
                decision.reason,
                decision.decided_by,
                iso_utc(decision.decided_at),
                *((decision.answers_snapshot or {}).get(key, "") for key in ANSWER_COLUMNS),
            )
            for conv, decision in found
        ]
        openings = [conv.openings for conv, _ in found]
        ids = [conv.id for conv, _ in found]
        team = VoiceRepository.revealed_answers(session, workspace_id, ids)
    team_columns: dict[int, tuple[str, str]] = {
        conversation_id: (
            str(1 + len(voices)),
            "; ".join(
                f"{user}=" + "/".join(answers.get(key, "") for key in ANSWER_COLUMNS)
                for user, answers in voices
            ),
        )
        for conversation_id, voices in team.items()
    }
    names: dict[str, str] = {}

    def name(user_id: str) -> str:
        if name_of is None or not user_id:
            return ""
        if user_id not in names:
            names[user_id] = name_of(user_id)
        return names[user_id]

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for conversation_id, row, count in zip(ids, rows, openings, strict=True):
        started_by, decided_by = str(row[3]), str(row[9])
        voices, answers = team_columns.get(conversation_id, ("", ""))
        writer.writerow(
            neutralise(v)
            for v in (*row, name(started_by), name(decided_by), voices, answers, count)
        )
    return buffer.getvalue(), len(rows)
