"""The weekly digest's use cases: its settings, the exactly-once runs, and what a digest
says. Each method is one transaction through the repositories (`bot.db.repositories`);
the scheduler's job and the `/hire digest` and Home listeners all come through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Unpack

from sqlalchemy.orm import Session, sessionmaker

from bot.core.digest import (
    MISSED_LOOKBACK,
    Digest,
    DigestCheckin,
    DigestDecision,
    Schedule,
    WaitingConversation,
    build_digest,
    describe_due,
    earlier_dues,
    next_due,
    period_key,
    period_label,
    previous_due,
    trend_buckets,
)
from bot.core.digest_settings import (
    SettingsChange,
    SettingsChanged,
    SettingsForm,
    SettingsRefused,
    difference,
    may_change,
    values_of,
)
from bot.core.log_views import SettingsView, thread_link
from bot.core.visibility import Audience
from bot.db.models import DigestSettings
from bot.db.repositories import (
    OPEN_STATES,
    CheckinRepository,
    DecisionLogRepository,
    DigestManagerRepository,
    DigestRepository,
    DigestSettingsChangeRepository,
    VoiceRepository,
    WorkspaceRepository,
)
from bot.db.repositories.digests import DEFAULTS, SettingsChanges, early_key


@dataclass(frozen=True)
class RunClaim:
    """A scheduled digest run this process holds: which attempt, and when the first began
    (a takeover looks for a post of an earlier attempt from then on)."""

    run_id: int
    attempt: int
    first_claimed_at: datetime


# A digest lists the longest-waiting conversations first; beyond this many it says "and
# N more", so there is no point reading them all.
WAITING_LIMIT = 200
# `/hire digest history` shows this many of the latest settings changes.
HISTORY_LIMIT = 15


def settings_view(workspace_id: int, row: DigestSettings | None) -> SettingsView:
    """The settings as shown; the defaults while the workspace has changed nothing."""
    if row is None:
        return SettingsView(
            workspace_id=workspace_id,
            channel_id=DEFAULTS["channel_id"],
            schedule=Schedule(
                DEFAULTS["weekday"], DEFAULTS["hour"], DEFAULTS["minute"], DEFAULTS["timezone"]
            ),
            enabled=DEFAULTS["enabled"],
            post_when_quiet=DEFAULTS["post_when_quiet"],
            configured_by=None,
            last_error=None,
            updated_at=None,
        )
    return SettingsView(
        workspace_id=workspace_id,
        channel_id=row.channel_id,
        schedule=Schedule(row.weekday, row.hour, row.minute, row.timezone),
        enabled=row.enabled,
        post_when_quiet=row.post_when_quiet,
        configured_by=row.configured_by,
        last_error=row.last_error,
        updated_at=row.updated_at,
    )


class DigestStore:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.sessions = session_factory

    # -- settings ---------------------------------------------------------------------------
    def settings(self, workspace_id: int) -> SettingsView:
        with self.sessions() as session:
            return settings_view(workspace_id, DigestRepository.get_settings(session, workspace_id))

    def managers(self, workspace_id: int) -> tuple[str, ...]:
        """The people besides admins who may change the digest settings."""
        with self.sessions() as session:
            return DigestManagerRepository.list(session, workspace_id)

    def form(self, workspace_id: int, user: str, is_admin: bool) -> SettingsForm | SettingsRefused:
        """What the settings modal opens with, or why this person may not open it."""
        with self.sessions() as session:
            managers = DigestManagerRepository.list(session, workspace_id)
            if not may_change(user, is_admin, managers):
                return SettingsRefused(managers)
            settings = settings_view(
                workspace_id, DigestRepository.get_settings(session, workspace_id)
            )
            return SettingsForm(settings, managers, is_admin)

    def change(
        self,
        workspace_id: int,
        actor: str,
        now: datetime,
        *,
        actor_is_admin: bool,
        managers: tuple[str, ...] | None = None,
        **changes: Unpack[SettingsChanges],
    ) -> SettingsChanged | SettingsRefused:
        """Change the named settings (and, for an admin, the list of managers) if `actor`
        may, keep the change in the history, and say what it changed. The actor becomes the
        one told when a post fails. A new channel clears the last error, which was about
        posting where it posted before. Raises ValueError for an impossible value (the
        listeners check input first)."""
        with self.sessions.begin() as session:
            WorkspaceRepository.lock(session, workspace_id)
            current = DigestManagerRepository.list(session, workspace_id)
            wanted = current if managers is None else tuple(sorted(set(managers)))
            if wanted != current and not actor_is_admin:
                return SettingsRefused(current, admins_only=True)
            if not may_change(actor, actor_is_admin, current):
                return SettingsRefused(current)
            row = DigestRepository.get_settings(session, workspace_id)
            previous = settings_view(workspace_id, row)
            if "channel_id" in changes and row is not None:
                # Named by someone who has just checked it works: the error goes.
                DigestRepository.record_error(session, workspace_id, None, now)
            settings = settings_view(workspace_id, row)
            values = values_of(previous, current)
            before, after = difference(values, {**values, **changes, "managers": list(wanted)})
            if not after:
                return SettingsChanged(settings, previous, current, None)
            if any(key != "managers" for key in after):
                row = DigestRepository.upsert_settings(
                    session, workspace_id, configured_by=actor, now=now, **changes
                )
                settings = settings_view(workspace_id, row)
            if "managers" in after:
                DigestManagerRepository.replace(
                    session, workspace_id, wanted, named_by=actor, now=now
                )
            DigestSettingsChangeRepository.add(
                session, workspace_id, changed_by=actor, changed_at=now, before=before, after=after
            )
            return SettingsChanged(
                settings, previous, wanted, SettingsChange(actor, now, before, after)
            )

    def history(
        self, workspace_id: int, reader: str, is_admin: bool, limit: int = HISTORY_LIMIT
    ) -> tuple[SettingsChange, ...] | SettingsRefused:
        """The latest changes to the settings, newest first, for those who may change them."""
        with self.sessions() as session:
            managers = DigestManagerRepository.list(session, workspace_id)
            if not may_change(reader, is_admin, managers):
                return SettingsRefused(managers)
            return tuple(
                SettingsChange(row.changed_by, row.changed_at, row.before, row.after)
                for row in DigestSettingsChangeRepository.latest(session, workspace_id, limit)
            )

    def record_error(self, workspace_id: int, error: str | None, now: datetime) -> None:
        with self.sessions.begin() as session:
            DigestRepository.record_error(session, workspace_id, error, now)

    def scheduled(self) -> list[SettingsView]:
        """Every workspace whose digest is on and has a channel."""
        with self.sessions() as session:
            return [
                settings_view(row.workspace_id, row) for row in DigestRepository.scheduled(session)
            ]

    # -- runs -------------------------------------------------------------------------------
    def claim(
        self,
        workspace_id: int,
        key: str,
        identity: str,
        now: datetime,
        status: Literal["claimed", "missed"] = "claimed",
    ) -> int | None:
        """Claim (workspace, period) and commit at once, so every other process sees it;
        the run's id, or None when another process (or an earlier run) already has it."""
        with self.sessions.begin() as session:
            return DigestRepository.claim_run(
                session, workspace_id, key, identity, now=now, status=status
            )

    def take(
        self, workspace_id: int, key: str, identity: str, now: datetime, lease: timedelta
    ) -> RunClaim | None:
        """The period's scheduled run for this process: claimed afresh, or taken over from
        a claimer whose lease is over (it died, or a transient failure set the next try).
        None when it is done, or someone else holds it."""
        with self.sessions.begin() as session:
            run_id = DigestRepository.claim_run(
                session, workspace_id, key, identity, now=now, lease_until=now + lease
            )
            if run_id is not None:
                return RunClaim(run_id, 1, now)
        with self.sessions.begin() as session:
            run = DigestRepository.take_over_run(
                session, workspace_id, key, identity, now=now, lease_until=now + lease
            )
            return None if run is None else RunClaim(run.id, run.attempts, run.claimed_at)

    def postpone(self, workspace_id: int, claim: RunClaim, retry_at: datetime, error: str) -> bool:
        with self.sessions.begin() as session:
            return DigestRepository.postpone_run(
                session, workspace_id, claim.run_id, claim.attempt, retry_at=retry_at, error=error
            )

    def is_done_or_held(self, workspace_id: int, key: str, now: datetime) -> bool:
        """True when the period's run is finished, or claimed by a process whose lease is
        still on: nothing to do here."""
        with self.sessions() as session:
            run = DigestRepository.get_run(session, workspace_id, key)
            if run is None:
                return False
            if run.status != "claimed":
                return True
            return run.lease_until is not None and run.lease_until > now

    def has_run(self, workspace_id: int, key: str) -> bool:
        with self.sessions() as session:
            return DigestRepository.get_run(session, workspace_id, key) is not None

    def complete(
        self,
        workspace_id: int,
        run_id: int,
        status: Literal["posted", "failed"],
        now: datetime,
        channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
        attempt: int | None = None,
    ) -> bool:
        """Finish a claimed run; False if it was already finished (or, given `attempt`,
        taken over since)."""
        with self.sessions.begin() as session:
            return DigestRepository.complete_run(
                session,
                workspace_id,
                run_id,
                status,
                now=now,
                channel_id=channel_id,
                message_ts=message_ts,
                error=error,
                attempt=attempt,
            )

    def record_early_post(
        self,
        workspace_id: int,
        schedule: Schedule,
        user: str,
        now: datetime,
        channel_id: str,
        message_ts: str | None,
    ) -> None:
        """`/hire digest now` posted the period in progress: its scheduled digest will say so."""
        key = period_key(schedule, next_due(schedule, now))
        with self.sessions.begin() as session:
            DigestRepository.record_early_post(
                session,
                workspace_id,
                key,
                user,
                now=now,
                channel_id=channel_id,
                message_ts=message_ts,
            )

    # -- content ----------------------------------------------------------------------------
    def build(
        self,
        workspace_id: int,
        start: datetime,
        end: datetime,
        workspace_url: str | None,
        *,
        audience: Audience,
        schedule: Schedule | None = None,
        so_far: bool = False,
    ) -> Digest:
        """The digest of the period [start, end), where `start` is a due time and `end` the
        next one, or now for the period in progress (`so_far`): its decisions, what still
        waits, the trend over the same weekly periods, the earlier digests that were missed
        and whether part of this period was posted early. `workspace_url` (auth.test's `url`)
        makes the links. `schedule` defaults to the workspace's. `audience` is who will
        read it (`Audience.posted_in(channel)` for a posted digest): a conversation in a
        private channel it can't read is only counted. The trend counts every decision,
        numbers only."""
        if schedule is None:
            schedule = self.settings(workspace_id).schedule
        due = next_due(schedule, start) if so_far else end
        earlier = earlier_dues(schedule, due, MISSED_LOOKBACK)
        keys = [period_key(schedule, d) for d in earlier]
        early = early_key(period_key(schedule, due))
        with self.sessions() as session:
            decided = DecisionLogRepository.decided(
                session, workspace_id, audience=audience, since=start, until=end
            )
            hidden_decisions = DecisionLogRepository.hidden_decisions(
                session, workspace_id, audience=audience, since=start, until=end
            )
            open_conversations = DecisionLogRepository.waiting(
                session, workspace_id, WAITING_LIMIT, audience
            )
            hidden_waiting = DecisionLogRepository.hidden_conversations(
                session, workspace_id, states=OPEN_STATES, audience=audience
            )
            trend = [
                (label, DecisionLogRepository.count_decided(session, workspace_id, a, b))
                for label, a, b in trend_buckets(schedule, start, end)
            ]
            runs = DigestRepository.runs(session, workspace_id, [*keys, early])
            answered = CheckinRepository.answered_between(
                session, workspace_id, start, end, audience
            )
            hidden_checkins = CheckinRepository.hidden_answered(
                session, workspace_id, audience, since=start, until=end
            )
            team = {
                conversation_id: len(voices)
                for conversation_id, voices in VoiceRepository.revealed_answers(
                    session, workspace_id, [conv.id for conv, _ in decided]
                ).items()
            }
        missed = []
        for earlier_due, key in zip(earlier, keys, strict=True):
            run = runs.get(key)
            if run is None or run.status != "missed":
                break
            missed.append(
                period_label(schedule.zone, previous_due(schedule, earlier_due), earlier_due)
            )
        early_run = runs.get(early)
        posted_early = (
            f"{early_run.claimed_at.astimezone(schedule.zone):%a %b %d %H:%M}"
            if early_run is not None
            else None
        )
        decisions = [
            DigestDecision(
                conv.id,
                conv.title,
                decision.final_outcome,
                decision.decided_by,
                thread_link(workspace_url, conv.channel_id, conv.root_ts, conv.permalink),
                # The starter's own answers count as a voice beside the teammates'.
                voices=1 + team[conv.id] if conv.id in team else 0,
            )
            for conv, decision in decided
        ]
        waiting = [
            WaitingConversation(
                conv.id,
                conv.title,
                conv.started_by,
                conv.last_activity_at,
                "the decision"
                if conv.state == "awaiting_decision"
                else f"question {conv.current_step + 1}",
                thread_link(workspace_url, conv.channel_id, conv.root_ts, conv.permalink),
                conv.state,
            )
            for conv in open_conversations
        ]
        return build_digest(
            (start, end),
            decisions,
            waiting,
            trend,
            label=period_label(schedule.zone, start, end, so_far),
            so_far_since=describe_due(schedule, start) if so_far else None,
            missed=missed,
            posted_early=posted_early,
            hidden_decisions=hidden_decisions,
            hidden_waiting=hidden_waiting,
            checkins=[
                DigestCheckin(
                    conv.id,
                    conv.title,
                    str(checkin.answer),
                    thread_link(workspace_url, conv.channel_id, conv.root_ts, conv.permalink),
                )
                for conv, checkin in answered
            ],
            hidden_checkins=hidden_checkins,
        )
