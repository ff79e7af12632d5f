"""Digest settings, runs and the queries behind a digest. Every query is per workspace and
bounded by the period, so its cost follows the week's decisions, not the whole table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest import (
    TREND_PERIODS,
    Digest,
    DigestDecision,
    Schedule,
    WaitingConversation,
    build_digest,
)
from bot.db.models import Decision, DigestRun, DigestSettings, HiringConversation, Workspace
from bot.db.repositories import insert_or_lose

OPEN_STATES = ("in_progress", "awaiting_decision")


@dataclass(frozen=True)
class SettingsView:
    workspace_id: int
    team_id: str
    channel_id: str | None
    schedule: Schedule
    enabled: bool
    post_when_quiet: bool
    configured_by: str | None
    last_error: str | None
    updated_at: datetime | None


def _view(workspace: Workspace, row: DigestSettings | None) -> SettingsView:
    if row is None:
        return SettingsView(
            workspace.id,
            workspace.team_id,
            None,
            Schedule(0, 9, 0, "UTC"),
            True,
            True,
            None,
            None,
            None,
        )
    return SettingsView(
        workspace.id,
        workspace.team_id,
        row.channel_id,
        Schedule(row.weekday, row.hour, row.minute, row.timezone),
        row.enabled,
        row.post_when_quiet,
        row.configured_by,
        row.last_error,
        row.updated_at,
    )


class DigestStore:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.sessions = session_factory

    # -- settings ---------------------------------------------------------------------------
    def settings(self, workspace_id: int) -> SettingsView:
        with self.sessions() as session:
            workspace = session.get(Workspace, workspace_id)
            assert workspace is not None
            row = session.scalar(
                select(DigestSettings).where(DigestSettings.workspace_id == workspace_id)
            )
            return _view(workspace, row)

    def update_settings(
        self, workspace_id: int, user: str, now: datetime, **values: object
    ) -> SettingsView:
        allowed = {
            "channel_id",
            "weekday",
            "hour",
            "minute",
            "timezone",
            "enabled",
            "post_when_quiet",
            "last_error",
            "last_error_at",
        }
        assert set(values) <= allowed
        with self.sessions.begin() as session:
            row = session.scalar(
                select(DigestSettings).where(DigestSettings.workspace_id == workspace_id)
            )
            if row is None:
                row = DigestSettings(
                    workspace_id=workspace_id,
                    weekday=0,
                    hour=9,
                    minute=0,
                    timezone="UTC",
                    enabled=True,
                    post_when_quiet=True,
                    updated_at=now,
                )
                if not insert_or_lose(session, row):
                    row = session.scalar(
                        select(DigestSettings).where(DigestSettings.workspace_id == workspace_id)
                    )
                    assert row is not None
            for key, value in values.items():
                setattr(row, key, value)
            row.configured_by = user
            row.updated_at = now
        return self.settings(workspace_id)

    def record_error(self, workspace_id: int, error: str | None, now: datetime) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(DigestSettings)
                .where(DigestSettings.workspace_id == workspace_id)
                .values(last_error=error, last_error_at=now if error else None)
            )

    def scheduled(self) -> list[SettingsView]:
        """Every workspace whose digest is on and has a channel."""
        with self.sessions() as session:
            rows = session.execute(
                select(Workspace, DigestSettings)
                .join(DigestSettings, DigestSettings.workspace_id == Workspace.id)
                .where(DigestSettings.enabled.is_(True), DigestSettings.channel_id.is_not(None))
                .order_by(Workspace.id)
            ).all()
            return [_view(workspace, row) for workspace, row in rows]

    # -- runs -------------------------------------------------------------------------------
    def claim(
        self, workspace_id: int, key: str, identity: str, now: datetime, status: str = "claimed"
    ) -> int | None:
        """Insert the (workspace, period) row; None when another process already has it."""
        with self.sessions.begin() as session:
            run = DigestRun(
                workspace_id=workspace_id,
                period_key=key,
                status=status,
                claimed_by=identity,
                claimed_at=now,
                completed_at=now if status != "claimed" else None,
            )
            return run.id if insert_or_lose(session, run) else None

    def has_run(self, workspace_id: int, key: str) -> bool:
        with self.sessions() as session:
            return (
                session.scalar(
                    select(DigestRun.id).where(
                        DigestRun.workspace_id == workspace_id, DigestRun.period_key == key
                    )
                )
                is not None
            )

    def complete(
        self,
        run_id: int,
        status: str,
        now: datetime,
        channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(DigestRun)
                .where(DigestRun.id == run_id)
                .values(
                    status=status,
                    completed_at=now,
                    channel_id=channel_id,
                    message_ts=message_ts,
                    error=error,
                )
            )

    # -- content ----------------------------------------------------------------------------
    def build(
        self, workspace_id: int, start: datetime, end: datetime, link_base: str | None
    ) -> Digest:

        def link(channel: str, ts: str | None) -> str | None:
            if not link_base or not ts:
                return None
            return f"{link_base.rstrip('/')}/archives/{channel}/p{ts.replace('.', '')}"

        with self.sessions() as session:
            rows = session.execute(
                select(Decision, HiringConversation)
                .join(HiringConversation, HiringConversation.id == Decision.conversation_id)
                .where(
                    Decision.workspace_id == workspace_id,
                    Decision.decided_at >= start,
                    Decision.decided_at < end,
                )
                .order_by(Decision.decided_at, Decision.id)
            ).all()
            decisions = [
                DigestDecision(
                    conv.id,
                    conv.title,
                    decision.final_outcome,
                    decision.decided_by,
                    conv.permalink or link(conv.channel_id, conv.root_ts),
                )
                for decision, conv in rows
            ]
            open_rows = session.scalars(
                select(HiringConversation)
                .where(
                    HiringConversation.workspace_id == workspace_id,
                    HiringConversation.state.in_(OPEN_STATES),
                    HiringConversation.root_ts.is_not(None),
                )
                .order_by(HiringConversation.last_activity_at)
                .limit(200)
            ).all()
            waiting = [
                WaitingConversation(
                    c.id,
                    c.title,
                    c.started_by,
                    c.last_activity_at,
                    "the decision"
                    if c.state == "awaiting_decision"
                    else f"question {c.current_step + 1}",
                    c.permalink or link(c.channel_id, c.root_ts),
                )
                for c in open_rows
            ]
            trend = []
            for back in range(TREND_PERIODS - 1, -1, -1):
                p_start, p_end = start - timedelta(days=7 * back), end - timedelta(days=7 * back)
                count = session.scalar(
                    select(func.count(Decision.id)).where(
                        Decision.workspace_id == workspace_id,
                        Decision.decided_at >= p_start,
                        Decision.decided_at < p_end,
                    )
                )
                trend.append((f"{p_start:%b %d}", int(count or 0)))
        return build_digest((start, end), decisions, waiting, trend)
