"""Weekly digest settings and the exactly-once claim of each digest period."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.digest import parse_timezone
from bot.db.base import utcnow
from bot.db.models import DigestRun, DigestSettings
from bot.db.repositories._writes import guarded_update, insert_if_absent


class _Unset:
    """Marks a setting the caller did not pass (None is a value: "no channel")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


class DigestRepository:
    @staticmethod
    def get_settings(session: Session, workspace_id: int) -> DigestSettings | None:
        """The stored settings, or None: the defaults (Monday 09:00 UTC, on) apply."""
        return session.scalar(
            select(DigestSettings).where(DigestSettings.workspace_id == workspace_id)
        )

    @classmethod
    def upsert_settings(
        cls,
        session: Session,
        workspace_id: int,
        *,
        channel_id: str | _Unset | None = UNSET,
        weekday: int | _Unset = UNSET,
        hour: int | _Unset = UNSET,
        minute: int | _Unset = UNSET,
        timezone: str | _Unset = UNSET,
        enabled: bool | _Unset = UNSET,
        post_when_quiet: bool | _Unset = UNSET,
        configured_by: str | _Unset | None = UNSET,
        now: datetime | None = None,
    ) -> DigestSettings:
        """Change the given settings (others keep their value); creates the row on first use,
        once even when two processes race. Raises ValueError for an impossible value."""
        changes: dict[str, Any] = {
            key: value
            for key, value in {
                "channel_id": channel_id,
                "weekday": weekday,
                "hour": hour,
                "minute": minute,
                "timezone": timezone,
                "enabled": enabled,
                "post_when_quiet": post_when_quiet,
                "configured_by": configured_by,
            }.items()
            if not isinstance(value, _Unset)
        }
        _validate(changes)
        now = now or utcnow()
        settings = cls.get_settings(session, workspace_id)
        if settings is None:
            defaults = {"workspace_id": workspace_id, "updated_at": now, **_DEFAULTS}
            insert_if_absent(session, DigestSettings, defaults, ["workspace_id"])
            settings = cls.get_settings(session, workspace_id)
            assert settings is not None
        for key, value in changes.items():
            setattr(settings, key, value)
        settings.updated_at = now
        session.flush()
        return settings

    @staticmethod
    def record_error(
        session: Session, workspace_id: int, error: str | None, now: datetime | None = None
    ) -> None:
        """Remember why the last post failed (e.g. not_in_channel) for whoever configured it;
        None clears it after a successful post."""
        session.execute(
            update(DigestSettings)
            .where(DigestSettings.workspace_id == workspace_id)
            .values(
                last_error=None if error is None else error[:200],
                last_error_at=None if error is None else (now or utcnow()),
            )
        )

    @staticmethod
    def claim_run(
        session: Session,
        workspace_id: int,
        period_key: str,
        claimed_by: str,
        *,
        channel_id: str | None = None,
        status: str = "claimed",
        now: datetime | None = None,
    ) -> DigestRun | None:
        """Claim the digest of `period_key` for this process; None when another process (or
        an earlier run) already holds it. Commit right away so others see the claim, post,
        then `complete_run`. `status="missed"` records a period that is past its grace."""
        run_id = insert_if_absent(
            session,
            DigestRun,
            {
                "workspace_id": workspace_id,
                "period_key": period_key,
                "status": status,
                "claimed_by": claimed_by[:100],
                "claimed_at": now or utcnow(),
                "channel_id": channel_id,
            },
            ["workspace_id", "period_key"],
        )
        return None if run_id is None else session.get(DigestRun, run_id)

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
        *,
        message_ts: str | None = None,
        channel_id: str | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Finish a claimed run: `posted` with its message, or `failed` with the error.
        False when the run is not a `claimed` run of this workspace (already completed)."""
        values: dict[str, Any] = {
            "status": "failed" if error is not None else "posted",
            "completed_at": now or utcnow(),
            "message_ts": message_ts,
            "error": None if error is None else error[:200],
        }
        if channel_id is not None:
            values["channel_id"] = channel_id
        return guarded_update(
            session,
            DigestRun,
            [
                DigestRun.id == run_id,
                DigestRun.workspace_id == workspace_id,
                DigestRun.status == "claimed",
            ],
            values,
        )


_DEFAULTS: dict[str, Any] = {
    "channel_id": None,
    "weekday": 0,
    "hour": 9,
    "minute": 0,
    "timezone": "UTC",
    "enabled": True,
    "post_when_quiet": True,
}


def _validate(changes: dict[str, Any]) -> None:
    bounds = {"weekday": (0, 6), "hour": (0, 23), "minute": (0, 59)}
    for key, (low, high) in bounds.items():
        if key in changes and not low <= changes[key] <= high:
            raise ValueError(f"{key} must be between {low} and {high}, not {changes[key]}")
    if "timezone" in changes and parse_timezone(changes["timezone"]) != changes["timezone"]:
        raise ValueError(f"unknown time zone {changes['timezone']!r}")
