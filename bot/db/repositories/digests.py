"""Weekly digest settings and the exactly-once claim of each digest period.

A period's scheduled digest is the run keyed by its due date; an early post of the period
with `/hire digest now` is kept as the run keyed `<due date>+now` (the latest such post),
so the scheduled digest can say what was already posted."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal, TypedDict, Unpack

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.digest import parse_timezone
from bot.db.models import DigestRun, DigestSettings
from bot.db.repositories._writes import guarded_update, insert_if_absent


class SettingsChanges(TypedDict, total=False):
    """The settings a change names; the others keep their value. `channel_id=None` is a
    value ("no channel"), so a missing key, not None, is what leaves a setting alone."""

    channel_id: str | None
    weekday: int
    hour: int
    minute: int
    timezone: str
    enabled: bool
    post_when_quiet: bool


# What applies until a workspace changes anything: Monday 09:00 UTC, on, quiet weeks too.
DEFAULTS: Final[dict[str, Any]] = {
    "channel_id": None,
    "weekday": 0,
    "hour": 9,
    "minute": 0,
    "timezone": "UTC",
    "enabled": True,
    "post_when_quiet": True,
}


class DigestRepository:
    @staticmethod
    def get_settings(session: Session, workspace_id: int) -> DigestSettings | None:
        """The stored settings, or None: DEFAULTS apply."""
        return session.scalar(
            select(DigestSettings).where(DigestSettings.workspace_id == workspace_id)
        )

    @classmethod
    def upsert_settings(
        cls,
        session: Session,
        workspace_id: int,
        *,
        configured_by: str,
        now: datetime,
        **changes: Unpack[SettingsChanges],
    ) -> DigestSettings:
        """Change the given settings; creates the row on first use, once even when two
        processes race. `configured_by` is who is told when a post fails, so it is whoever
        changed the settings last. Raises ValueError for an impossible value."""
        _validate(changes)
        settings = cls.get_settings(session, workspace_id)
        if settings is None:
            defaults = {"workspace_id": workspace_id, "updated_at": now, **DEFAULTS}
            insert_if_absent(session, DigestSettings, defaults, ["workspace_id"])
            settings = cls.get_settings(session, workspace_id)
            # Either our row or the committed row of the process that beat us.
            assert settings is not None
        for key, value in changes.items():
            setattr(settings, key, value)
        settings.configured_by = configured_by
        settings.updated_at = now
        session.flush()
        return settings

    @staticmethod
    def record_error(session: Session, workspace_id: int, error: str | None, now: datetime) -> None:
        """Remember why the last post failed (e.g. not_in_channel) for whoever configured it;
        None clears it after a successful post."""
        session.execute(
            update(DigestSettings)
            .where(DigestSettings.workspace_id == workspace_id)
            .values(
                last_error=None if error is None else error[:200],
                last_error_at=None if error is None else now,
            )
        )

    @staticmethod
    def scheduled(session: Session) -> list[DigestSettings]:
        """The settings of every workspace whose digest is on and has a channel.

        Across workspaces on purpose: the scheduler's job looks at all of them, and every
        row it returns carries its workspace_id, which each later call is scoped to.
        """
        return list(
            session.scalars(
                select(DigestSettings)
                .where(DigestSettings.enabled.is_(True), DigestSettings.channel_id.is_not(None))
                .order_by(DigestSettings.workspace_id)
            )
        )

    @staticmethod
    def claim_run(
        session: Session,
        workspace_id: int,
        period_key: str,
        claimed_by: str,
        *,
        now: datetime,
        status: Literal["claimed", "missed"] = "claimed",
        lease_until: datetime | None = None,
    ) -> int | None:
        """Claim the digest of `period_key` for this caller until `lease_until`: the run's
        id, or None when another process (or an earlier run) already holds it. Commit right
        away so others see the claim, post, then `complete_run`. `status="missed"` records a
        period that is past its grace; it is complete as it is written."""
        return insert_if_absent(
            session,
            DigestRun,
            {
                "workspace_id": workspace_id,
                "period_key": period_key,
                "status": status,
                "claimed_by": claimed_by[:100],
                "claimed_at": now,
                "completed_at": None if status == "claimed" else now,
                "lease_until": lease_until if status == "claimed" else None,
                "attempts": 1,
            },
            ["workspace_id", "period_key"],
        )

    @staticmethod
    def take_over_run(
        session: Session,
        workspace_id: int,
        period_key: str,
        claimed_by: str,
        *,
        now: datetime,
        lease_until: datetime,
    ) -> DigestRun | None:
        """Take over a claimed run whose lease is over (its claimer died, or a transient
        failure set the time of the next try): the run, now this caller's, with its attempt
        counted; None when it is not claimed, still leased, or another process took it first.
        The guard is the attempt count this caller saw, so exactly one taker wins."""
        run = DigestRepository.get_run(session, workspace_id, period_key)
        if run is None or run.status != "claimed":
            return None
        if run.lease_until is not None and run.lease_until > now:
            return None
        seen = run.attempts
        taken = guarded_update(
            session,
            DigestRun,
            [
                DigestRun.id == run.id,
                DigestRun.workspace_id == workspace_id,
                DigestRun.status == "claimed",
                DigestRun.attempts == seen,
            ],
            {"claimed_by": claimed_by[:100], "lease_until": lease_until, "attempts": seen + 1},
        )
        if not taken:
            return None
        session.refresh(run)
        return run

    @staticmethod
    def postpone_run(
        session: Session,
        workspace_id: int,
        run_id: int,
        attempt: int,
        *,
        retry_at: datetime,
        error: str,
    ) -> bool:
        """A transient failure: keep the run claimed, free for any process from `retry_at`.
        False if the run is no longer this attempt's (taken over, or completed)."""
        return guarded_update(
            session,
            DigestRun,
            [
                DigestRun.id == run_id,
                DigestRun.workspace_id == workspace_id,
                DigestRun.status == "claimed",
                DigestRun.attempts == attempt,
            ],
            {"lease_until": retry_at, "error": error[:200]},
        )

    @staticmethod
    def runs(session: Session, workspace_id: int, period_keys: list[str]) -> dict[str, DigestRun]:
        """This workspace's runs of the given periods, by key."""
        rows = session.scalars(
            select(DigestRun).where(
                DigestRun.workspace_id == workspace_id, DigestRun.period_key.in_(period_keys)
            )
        )
        return {row.period_key: row for row in rows}

    @staticmethod
    def record_early_post(
        session: Session,
        workspace_id: int,
        period_key: str,
        posted_by: str,
        *,
        now: datetime,
        channel_id: str,
        message_ts: str | None,
    ) -> None:
        """Remember that part of `period_key` was posted early (`/hire digest now`); a later
        early post of the same period replaces the earlier one."""
        values = {
            "status": "posted",
            "claimed_by": posted_by[:100],
            "claimed_at": now,
            "completed_at": now,
            "channel_id": channel_id,
            "message_ts": message_ts,
            "error": None,
        }
        key = early_key(period_key)
        inserted = insert_if_absent(
            session,
            DigestRun,
            {"workspace_id": workspace_id, "period_key": key, **values},
            ["workspace_id", "period_key"],
        )
        if inserted is None:
            session.execute(
                update(DigestRun)
                .where(DigestRun.workspace_id == workspace_id, DigestRun.period_key == key)
                .values(**values)
            )

    @staticmethod
    def get_run(session: Session, workspace_id: int, period_key: str) -> DigestRun | None:
        return session.scalar(
            select(DigestRun).where(
                DigestRun.workspace_id == workspace_id, DigestRun.period_key == period_key
            )
        )

    @staticmethod
    def complete_run(
        session: Session,
        workspace_id: int,
        run_id: int,
        status: Literal["posted", "failed"],
        *,
        now: datetime,
        channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
        attempt: int | None = None,
    ) -> bool:
        """Finish a claimed run: `posted` (with its message, or a note why nothing was posted)
        or `failed` (with the error). False when it is not a `claimed` run of this workspace,
        or (given `attempt`) no longer that attempt's: a run is completed once."""
        where = [
            DigestRun.id == run_id,
            DigestRun.workspace_id == workspace_id,
            DigestRun.status == "claimed",
        ]
        if attempt is not None:
            where.append(DigestRun.attempts == attempt)
        return guarded_update(
            session,
            DigestRun,
            where,
            {
                "status": status,
                "completed_at": now,
                "channel_id": channel_id,
                "message_ts": message_ts,
                "error": None if error is None else error[:200],
            },
        )


def early_key(period_key: str) -> str:
    """The run key of a period's early post."""
    return f"{period_key}+now"


def _validate(changes: SettingsChanges) -> None:
    values: dict[str, Any] = dict(changes)
    bounds = {"weekday": (0, 6), "hour": (0, 23), "minute": (0, 59)}
    for key, (low, high) in bounds.items():
        if key in values and not low <= values[key] <= high:
            raise ValueError(f"{key} must be between {low} and {high}, not {values[key]}")
    if "timezone" in values and parse_timezone(values["timezone"]) != values["timezone"]:
        raise ValueError(f"unknown time zone {values['timezone']!r}")
