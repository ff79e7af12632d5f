"""Check-ins' use cases: what is due, the exactly-once claim of each DM, answers, and the
setting. Each method is one transaction through the repositories; the job
(`bot.jobs.checkins`), the DM's buttons and modal, and `/hire checkin` come through here."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.core.checkins import (
    ANSWER_LABELS,
    CheckinAnswered,
    CheckinClaim,
    CheckinRefused,
    CheckinView,
    DueCheckin,
    HeldUp,
    count_held_up,
    decided_window,
)
from bot.core.digest_settings import SettingsRefused, may_change
from bot.core.visibility import Audience
from bot.db.models import Checkin
from bot.db.repositories import (
    CheckinRepository,
    ConversationRepository,
    DecisionRepository,
    DigestManagerRepository,
    DigestSettingsChangeRepository,
    WorkspaceRepository,
)

# Per workspace and per tick, at most this many new check-ins are claimed: a backlog is
# spread over a few ticks instead of one long run.
BATCH = 50


def checkin_view(session: Session, checkin: Checkin) -> CheckinView | None:
    conv = ConversationRepository.get(session, checkin.workspace_id, checkin.conversation_id)
    if conv is None:
        return None
    decision = DecisionRepository.get(session, checkin.workspace_id, checkin.conversation_id)
    return CheckinView(
        id=checkin.id,
        workspace_id=checkin.workspace_id,
        conversation_id=checkin.conversation_id,
        title=conv.title,
        outcome=decision.final_outcome if decision else "",
        recommendation=decision.recommendation if decision else "",
        decided_by=checkin.decided_by,
        decided_at=checkin.decided_at,
        version=checkin.version,
        answer=checkin.answer,
        note=checkin.note,
        answered_at=checkin.answered_at,
        channel_id=checkin.channel_id,
        message_ts=checkin.message_ts,
        closed=decision is None or conv.state != "decided",
    )


class Checkins:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.sessions = session_factory

    # -- the setting ------------------------------------------------------------------------
    def after_days(self, workspace_id: int) -> int:
        with self.sessions() as session:
            return CheckinRepository.after_days(session, workspace_id)

    def set_after_days(
        self, workspace_id: int, actor: str, *, actor_is_admin: bool, days: int, now: datetime
    ) -> tuple[int, int] | SettingsRefused:
        """Change the setting if `actor` may change the digest's settings (the same
        people); (before, after), kept in the settings' history when it changed."""
        with self.sessions.begin() as session:
            WorkspaceRepository.lock(session, workspace_id)
            managers = DigestManagerRepository.list(session, workspace_id)
            if not may_change(actor, actor_is_admin, managers):
                return SettingsRefused(managers)
            before = CheckinRepository.after_days(session, workspace_id)
            if before != days:
                CheckinRepository.set_after_days(session, workspace_id, days, now)
                DigestSettingsChangeRepository.add(
                    session,
                    workspace_id,
                    changed_by=actor,
                    changed_at=now,
                    before={"checkin_after_days": before},
                    after={"checkin_after_days": days},
                )
            return before, days

    # -- sending ----------------------------------------------------------------------------
    def due(self, now: datetime) -> list[DueCheckin]:
        """Decisions whose check-in is due now (never claimed), and claims whose lease has
        lapsed, across workspaces."""
        found: list[DueCheckin] = []
        with self.sessions() as session:
            for workspace_id, days in CheckinRepository.settings_of_all(session):
                window = decided_window(now, days)
                if window is None:
                    continue
                found += [
                    DueCheckin(workspace_id, conv_id, decided_by, decided_at)
                    for conv_id, decided_by, decided_at in CheckinRepository.due_decisions(
                        session, workspace_id, *window, BATCH
                    )
                ]
            found += [
                DueCheckin(
                    row.workspace_id,
                    row.conversation_id,
                    row.decided_by,
                    row.decided_at,
                    row.id,
                    row.attempts,
                )
                for row in CheckinRepository.lapsed(session, now, BATCH)
            ]
        return found

    def take(
        self, due: DueCheckin, identity: str, now: datetime, lease: timedelta
    ) -> CheckinClaim | None:
        """The check-in for this process: claimed afresh (if the decision still stands as
        it was when found), or taken over from a claimer whose lease has lapsed. None when
        another process has it, or there is nothing to ask any more."""
        with self.sessions.begin() as session:
            if due.checkin_id is None:
                decision = DecisionRepository.get(session, due.workspace_id, due.conversation_id)
                if decision is None or decision.decided_at != due.decided_at:
                    return None  # reopened or changed meanwhile: counted again from then
                checkin_id = CheckinRepository.claim(
                    session,
                    due.workspace_id,
                    due.conversation_id,
                    due.decided_by,
                    due.decided_at,
                    claimed_by=identity,
                    now=now,
                    lease_until=now + lease,
                )
                attempt = 1
            else:
                checkin_id = due.checkin_id
                taken = CheckinRepository.take_over(
                    session,
                    due.workspace_id,
                    checkin_id,
                    due.attempts,
                    claimed_by=identity,
                    now=now,
                    lease_until=now + lease,
                )
                attempt = due.attempts + 1
                if not taken:
                    return None
            if checkin_id is None:
                return None
            row = CheckinRepository.get(session, due.workspace_id, checkin_id)
            assert row is not None
            view = checkin_view(session, row)
            if view is None or view.closed:
                # Reopened or cancelled while an earlier attempt held it: nothing to ask now.
                CheckinRepository.finish(
                    session,
                    due.workspace_id,
                    checkin_id,
                    attempt,
                    "failed",
                    now=now,
                    error="no longer decided",
                )
                return None
            return CheckinClaim(view, attempt, row.claimed_at)

    def sent(self, claim: CheckinClaim, now: datetime, channel_id: str, ts: str) -> bool:
        return self._finish(claim, "sent", now, channel_id=channel_id, message_ts=ts)

    def failed(self, claim: CheckinClaim, now: datetime, error: str) -> bool:
        """Slack refused for good: never tried again (no retry storm for someone who can't
        be messaged)."""
        return self._finish(claim, "failed", now, error=error)

    def _finish(self, claim: CheckinClaim, status: str, now: datetime, **result: str) -> bool:
        with self.sessions.begin() as session:
            view = claim.view
            return CheckinRepository.finish(
                session, view.workspace_id, view.id, claim.attempt, status, now=now, **result
            )

    def postpone(self, claim: CheckinClaim, retry_at: datetime, error: str) -> bool:
        with self.sessions.begin() as session:
            return CheckinRepository.postpone(
                session,
                claim.view.workspace_id,
                claim.view.id,
                claim.attempt,
                retry_at=retry_at,
                error=error,
            )

    # -- answering --------------------------------------------------------------------------
    def answer(
        self,
        workspace_id: int,
        checkin_id: int,
        user: str,
        answer: str,
        note: str | None,
        seen_version: int,
        now: datetime,
    ) -> CheckinAnswered | CheckinRefused:
        """Record the decider's answer (and note) if the DM they answered is the latest;
        a stale or double click records nothing and says what stands."""
        if answer not in ANSWER_LABELS:
            return CheckinRefused("That answer is not one I know.")
        with self.sessions.begin() as session:
            row = CheckinRepository.get(session, workspace_id, checkin_id)
            if row is None:
                return CheckinRefused("This check-in is not in the decision log any more.")
            view = checkin_view(session, row)
            if user != row.decided_by:
                return CheckinRefused(
                    f"Only <@{row.decided_by}>, who made this decision, can answer it.", view
                )
            if view is None or view.closed:
                return CheckinRefused(
                    "This decision was reopened or closed since, so there is no call to judge "
                    "right now.",
                    view,
                )
            if not CheckinRepository.record_answer(
                session,
                workspace_id,
                row,
                seen_version,
                answer=answer,
                note=note,
                user=user,
                now=now,
            ):
                return CheckinRefused(
                    "That answer was already recorded (or changed since); here is what stands.",
                    view,
                )
            session.refresh(row)
            after = checkin_view(session, row)
            assert after is not None
            return CheckinAnswered(after)

    def view(self, workspace_id: int, checkin_id: int) -> CheckinView | None:
        with self.sessions() as session:
            row = CheckinRepository.get(session, workspace_id, checkin_id)
            return None if row is None else checkin_view(session, row)

    def held_up(self, workspace_id: int, audience: Audience) -> HeldUp:
        with self.sessions() as session:
            return held_up(session, workspace_id, audience)


def held_up(session: Session, workspace_id: int, audience: Audience) -> HeldUp:
    """How past calls held up, for `audience` (the Home tab's reader)."""
    return count_held_up(
        CheckinRepository.answered_calls(session, workspace_id, audience),
        CheckinRepository.hidden_answered(session, workspace_id, audience),
    )
