"""Hiring conversations and their answers.

Every change to a conversation is one guarded UPDATE whose WHERE clause states what the
caller saw (`current_step`, `state`, optionally `version`); its row count decides who won.
That is the guard against double clicks, stale buttons and two replicas handling the
same click: the loser changes nothing and should re-read and re-render.

Typical use, in one transaction:

    with session_factory.begin() as session:
        if ConversationRepository.advance_step(session, ws, conv, expected_step=2, ...):
            ConversationRepository.record_answer(session, ws, conv, step=2, ...)
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.db.models import Answer, HiringConversation
from bot.db.repositories._writes import guarded_update, insert_if_absent

OPEN_STATES = ("in_progress", "awaiting_decision")

Conv = HiringConversation


class ConversationRepository:
    @staticmethod
    def create(
        session: Session,
        workspace_id: int,
        *,
        title: str,
        started_by: str,
        channel_id: str,
        now: datetime | None = None,
        root_ts: str | None = None,
    ) -> HiringConversation:
        now = now or utcnow()
        conversation = HiringConversation(
            workspace_id=workspace_id,
            title=title,
            started_by=started_by,
            channel_id=channel_id,
            root_ts=root_ts,
            state="in_progress",
            current_step=0,
            version=0,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        session.add(conversation)
        session.flush()
        return conversation

    @staticmethod
    def get(session: Session, workspace_id: int, conversation_id: int) -> HiringConversation | None:
        """The conversation, only if it belongs to `workspace_id`."""
        return session.scalar(
            select(Conv).where(Conv.id == conversation_id, Conv.workspace_id == workspace_id)
        )

    @staticmethod
    def get_by_thread(
        session: Session, workspace_id: int, channel_id: str, root_ts: str
    ) -> HiringConversation | None:
        """The conversation whose root message is (channel, ts): how thread replies find it."""
        return session.scalar(
            select(Conv).where(
                Conv.workspace_id == workspace_id,
                Conv.channel_id == channel_id,
                Conv.root_ts == root_ts,
            )
        )

    @staticmethod
    def list(
        session: Session,
        workspace_id: int,
        *,
        states: Sequence[str] | None = None,
        started_by: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> builtins.list[HiringConversation]:
        """Newest first; `states` narrows to e.g. OPEN_STATES."""
        query = select(Conv).where(Conv.workspace_id == workspace_id)
        if states is not None:
            query = query.where(Conv.state.in_(states))
        if started_by is not None:
            query = query.where(Conv.started_by == started_by)
        query = query.order_by(Conv.created_at.desc(), Conv.id.desc()).limit(limit).offset(offset)
        return builtins.list(session.scalars(query))

    @staticmethod
    def set_root(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        root_ts: str,
        permalink: str | None = None,
    ) -> bool:
        """Attach the posted root message; only once (a second post must not re-point it)."""
        return guarded_update(
            session,
            Conv,
            [*_scope(workspace_id, conversation_id), Conv.root_ts.is_(None)],
            {"root_ts": root_ts, "permalink": permalink, "version": Conv.version + 1},
        )

    @staticmethod
    def set_permalink(
        session: Session, workspace_id: int, conversation_id: int, permalink: str
    ) -> bool:
        """Cache chat.getPermalink's answer (not a state change: the version stays)."""
        return guarded_update(
            session, Conv, _scope(workspace_id, conversation_id), {"permalink": permalink}
        )

    @staticmethod
    def set_recommendation_message(
        session: Session, workspace_id: int, conversation_id: int, message_ts: str
    ) -> bool:
        return guarded_update(
            session,
            Conv,
            _scope(workspace_id, conversation_id),
            {"recommendation_message_ts": message_ts, "version": Conv.version + 1},
        )

    @staticmethod
    def advance_step(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        expected_step: int,
        expected_version: int | None = None,
        total_steps: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Move from question `expected_step` to the next one; True for exactly one caller.

        When `total_steps` is given and this was the last question, the conversation moves
        on to `awaiting_decision`.
        """
        now = now or utcnow()
        next_step = expected_step + 1
        finished = total_steps is not None and next_step >= total_steps
        where = [
            *_scope(workspace_id, conversation_id),
            Conv.current_step == expected_step,
            Conv.state == "in_progress",
        ]
        if expected_version is not None:
            where.append(Conv.version == expected_version)
        return guarded_update(
            session,
            Conv,
            where,
            {
                "current_step": next_step,
                "state": "awaiting_decision" if finished else "in_progress",
                **_changed(now),
            },
        )

    @staticmethod
    def record_answer(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        step: int,
        question_key: str,
        option_key: str,
        answered_by: str,
        question_message_ts: str | None = None,
        now: datetime | None = None,
    ) -> Answer | None:
        """Store an answer; None when this question already has one (or the conversation is
        not in this workspace). Call it after `advance_step` won, in the same transaction."""
        if ConversationRepository.get(session, workspace_id, conversation_id) is None:
            return None
        answer_id = insert_if_absent(
            session,
            Answer,
            {
                "workspace_id": workspace_id,
                "conversation_id": conversation_id,
                "step": step,
                "question_key": question_key,
                "option_key": option_key,
                "answered_by": answered_by,
                "answered_at": now or utcnow(),
                "question_message_ts": question_message_ts,
            },
            ["conversation_id", "question_key"],
        )
        return None if answer_id is None else session.get(Answer, answer_id)

    @staticmethod
    def answers(session: Session, workspace_id: int, conversation_id: int) -> builtins.list[Answer]:
        """The answers in question order."""
        return builtins.list(
            session.scalars(
                select(Answer)
                .where(
                    Answer.workspace_id == workspace_id, Answer.conversation_id == conversation_id
                )
                .order_by(Answer.step)
            )
        )

    @staticmethod
    def remove_last_answer(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        expected_step: int,
        now: datetime | None = None,
    ) -> bool:
        """Go back: forget the answer to question `expected_step - 1` and ask it again.

        Guarded like `advance_step`: a double click on "back" goes back one question only.
        Allowed while the conversation is open, so the last answer can be revised while
        the recommendation waits for a decision.
        """
        if expected_step <= 0:
            return False
        moved = guarded_update(
            session,
            Conv,
            [
                *_scope(workspace_id, conversation_id),
                Conv.current_step == expected_step,
                Conv.state.in_(OPEN_STATES),
            ],
            {
                "current_step": expected_step - 1,
                "state": "in_progress",
                "recommendation_message_ts": None,
                **_changed(now or utcnow()),
            },
        )
        if moved:
            session.execute(
                delete(Answer).where(
                    Answer.workspace_id == workspace_id,
                    Answer.conversation_id == conversation_id,
                    Answer.step >= expected_step - 1,
                )
            )
        return moved

    @staticmethod
    def set_state(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        to_state: str,
        from_states: Sequence[str] = OPEN_STATES,
        expected_version: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Move to `to_state` if the conversation is in one of `from_states`; True if moved."""
        where = [*_scope(workspace_id, conversation_id), Conv.state.in_(from_states)]
        if expected_version is not None:
            where.append(Conv.version == expected_version)
        return guarded_update(session, Conv, where, {"state": to_state, **_changed(now)})

    @staticmethod
    def cancel(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        cancelled_by: str,
        now: datetime | None = None,
    ) -> bool:
        """Cancel an open conversation; False when it was already decided or cancelled."""
        return guarded_update(
            session,
            Conv,
            [*_scope(workspace_id, conversation_id), Conv.state.in_(OPEN_STATES)],
            {"state": "cancelled", "cancelled_by": cancelled_by, **_changed(now)},
        )

    @staticmethod
    def touch_activity(
        session: Session, workspace_id: int, conversation_id: int, now: datetime | None = None
    ) -> bool:
        """Someone did something in the thread (e.g. a note): restarts the idle clock.

        Not a state change, so the version stays: a note must not invalidate the buttons.
        """
        now = now or utcnow()
        return guarded_update(
            session,
            Conv,
            _scope(workspace_id, conversation_id),
            {"last_activity_at": now, "updated_at": now},
        )


def _scope(workspace_id: int, conversation_id: int) -> builtins.list[Any]:
    return [Conv.id == conversation_id, Conv.workspace_id == workspace_id]


def _changed(now: datetime | None) -> dict[str, Any]:
    now = now or utcnow()
    return {"version": Conv.version + 1, "updated_at": now, "last_activity_at": now}
