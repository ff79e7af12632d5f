"""The hiring conversation's use cases. Slack-free; each is one transaction.

`act` is the heart of it: load the conversation, ask the state machine (`bot.core.
conversation`) what the event does, apply the move with one guarded UPDATE, write what
goes with it (answers, the decision, its history, a note), and return how the
conversation was and is (`bot.core.hire`), computed from what the transaction read and
wrote, so rendering needs no second load. A concurrent move that got there first makes the
guard fail; the event is then judged again against the conversation as it now is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import Criteria
from bot.core.actor import AdminFlag, Team, settle
from bot.core.conversation import (
    Answer,
    Back,
    Cancel,
    Change,
    Decide,
    Event,
    Move,
    Note,
    Nudge,
    Openings,
    Orphan,
    OrphanCause,
    Refused,
    Reopen,
    Restart,
    State,
    decide_move,
)
from bot.core.hire import (
    Acted,
    ActResult,
    AnswerView,
    ConversationView,
    DecisionView,
    NotDone,
    Owed,
    nudge_key,
)
from bot.core.recommendation import recommend
from bot.db.models import HiringConversation
from bot.db.repositories import (
    AnswerRow,
    ConversationRepository,
    DecisionRepository,
    EventDedupe,
    NoteRepository,
    OutboxRepository,
    VoiceRepository,
    WorkspaceRepository,
)
from bot.db.session import single_statement

# A lost race is judged again against the new state; more than a few in a row means the
# conversation is being hammered, and the last judgement stands.
ATTEMPTS = 3

# An owed message belongs to the request (or job) that is posting it for this long; then
# anyone may. Longer than a post can take, Slack's rate-limit waits included, so a slow
# post is never sent a second time by another process.
DELIVERY_LEASE = timedelta(minutes=2)
# Waits before the next try after a failure that may pass (Slack's server errors and rate
# limits, the network); the last one repeats. A message still undelivered after a day is
# given up: the conversation's reminder (which repeats the question) takes over from there.
RETRY_DELAYS = tuple(timedelta(seconds=s) for s in (10, 30, 60, 120, 300, 600))
GIVE_UP_AFTER = timedelta(days=1)

# What the history says an orphaned conversation lost.
ORPHAN_CAUSES: dict[OrphanCause, str] = {
    "thread": "thread deleted",
    "channel": "channel deleted or out of reach",
}


def _values_with(event: Event, actor: str) -> dict[str, object]:
    """Columns a move sets besides its state: who cancelled; a restart's new thread; how
    many the team can hire."""
    if isinstance(event, Cancel):
        return {"cancelled_by": actor}
    if isinstance(event, Openings):
        return {"openings": event.count}
    if isinstance(event, Restart):
        return {
            "channel_id": event.channel_id,
            "root_ts": event.root_ts,
            "permalink": None,
            "current_question_ts": None,
            "recommendation_message_ts": None,
        }
    return {}


class Conversations:
    def __init__(self, session_factory: sessionmaker[Session], criteria: Criteria) -> None:
        self.sessions = session_factory
        self.criteria = criteria

    # -- reading ----------------------------------------------------------------------------
    def _view(
        self,
        session: Session,
        conv: HiringConversation | Row[Any],
        answers: Sequence[AnswerRow | Row[Any]] | None = None,
    ) -> ConversationView:
        """The conversation as it is; `answers` when the caller read them with it."""
        if answers is None:
            answers = ConversationRepository.answers(session, conv.workspace_id, conv.id)
        decision = (
            DecisionRepository.get(session, conv.workspace_id, conv.id)
            if conv.state == State.DECIDED
            else None
        )
        return ConversationView(
            id=conv.id,
            workspace_id=conv.workspace_id,
            title=conv.title,
            started_by=conv.started_by,
            channel_id=conv.channel_id,
            root_ts=conv.root_ts,
            state=State(conv.state),
            step=conv.current_step,
            version=conv.version,
            total=len(self.criteria),
            current_question_ts=conv.current_question_ts,
            recommendation_message_ts=conv.recommendation_message_ts,
            cancelled_by=conv.cancelled_by,
            created_at=conv.created_at,
            last_activity_at=conv.last_activity_at,
            private_channel=conv.private_channel,
            openings=conv.openings,
            answers=tuple(
                AnswerView(a.step, a.question_key, a.option_key, a.answered_by) for a in answers
            ),
            decision=None
            if decision is None
            else DecisionView(
                decision.recommendation,
                decision.confidence,
                decision.final_outcome,
                decision.reason,
                decision.decided_by,
                decision.decided_at,
            ),
        )

    def workspace_id(self, session: Session, team: Team, now: datetime) -> int:
        return WorkspaceRepository.id_for(session, team.team_id, team.enterprise_id, now)

    def workspace_of(self, team: Team, now: datetime) -> int:
        with self.sessions.begin() as session:
            return self.workspace_id(session, team, now)

    def get_in(self, workspace_id: int, conversation_id: int) -> ConversationView | None:
        with self.sessions() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            return None if conv is None else self._view(session, conv)

    def get(self, team: Team, conversation_id: int, now: datetime) -> ConversationView | None:
        with self.sessions.begin() as session:
            workspace = self.workspace_id(session, team, now)
            conv = ConversationRepository.get(session, workspace, conversation_id)
            return None if conv is None else self._view(session, conv)

    def find_by_thread(
        self, team: Team, channel_id: str, root_ts: str, now: datetime
    ) -> ConversationView | None:
        with self.sessions.begin() as session:
            workspace = self.workspace_id(session, team, now)
            conv = ConversationRepository.get_by_thread(session, workspace, channel_id, root_ts)
            return None if conv is None else self._view(session, conv)

    # -- starting ---------------------------------------------------------------------------
    def start(
        self,
        team: Team,
        title: str,
        user: str,
        channel: str,
        now: datetime,
        *,
        private_channel: bool,
        once: str | None = None,
    ) -> tuple[ConversationView, Owed] | None:
        """A new conversation, and its root message owed to the channel; `private_channel`
        says whether only some people can read `channel` (a private channel, a DM or a
        group DM). With `once`, a key of the request that asks: a second request with the
        same key (a double click) starts nothing, and gets None."""
        with self.sessions.begin() as session:
            workspace = self.workspace_id(session, team, now)
            if once is not None and not EventDedupe.first_time(session, once, team.team_id, now):
                return None
            conv = ConversationRepository.create(
                session,
                workspace,
                title=title,
                started_by=user,
                channel_id=channel,
                now=now,
                private_channel=private_channel,
            )
            owed = OutboxRepository.owe(
                session, workspace, conv.id, "root", 0, now=now, lease_until=now + DELIVERY_LEASE
            )
            assert owed is not None  # a new conversation owes nothing yet
            return self._view(session, conv), owed

    def attach_root(
        self, view: ConversationView, owed: Owed, root_ts: str, now: datetime
    ) -> tuple[ConversationView, Owed | None]:
        """The root message is in Slack: remember it, and owe the thread its first question
        (None when another process delivered the root first and owes it already)."""
        with self.sessions.begin() as session:
            OutboxRepository.finish(session, owed.id, "sent", now=now, ts=root_ts)
            if not ConversationRepository.set_root(
                session, view.workspace_id, view.id, root_ts=root_ts
            ):
                return view, None
            view = replace(view, root_ts=root_ts)
            return view, self._owe_step(session, view, now)

    def _owe_step(self, session: Session, view: ConversationView, now: datetime) -> Owed | None:
        if not view.owes_step:
            return None
        return OutboxRepository.owe(
            session,
            view.workspace_id,
            view.id,
            "step",
            view.version,
            now=now,
            lease_until=now + DELIVERY_LEASE,
        )

    def abandon(self, view: ConversationView) -> None:
        """The root message could not be posted: nobody saw it, so it never existed."""
        with self.sessions.begin() as session:
            ConversationRepository.delete_unposted(session, view.workspace_id, view.id)

    def record_step(
        self, view: ConversationView, owed: Owed | None, ts: str, now: datetime
    ) -> bool:
        """Remember the question or recommendation posted for `view` (and that what was owed
        is sent); False if the conversation moved on meanwhile."""
        kind = "question_ts" if view.state is State.IN_PROGRESS else "recommendation_ts"
        with single_statement(self.sessions) as session:
            return ConversationRepository.record_message(
                session,
                view.workspace_id,
                view.id,
                version=view.version,
                sent=None if owed is None else (owed.id, now),
                **{kind: ts},
            )

    # -- the outbox (what is owed to Slack) ---------------------------------------------------
    def take_due(self, now: datetime, limit: int = 50) -> list[tuple[Owed, ConversationView]]:
        """Owed messages whose lease has lapsed (any workspace: a job), taken over by this
        process, each with its conversation as it is now."""
        taken: list[tuple[Owed, ConversationView]] = []
        with self.sessions.begin() as session:
            for row in OutboxRepository.due(session, now, limit):
                owed = OutboxRepository.take(
                    session, row, now=now, lease_until=now + DELIVERY_LEASE
                )
                if owed is None:
                    continue
                conv = ConversationRepository.get(session, row.workspace_id, row.conversation_id)
                if conv is not None:  # else deleted: its rows went with it
                    taken.append((owed, self._view(session, conv)))
        return taken

    def take_owed(self, owed_id: int, now: datetime) -> tuple[Owed, ConversationView] | None:
        """One owed message whose lease has lapsed, taken over by this process, with its
        conversation as it is now; None when it is finished or someone else has it."""
        with self.sessions.begin() as session:
            row = OutboxRepository.due_one(session, owed_id, now)
            if row is None:
                return None
            owed = OutboxRepository.take(session, row, now=now, lease_until=now + DELIVERY_LEASE)
            if owed is None:
                return None
            conv = ConversationRepository.get(session, row.workspace_id, row.conversation_id)
            return None if conv is None else (owed, self._view(session, conv))

    def finish_owed(
        self,
        owed: Owed,
        status: str,
        now: datetime,
        error: str | None = None,
        *,
        ts: str | None = None,
    ) -> None:
        """Superseded (nothing to post any more), failed for good, or sent at `ts` (a
        message nothing else keeps the ts of)."""
        with self.sessions.begin() as session:
            OutboxRepository.finish(session, owed.id, status, now=now, ts=ts, error=error)

    def try_again_later(
        self, owed: Owed, error: str, now: datetime, *, not_before: datetime | None = None
    ) -> bool:
        """A try failed for a reason that may pass: the next one is due after a wait that
        grows with each try, and not before `not_before` (Slack's Retry-After). False when
        the message has been owed too long (a day since it was owed, however old its
        conversation) and is given up."""
        with self.sessions.begin() as session:
            if now - owed.owed_at >= GIVE_UP_AFTER:
                OutboxRepository.finish(session, owed.id, "failed", now=now, error=error)
                return False
            wait = RETRY_DELAYS[min(owed.attempt, len(RETRY_DELAYS)) - 1]
            # Slack said when (a rate limit's Retry-After): then, and no sooner or later.
            when = now + wait if not_before is None else not_before
            OutboxRepository.try_again_at(session, owed.id, when, error)
            return True

    # -- acting -----------------------------------------------------------------------------
    def act(
        self,
        team: Team,
        conversation_id: int,
        event: Event,
        actor: str,
        now: datetime,
        *,
        actor_is_admin: AdminFlag = False,
    ) -> ActResult:
        """Do `event` for `actor`, in one transaction.

        `actor_is_admin` is settled only for someone other than the starter: the common path
        (the starter acting) asks Slack nothing (see bot.core.actor).
        """
        with self.sessions.begin() as session:
            for _ in range(ATTEMPTS):
                found = ConversationRepository.get_in_team(
                    session, team.team_id, team.enterprise_id, conversation_id
                )
                if found is None:
                    return NotDone("not_found", None)
                conv, answers = found
                workspace = conv.workspace_id
                before = self._view(session, conv, answers)
                if isinstance(event, Answer) and not self._is_option(event):
                    return NotDone("unknown_option", before)
                by_owner = actor == before.started_by or settle(actor_is_admin)
                outcome = decide_move(before.position, event, by_owner=by_owner)
                if isinstance(outcome, Refused):
                    if outcome.reason == "decision_changed" and _already(before, event):
                        return NotDone("unchanged", before)
                    return NotDone(outcome.reason, before)
                extra = _values_with(event, actor)
                if ConversationRepository.apply_move(
                    session, workspace, conversation_id, outcome, now=now, values=extra
                ):
                    after = self._write_with_move(session, before, outcome, event, actor, now)
                    owed = self._owe_step(session, after, now) if outcome.bumps_version else None
                    return Acted(event, actor, before, after, owed)
                session.expire_all()  # someone else moved it: judge again on what is now
            return NotDone("stale", before)

    def orphan(
        self, view: ConversationView, cause: OrphanCause, actor: str, now: datetime
    ) -> ActResult:
        """Slack said `view`'s thread is gone while `actor`'s request was being delivered
        ("" for a job): mark the conversation orphaned, once, whoever finds it first.

        Judged against the version delivered, so one attempt is enough: if anything moved
        the conversation meanwhile (a restart in a new thread among others), the report is
        about a thread it no longer uses and changes nothing."""
        event = Orphan(view.version, cause)
        with self.sessions.begin() as session:
            conv = ConversationRepository.get(session, view.workspace_id, view.id)
            if conv is None:
                return NotDone("not_found", None)
            before = self._view(session, conv)
            outcome = decide_move(before.position, event, by_owner=False)
            if isinstance(outcome, Refused):
                return NotDone(outcome.reason, before)
            if not ConversationRepository.apply_move(
                session, view.workspace_id, view.id, outcome, now=now
            ):
                return NotDone("stale", before)
            after = self._write_with_move(session, before, outcome, event, actor, now)
            return Acted(event, actor, before, after)

    def open_threads(self, after_id: int = 0, limit: int = 500) -> list[ConversationView]:
        """Conversations open in a thread, any workspace, by id (a check of the threads)."""
        with self.sessions() as session:
            return [
                self._view(session, conv)
                for conv in ConversationRepository.open_threads(session, after_id, limit)
            ]

    def _is_option(self, event: Answer) -> bool:
        if not 0 <= event.step < len(self.criteria):
            return True  # the state machine says why the step is wrong
        return self.criteria.questions[event.step].option(event.option) is not None

    def _write_with_move(
        self,
        session: Session,
        before: ConversationView,
        move: Move,
        event: Event,
        actor: str,
        now: datetime,
    ) -> ConversationView:
        """What goes with a move that won, and the conversation as it now is."""
        workspace, conv_id = before.workspace_id, before.id
        target = move.target
        answers = before.answers
        decision = before.decision
        if isinstance(event, Back):
            # Going back forgets answers in `answers`; the history keeps them, and the step.
            DecisionRepository.set_aside_answers(session, workspace, conv_id, from_step=target.step)
            DecisionRepository.add_event(
                session,
                workspace,
                conv_id,
                kind="went_back",
                actor=actor,
                now=now,
                question_key=self.criteria.questions[target.step].key,
            )
        if move.keep_answers_before is not None:
            new_answer = None
            if move.record_answer is not None:
                step, option = move.record_answer
                question = self.criteria.questions[step]
                new_answer = {
                    "step": step,
                    "question_key": question.key,
                    "option_key": option,
                    "answered_by": actor,
                    "answered_at": now,
                    "question_message_ts": before.current_question_ts,
                }
            ConversationRepository.replace_answers(
                session,
                workspace,
                conv_id,
                keep_before=move.keep_answers_before,
                new_answer=new_answer,
                any_to_forget=any(a.step >= move.keep_answers_before for a in answers),
            )
            kept = tuple(a for a in answers if a.step < move.keep_answers_before)
            if new_answer is not None:
                kept += (AnswerView(step, question.key, option, actor),)
            answers = kept
        if isinstance(event, Decide):
            rec = recommend(
                self.criteria,
                {a.question_key: a.option_key for a in answers},
                before.openings,
            )
            DecisionRepository.record(
                session,
                workspace,
                conv_id,
                recommendation=rec.outcome,
                confidence=rec.confidence,
                recommendation_reasons=[
                    {
                        "question": r.question_key,
                        "answer": r.option_key,
                        "towards": r.towards,
                        "supports": r.supports,
                    }
                    for r in rec.reasons
                ],
                answers_snapshot={a.question_key: a.option_key for a in answers},
                final_outcome=event.outcome,
                decided_by=actor,
                reason=event.reason,
                now=now,
            )
            decision = DecisionView(
                rec.outcome, rec.confidence, event.outcome, event.reason, actor, now
            )
        elif isinstance(event, Change) and decision is not None:
            DecisionRepository.change(
                session,
                workspace,
                conv_id,
                to_outcome=event.outcome,
                actor=actor,
                reason=event.reason,
                now=now,
            )
            decision = replace(
                decision,
                final_outcome=event.outcome,
                reason=event.reason,
                decided_by=actor,
                decided_at=now,
            )
        elif isinstance(event, Reopen):
            DecisionRepository.withdraw(
                session, workspace, conv_id, actor=actor, reason=event.reason, now=now
            )
            decision = None
        elif isinstance(event, Cancel):
            DecisionRepository.add_event(
                session,
                workspace,
                conv_id,
                kind="cancelled",
                actor=actor,
                reason=event.reason,
                now=now,
            )
        elif isinstance(event, Orphan):
            DecisionRepository.add_event(
                session,
                workspace,
                conv_id,
                kind="orphaned",
                actor=actor,
                reason=ORPHAN_CAUSES[event.cause],
                now=now,
                channel_id=before.channel_id,
            )
        elif isinstance(event, Restart):
            DecisionRepository.add_event(
                session,
                workspace,
                conv_id,
                kind="restarted",
                actor=actor,
                now=now,
                channel_id=event.channel_id,
            )
        elif isinstance(event, Openings):
            DecisionRepository.add_event(
                session,
                workspace,
                conv_id,
                kind="openings",
                actor=actor,
                now=now,
                option_key=str(event.count),
            )
        elif isinstance(event, Note):
            NoteRepository.add(
                session,
                workspace,
                conv_id,
                user_id=actor,
                text=event.text[:4000],
                message_ts=event.message_ts,
                now=now,
            )
        if isinstance(event, (Cancel, Restart)):
            # An "Ask the team" round still open ends with the thread it reported to.
            VoiceRepository.close_for_conversation(session, workspace, conv_id, now)
        moved_on = move.bumps_version and (
            target.step != before.step or target.state != before.state
        )
        after = replace(
            before,
            state=target.state,
            step=target.step,
            version=target.version,
            answers=answers,
            decision=decision,
            cancelled_by=actor if isinstance(event, Cancel) else before.cancelled_by,
            openings=event.count if isinstance(event, Openings) else before.openings,
            current_question_ts=None if moved_on else before.current_question_ts,
            recommendation_message_ts=before.recommendation_message_ts
            if target.state in {State.AWAITING_DECISION, State.DECIDED}
            else None,
            last_activity_at=now if move.restarts_idle_clock else before.last_activity_at,
        )
        if isinstance(event, Restart):  # a new thread: nothing of the old one is current
            after = replace(
                after,
                channel_id=event.channel_id,
                root_ts=event.root_ts,
                current_question_ts=None,
                recommendation_message_ts=None,
            )
        return after

    # -- reminders (a job, across workspaces) ------------------------------------------------
    def idle(self, idle_since: datetime, limit: int = 100) -> list[ConversationView]:
        with self.sessions() as session:
            return [
                self._view(session, conv)
                for conv in ConversationRepository.idle(session, idle_since, limit)
            ]

    def claim_nudge(self, view: ConversationView, now: datetime) -> Owed | None:
        """The reminder for this idle spell, owed, if this process is the one to send it."""
        if not isinstance(decide_move(view.position, Nudge(), by_owner=False), Move):
            return None
        with self.sessions.begin() as session:
            conv = ConversationRepository.get(session, view.workspace_id, view.id)
            if conv is None:
                return None
            reminder = ConversationRepository.claim_nudge(session, conv, now)
            if reminder is None:
                return None
            return OutboxRepository.owe(
                session,
                view.workspace_id,
                view.id,
                "nudge",
                view.version,
                now=now,
                lease_until=now + DELIVERY_LEASE,
                key=nudge_key(view.id, reminder),
            )

    def complete_nudge(
        self, owed: Owed, message_ts: str | None, status: str, now: datetime, error: str = ""
    ) -> None:
        """The reminder is `status` ("posted", "skipped", "failed"), and so is what was owed."""
        finished = {"posted": "sent", "skipped": "superseded"}.get(status, "failed")
        with self.sessions.begin() as session:
            OutboxRepository.finish(
                session, owed.id, finished, now=now, ts=message_ts, error=error or None
            )
            ConversationRepository.complete_nudge(session, owed.reminder_id, message_ts, status)


def _already(view: ConversationView, event: Event) -> bool:
    """The decision already is what this change asks for: the same form sent again."""
    decision = view.decision
    return (
        isinstance(event, Change)
        and decision is not None
        and (decision.final_outcome, decision.reason) == (event.outcome, event.reason)
    )
