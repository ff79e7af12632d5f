"""Decisions (one current decision per conversation), their history, and thread notes."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any

from sqlalchemy import insert, literal, select
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.db.models import Answer, Decision, DecisionEvent, HiringConversation, Note
from bot.db.repositories._writes import insert_if_absent

Conv = HiringConversation


class DecisionRepository:
    @staticmethod
    def record(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        recommendation: str,
        confidence: float,
        recommendation_reasons: builtins.list[dict[str, Any]],
        answers_snapshot: dict[str, str],
        final_outcome: str,
        decided_by: str,
        reason: str | None,
        now: datetime,
    ) -> Decision:
        """Store the final call and a `recorded` event. Call only after the conversation's
        guarded move to `decided` won, in the same transaction: that move is the race guard
        (and the unique conversation_id on `decisions` the backstop)."""
        decision = Decision(
            workspace_id=workspace_id,
            conversation_id=conversation_id,
            recommendation=recommendation,
            confidence=confidence,
            recommendation_reasons=recommendation_reasons,
            answers_snapshot=answers_snapshot,
            final_outcome=final_outcome,
            reason=reason,
            decided_by=decided_by,
            decided_at=now,
        )
        session.add(decision)
        DecisionRepository.add_event(
            session,
            workspace_id,
            conversation_id,
            kind="recorded",
            actor=decided_by,
            from_outcome=recommendation,
            to_outcome=final_outcome,
            reason=reason,
            now=now,
        )
        return decision

    @staticmethod
    def get(session: Session, workspace_id: int, conversation_id: int) -> Decision | None:
        return session.scalar(
            select(Decision).where(
                Decision.workspace_id == workspace_id, Decision.conversation_id == conversation_id
            )
        )

    @staticmethod
    def change(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        to_outcome: str,
        actor: str,
        reason: str | None,
        now: datetime,
    ) -> str | None:
        """Give the decision a new outcome; the outcome it had (for the history), or None if
        there is no decision. Call after the guarded move won: the history's `from_outcome`
        is then the outcome this change replaced, never one a concurrent change wrote."""
        decision = DecisionRepository.get(session, workspace_id, conversation_id)
        if decision is None:
            return None
        previous = decision.final_outcome
        decision.final_outcome, decision.reason = to_outcome, reason
        decision.decided_by, decision.decided_at = actor, now
        DecisionRepository.add_event(
            session,
            workspace_id,
            conversation_id,
            kind="changed",
            actor=actor,
            from_outcome=previous,
            to_outcome=to_outcome,
            reason=reason,
            now=now,
        )
        return previous

    @staticmethod
    def withdraw(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        actor: str,
        reason: str,
        now: datetime,
    ) -> str | None:
        """Reopen: the decision goes, the history keeps it (a `reopened` event)."""
        decision = DecisionRepository.get(session, workspace_id, conversation_id)
        if decision is None:
            return None
        previous = decision.final_outcome
        session.delete(decision)
        DecisionRepository.add_event(
            session,
            workspace_id,
            conversation_id,
            kind="reopened",
            actor=actor,
            from_outcome=previous,
            reason=reason,
            now=now,
        )
        return previous

    @staticmethod
    def add_event(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        kind: str,
        actor: str,
        from_outcome: str | None = None,
        to_outcome: str | None = None,
        reason: str | None = None,
        now: datetime | None = None,
        question_key: str | None = None,
        option_key: str | None = None,
        channel_id: str | None = None,
    ) -> DecisionEvent:
        """Append to the history (recorded | changed | reopened | cancelled | answered |
        went_back | orphaned | restarted | openings)."""
        event = DecisionEvent(
            workspace_id=workspace_id,
            conversation_id=conversation_id,
            kind=kind,
            from_outcome=from_outcome,
            to_outcome=to_outcome,
            reason=reason,
            actor=actor,
            created_at=now or utcnow(),
            question_key=question_key,
            option_key=option_key,
            channel_id=channel_id,
        )
        session.add(event)
        session.flush()
        return event

    @staticmethod
    def set_aside_answers(
        session: Session, workspace_id: int, conversation_id: int, *, from_step: int
    ) -> None:
        """Keep in the history the answers from `from_step` on, each as an `answered` event
        by whoever gave it, when they gave it: going back forgets them in `answers`, never
        in the history. One INSERT … SELECT; call it before the answers are replaced, after
        the guarded move won, in the same transaction."""
        session.execute(
            insert(DecisionEvent).from_select(
                [
                    "workspace_id",
                    "conversation_id",
                    "kind",
                    "actor",
                    "created_at",
                    "question_key",
                    "option_key",
                ],
                select(
                    Answer.workspace_id,
                    Answer.conversation_id,
                    literal("answered"),
                    Answer.answered_by,
                    Answer.answered_at,
                    Answer.question_key,
                    Answer.option_key,
                )
                .where(
                    Answer.workspace_id == workspace_id,
                    Answer.conversation_id == conversation_id,
                    Answer.step >= from_step,
                )
                .order_by(Answer.step),
            )
        )

    @staticmethod
    def events(
        session: Session, workspace_id: int, conversation_id: int
    ) -> builtins.list[DecisionEvent]:
        """The history, oldest first."""
        return builtins.list(
            session.scalars(
                select(DecisionEvent)
                .where(
                    DecisionEvent.workspace_id == workspace_id,
                    DecisionEvent.conversation_id == conversation_id,
                )
                .order_by(DecisionEvent.created_at, DecisionEvent.id)
            )
        )


class NoteRepository:
    @staticmethod
    def add(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        user_id: str,
        text: str,
        message_ts: str,
        now: datetime | None = None,
    ) -> bool:
        """Keep a thread message with the conversation; False if this message is already
        kept (Slack retried the event) or the conversation is not in this workspace."""
        owner = session.scalar(
            select(Conv.id).where(Conv.id == conversation_id, Conv.workspace_id == workspace_id)
        )
        if owner is None:
            return False
        note_id = insert_if_absent(
            session,
            Note,
            {
                "workspace_id": workspace_id,
                "conversation_id": conversation_id,
                "user_id": user_id,
                "text": text,
                "message_ts": message_ts,
                "created_at": now or utcnow(),
            },
            ["conversation_id", "message_ts"],
        )
        return note_id is not None

    @staticmethod
    def list(session: Session, workspace_id: int, conversation_id: int) -> builtins.list[Note]:
        """Notes in the order they were written in the thread."""
        return builtins.list(
            session.scalars(
                select(Note)
                .where(Note.workspace_id == workspace_id, Note.conversation_id == conversation_id)
                .order_by(Note.created_at, Note.id)
            )
        )
