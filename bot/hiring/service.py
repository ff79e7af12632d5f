"""The hiring conversation's use cases: each one transaction, guarded against races.

Slack-free: listeners call these with ids and plain values and render what comes back.
Every change to a conversation is a single guarded UPDATE (`… WHERE current_step = :step
AND state = :state`); its row count says who won, so a double click, a stale button or
two clicks at once change the conversation exactly once, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import Criteria, Question
from bot.core.recommendation import Recommendation, recommend
from bot.db.models import Answer, Decision, HiringConversation, Note, Nudge
from bot.db.repositories import (
    ConversationRepository,
    DecisionRepository,
    WorkspaceRepository,
    insert_or_lose,
)

OPEN_STATES = ("in_progress", "awaiting_decision")


@dataclass(frozen=True)
class AnswerInfo:
    step: int
    question_key: str
    option_key: str
    answered_by: str
    question_message_ts: str | None


@dataclass(frozen=True)
class DecisionInfo:
    recommendation: str
    confidence: float
    final_outcome: str
    reason: str | None
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class Snapshot:
    id: int
    workspace_id: int
    title: str
    started_by: str
    channel_id: str
    root_ts: str | None
    state: str
    current_step: int
    current_question_ts: str | None
    recommendation_message_ts: str | None
    cancelled_by: str | None
    created_at: datetime
    last_activity_at: datetime
    answers: tuple[AnswerInfo, ...] = ()
    decision: DecisionInfo | None = None
    notes_count: int = 0

    @property
    def answer_map(self) -> dict[str, str]:
        return {a.question_key: a.option_key for a in self.answers}


@dataclass(frozen=True)
class Stale:
    """The click or reply no longer applies; `snapshot` says what the conversation is now."""

    snapshot: Snapshot | None
    why: str


@dataclass(frozen=True)
class Answered:
    snapshot: Snapshot
    question: Question
    option_key: str
    next_question: Question | None
    recommendation: Recommendation | None


@dataclass(frozen=True)
class WentBack:
    snapshot: Snapshot
    left_question_ts: str | None  # the message of the question we left (or the recommendation)
    left_step: int


@dataclass(frozen=True)
class Changed:
    snapshot: Snapshot
    extra: dict[str, Any] = field(default_factory=dict)


class HiringService:
    def __init__(self, session_factory: sessionmaker[Session], criteria: Criteria) -> None:
        self.sessions = session_factory
        self.criteria = criteria

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def _snapshot(session: Session, conv: HiringConversation) -> Snapshot:
        answers = session.scalars(
            select(Answer).where(Answer.conversation_id == conv.id).order_by(Answer.step)
        ).all()
        decision = session.scalar(select(Decision).where(Decision.conversation_id == conv.id))
        notes = session.scalars(select(Note.id).where(Note.conversation_id == conv.id)).all()
        return Snapshot(
            id=conv.id,
            workspace_id=conv.workspace_id,
            title=conv.title,
            started_by=conv.started_by,
            channel_id=conv.channel_id,
            root_ts=conv.root_ts,
            state=conv.state,
            current_step=conv.current_step,
            current_question_ts=conv.current_question_ts,
            recommendation_message_ts=conv.recommendation_message_ts,
            cancelled_by=conv.cancelled_by,
            created_at=conv.created_at,
            last_activity_at=conv.last_activity_at,
            answers=tuple(
                AnswerInfo(
                    a.step, a.question_key, a.option_key, a.answered_by, a.question_message_ts
                )
                for a in answers
            ),
            decision=None
            if decision is None
            else DecisionInfo(
                decision.recommendation,
                decision.confidence,
                decision.final_outcome,
                decision.reason,
                decision.decided_by,
                decision.decided_at,
            ),
            notes_count=len(notes),
        )

    def get(self, workspace_id: int, conversation_id: int) -> Snapshot | None:
        with self.sessions() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            return None if conv is None else self._snapshot(session, conv)

    def find_by_thread(self, workspace_id: int, channel_id: str, root_ts: str) -> Snapshot | None:
        with self.sessions() as session:
            conv = ConversationRepository.get_by_thread(session, workspace_id, channel_id, root_ts)
            return None if conv is None else self._snapshot(session, conv)

    def workspace_id(self, team_id: str, enterprise_id: str | None, now: datetime) -> int:
        with self.sessions.begin() as session:
            return WorkspaceRepository.get_or_create(session, team_id, enterprise_id, now).id

    def recommendation_for(self, snapshot: Snapshot) -> Recommendation:
        return recommend(self.criteria, snapshot.answer_map)

    def question_at(self, step: int) -> Question | None:
        questions = self.criteria.questions
        return questions[step] if 0 <= step < len(questions) else None

    # -- changing ---------------------------------------------------------------------------
    def start(
        self, workspace_id: int, title: str, user: str, channel: str, now: datetime
    ) -> Snapshot:
        with self.sessions.begin() as session:
            conv = ConversationRepository.create(
                session, workspace_id, title=title, started_by=user, channel_id=channel, now=now
            )
            return self._snapshot(session, conv)

    def abandon(self, workspace_id: int, conversation_id: int) -> None:
        """The root message could not be posted: nobody can see it, so it never existed."""
        with self.sessions.begin() as session:
            session.execute(
                delete(HiringConversation).where(
                    HiringConversation.id == conversation_id,
                    HiringConversation.workspace_id == workspace_id,
                    HiringConversation.root_ts.is_(None),
                )
            )

    def set_message_ts(self, workspace_id: int, conversation_id: int, **fields: str | None) -> None:
        allowed = {"root_ts", "current_question_ts", "recommendation_message_ts", "permalink"}
        assert set(fields) <= allowed
        with self.sessions.begin() as session:
            session.execute(
                update(HiringConversation)
                .where(
                    HiringConversation.id == conversation_id,
                    HiringConversation.workspace_id == workspace_id,
                )
                .values(**fields)
            )

    def _guarded(
        self,
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        step: int | None,
        states: tuple[str, ...],
        values: dict[str, Any],
        now: datetime,
    ) -> bool:
        conditions = [
            HiringConversation.id == conversation_id,
            HiringConversation.workspace_id == workspace_id,
            HiringConversation.state.in_(states),
        ]
        if step is not None:
            conditions.append(HiringConversation.current_step == step)
        result = session.execute(
            update(HiringConversation)
            .where(*conditions)
            .values(
                version=HiringConversation.version + 1,
                updated_at=now,
                last_activity_at=now,
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def answer(
        self,
        workspace_id: int,
        conversation_id: int,
        step: int,
        option_key: str,
        user: str,
        now: datetime,
    ) -> Answered | Stale:
        question = self.question_at(step)
        if question is None or question.option(option_key) is None:
            return Stale(self.get(workspace_id, conversation_id), "unknown_option")
        total = len(self.criteria)
        new_state = "awaiting_decision" if step + 1 == total else "in_progress"
        with self.sessions.begin() as session:
            won = self._guarded(
                session,
                workspace_id,
                conversation_id,
                step=step,
                states=("in_progress",),
                values={"current_step": step + 1, "state": new_state},
                now=now,
            )
            if not won:
                conv = ConversationRepository.get(session, workspace_id, conversation_id)
                return Stale(
                    None if conv is None else self._snapshot(session, conv), "already_answered"
                )
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            assert conv is not None
            session.execute(
                delete(Answer).where(
                    Answer.conversation_id == conversation_id, Answer.question_key == question.key
                )
            )
            session.add(
                Answer(
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    step=step,
                    question_key=question.key,
                    option_key=option_key,
                    answered_by=user,
                    answered_at=now,
                    question_message_ts=conv.current_question_ts,
                )
            )
            session.flush()
            snapshot = self._snapshot(session, conv)
        next_question = self.question_at(step + 1)
        recommendation = None if next_question else recommend(self.criteria, snapshot.answer_map)
        return Answered(snapshot, question, option_key, next_question, recommendation)

    def back(
        self, workspace_id: int, conversation_id: int, from_step: int, user: str, now: datetime
    ) -> WentBack | Stale:
        """From question `from_step` (or from the recommendation: -1) to the one before."""
        total = len(self.criteria)
        with self.sessions.begin() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            if conv is None:
                return Stale(None, "not_found")
            if from_step == -1:
                step, states, left_ts = (
                    total,
                    ("awaiting_decision",),
                    conv.recommendation_message_ts,
                )
            else:
                step, states, left_ts = from_step, ("in_progress",), conv.current_question_ts
            if step <= 0 or not self._guarded(
                session,
                workspace_id,
                conversation_id,
                step=step,
                states=states,
                values={"current_step": step - 1, "state": "in_progress"},
                now=now,
            ):
                return Stale(self._snapshot(session, conv), "already_moved")
            previous = self.criteria.questions[step - 1]
            session.execute(
                delete(Answer).where(
                    Answer.conversation_id == conversation_id, Answer.question_key == previous.key
                )
            )
            session.refresh(conv)
            return WentBack(self._snapshot(session, conv), left_ts, step)

    def cancel(
        self, workspace_id: int, conversation_id: int, user: str, now: datetime
    ) -> Changed | Stale:
        with self.sessions.begin() as session:
            if not self._guarded(
                session,
                workspace_id,
                conversation_id,
                step=None,
                states=OPEN_STATES,
                values={"state": "cancelled", "cancelled_by": user},
                now=now,
            ):
                conv = ConversationRepository.get(session, workspace_id, conversation_id)
                return Stale(None if conv is None else self._snapshot(session, conv), "not_open")
            DecisionRepository.add_event(
                session, workspace_id, conversation_id, kind="cancelled", actor=user, now=now
            )
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            assert conv is not None
            return Changed(self._snapshot(session, conv))

    def decide(
        self,
        workspace_id: int,
        conversation_id: int,
        final_outcome: str,
        reason: str | None,
        user: str,
        now: datetime,
    ) -> Changed | Stale:
        with self.sessions.begin() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            if conv is None:
                return Stale(None, "not_found")
            snapshot = self._snapshot(session, conv)
            if conv.state != "awaiting_decision":
                return Stale(snapshot, "not_awaiting_decision")
            rec = recommend(self.criteria, snapshot.answer_map)
            if not self._guarded(
                session,
                workspace_id,
                conversation_id,
                step=len(self.criteria),
                states=("awaiting_decision",),
                values={"state": "decided"},
                now=now,
            ):
                return Stale(snapshot, "already_decided")
            session.add(
                Decision(
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
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
                    answers_snapshot=snapshot.answer_map,
                    final_outcome=final_outcome,
                    reason=reason,
                    decided_by=user,
                    decided_at=now,
                )
            )
            DecisionRepository.add_event(
                session,
                workspace_id,
                conversation_id,
                kind="recorded",
                actor=user,
                now=now,
                from_outcome=rec.outcome,
                to_outcome=final_outcome,
                reason=reason,
            )
            session.flush()
            session.refresh(conv)
            return Changed(self._snapshot(session, conv), {"recommendation": rec})

    def change_decision(
        self,
        workspace_id: int,
        conversation_id: int,
        final_outcome: str,
        reason: str,
        user: str,
        now: datetime,
    ) -> Changed | Stale:
        """A recorded decision gets a new outcome; the history keeps the old one and why."""
        with self.sessions.begin() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            decision = session.scalar(
                select(Decision).where(
                    Decision.conversation_id == conversation_id,
                    Decision.workspace_id == workspace_id,
                )
            )
            if conv is None or decision is None or conv.state != "decided":
                return Stale(None if conv is None else self._snapshot(session, conv), "not_decided")
            if not self._guarded(
                session,
                workspace_id,
                conversation_id,
                step=None,
                states=("decided",),
                values={},
                now=now,
            ):
                return Stale(self._snapshot(session, conv), "not_decided")
            previous = decision.final_outcome
            decision.final_outcome, decision.reason = final_outcome, reason
            decision.decided_by, decision.decided_at = user, now
            DecisionRepository.add_event(
                session,
                workspace_id,
                conversation_id,
                kind="changed",
                actor=user,
                now=now,
                from_outcome=previous,
                to_outcome=final_outcome,
                reason=reason,
            )
            session.flush()
            session.refresh(conv)
            return Changed(
                self._snapshot(session, conv),
                {
                    "recommendation": recommend(
                        self.criteria, self._snapshot(session, conv).answer_map
                    )
                },
            )

    def reopen(
        self, workspace_id: int, conversation_id: int, reason: str, user: str, now: datetime
    ) -> Changed | Stale:
        """Back to "waiting for the decision"; the old decision lives on in the history."""
        with self.sessions.begin() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            decision = session.scalar(
                select(Decision).where(
                    Decision.conversation_id == conversation_id,
                    Decision.workspace_id == workspace_id,
                )
            )
            if conv is None or decision is None:
                return Stale(None if conv is None else self._snapshot(session, conv), "not_decided")
            if not self._guarded(
                session,
                workspace_id,
                conversation_id,
                step=None,
                states=("decided",),
                values={"state": "awaiting_decision"},
                now=now,
            ):
                return Stale(self._snapshot(session, conv), "not_decided")
            DecisionRepository.add_event(
                session,
                workspace_id,
                conversation_id,
                kind="reopened",
                actor=user,
                now=now,
                from_outcome=decision.final_outcome,
                to_outcome=None,
                reason=reason,
            )
            session.delete(decision)
            session.flush()
            session.refresh(conv)
            return Changed(self._snapshot(session, conv))

    def add_note(
        self,
        workspace_id: int,
        conversation_id: int,
        user: str,
        text: str,
        message_ts: str,
        now: datetime,
    ) -> bool:
        """Keep a thread message with the decision; idempotent on the message's ts."""
        with self.sessions.begin() as session:
            return insert_or_lose(
                session,
                Note(
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    user_id=user,
                    text=text[:4000],
                    message_ts=message_ts,
                    created_at=now,
                ),
            )

    # -- reminders --------------------------------------------------------------------------
    def idle_conversations(self, idle_since: datetime, limit: int = 100) -> list[Snapshot]:
        """Open conversations with no activity since `idle_since` and no reminder yet for this
        idle spell, across workspaces (a job). Those already reminded are left out in the
        query, so however many there are, in whichever workspace, newer ones still come up."""
        reminded = (
            select(Nudge.id)
            .where(
                Nudge.conversation_id == HiringConversation.id,
                Nudge.due_for == HiringConversation.last_activity_at,
            )
            .exists()
        )
        with self.sessions() as session:
            rows = session.scalars(
                select(HiringConversation)
                .where(
                    HiringConversation.state.in_(OPEN_STATES),
                    HiringConversation.root_ts.is_not(None),
                    HiringConversation.last_activity_at <= idle_since,
                    ~reminded,
                )
                .order_by(HiringConversation.last_activity_at)
                .limit(limit)
            ).all()
            return [self._snapshot(session, r) for r in rows]

    def claim_nudge(self, snapshot: Snapshot, now: datetime) -> int | None:
        """One reminder per idle spell, whichever process gets here first."""
        with self.sessions.begin() as session:
            nudge = Nudge(
                workspace_id=snapshot.workspace_id,
                conversation_id=snapshot.id,
                due_for=snapshot.last_activity_at,
                status="claimed",
                created_at=now,
            )
            return nudge.id if insert_or_lose(session, nudge) else None

    def complete_nudge(self, nudge_id: int, message_ts: str | None, status: str) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(Nudge)
                .where(Nudge.id == nudge_id)
                .values(message_ts=message_ts, status=status)
            )
