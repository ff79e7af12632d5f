"""Who may change the weekly digest's settings, and what a change changed. Slack-free.

Workspace admins and owners manage the digest, and so do the people an admin names (the
digest managers). Only admins name managers. Reading the settings is open to everyone;
their history is for the people who may change them.

A change is kept as the values it replaced and the values it set, for the settings it
touched only. The schedule (weekday, time, time zone) is one setting to a person — "moved
from Mondays 09:00 UTC to Fridays 16:00 Europe/Berlin" — so when any part of it changes,
all of it is kept on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.core.digest import Schedule
from bot.core.log_views import SettingsView

SCHEDULE_FIELDS = ("weekday", "hour", "minute", "timezone")
# Every setting a change can touch, in the order a change is described.
FIELDS = ("channel_id", *SCHEDULE_FIELDS, "enabled", "post_when_quiet", "managers")
# A named list, not a crowd: Slack's people picker allows this many too.
MAX_MANAGERS = 20


def may_change(user: str, is_admin: bool, managers: tuple[str, ...]) -> bool:
    return is_admin or user in managers


@dataclass(frozen=True)
class SettingsChange:
    """One change: who, when, and each touched setting's value before and after."""

    actor: str
    at: datetime
    before: Mapping[str, Any]
    after: Mapping[str, Any]

    def schedule(self, side: Literal["before", "after"]) -> Schedule | None:
        """The schedule on one side, when the change moved it."""
        values = self.before if side == "before" else self.after
        if not all(key in values for key in SCHEDULE_FIELDS):
            return None
        return Schedule(values["weekday"], values["hour"], values["minute"], values["timezone"])


def values_of(settings: SettingsView, managers: tuple[str, ...]) -> dict[str, Any]:
    """The settings as the plain values a change is kept in."""
    schedule = settings.schedule
    return {
        "channel_id": settings.channel_id,
        "weekday": schedule.weekday,
        "hour": schedule.hour,
        "minute": schedule.minute,
        "timezone": schedule.timezone,
        "enabled": settings.enabled,
        "post_when_quiet": settings.post_when_quiet,
        "managers": sorted(managers),
    }


def difference(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The touched settings' values before and after (empty when nothing changed); the
    schedule's fields travel together."""
    changed = [key for key in FIELDS if before.get(key) != after.get(key)]
    if any(key in SCHEDULE_FIELDS for key in changed):
        changed = [key for key in FIELDS if key in changed or key in SCHEDULE_FIELDS]
    return {key: before.get(key) for key in changed}, {key: after.get(key) for key in changed}


@dataclass(frozen=True)
class SettingsRefused:
    """The person may not do this. `managers` are the people besides admins who may
    change the digest (a refusal names them); `admins_only` when only admins may (naming
    managers)."""

    managers: tuple[str, ...]
    admins_only: bool = False


@dataclass(frozen=True)
class SettingsChanged:
    """The settings after a change, and the change itself (None when nothing changed)."""

    settings: SettingsView
    previous: SettingsView
    managers: tuple[str, ...]
    change: SettingsChange | None


@dataclass(frozen=True)
class SettingsForm:
    """What the settings modal opens with, for someone who may change them."""

    settings: SettingsView
    managers: tuple[str, ...]
    is_admin: bool  # only admins see (and may change) the managers
