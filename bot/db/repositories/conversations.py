"""Hiring conversations and their answers.

Every change to a conversation is one guarded UPDATE whose WHERE clause states what the
caller saw (`current_step`, `state`, optionally `version`); its row count decides who won.
That is the guard against double clicks, stale buttons and two replicas handling the
same click: the loser changes nothing and should re-read and re-render.

Typical use, in one transaction (`bot.hiring.conversations` does this):

    with session_factory.begin() as session:
        if ConversationRepository.apply_move(session, ws, conv, move, now=now):
            ConversationRepository.replace_answers(session, ws, conv, keep_before=2, ...)
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from bot.core.conversation import Move, State
from bot.db.base import utcnow
from bot.db.models import Answer, HiringConversation, Nudge, OutboxMessage, Workspace
from bot.db.repositories._writes import changed_one_row, guarded_update, insert_if_absent
from bot.db.repositories.outbox import OutboxRepository

OPEN_STATES = ("in_progress", "awaiting_decision")


class AnswerRow(NamedTuple):
    """An answer as `answers` reads it, with the columns a view needs."""

    step: int
    question_key: str
    option_key: str
    answered_by: str


Conv = HiringConversation

# Every click reads a conversation and its answers and makes one or two guarded UPDATEs.
# Those statements are plain Core on the tables, built once here: the ORM's statement
# construction, entity loading and bulk-DML machinery were most of a click's database CPU
# (about 4x these statements' cost), for rows the use case only reads attributes of.
_conversations = Conv.__table__
_answers = Answer.__table__
_columns = _conversations.c
_THIS_CONVERSATION = (
    _columns.id == bindparam("match_id"),
    _columns.workspace_id == bindparam("match_workspace"),
)
_GET = select(_conversations).where(*_THIS_CONVERSATION)
# A click names its team, not its workspace row: one statement finds both, and the answers
# too (LEFT JOIN: one row per answer, or one row with no answer when there is none).
_workspaces = Workspace.__table__
_GET_IN_TEAM = (
    select(
        _conversations,
        _answers.c.step.label("answer_step"),
        _answers.c.question_key.label("answer_question_key"),
        _answers.c.option_key.label("answer_option_key"),
        _answers.c.answered_by.label("answer_answered_by"),
    )
    .join(_workspaces, _workspaces.c.id == _columns.workspace_id)
    .outerjoin(
        _answers,
        (_answers.c.workspace_id == _columns.workspace_id)
        & (_answers.c.conversation_id == _columns.id),
    )
    .where(
        _columns.id == bindparam("match_id"),
        _workspaces.c.team_id == bindparam("match_team"),
        _workspaces.c.enterprise_id == bindparam("match_enterprise"),
    )
    .order_by(_answers.c.step)
)
_ANSWERS = (
    select(_answers)
    .where(
        _answers.c.workspace_id == bindparam("match_workspace"),
        _answers.c.conversation_id == bindparam("match_id"),
    )
    .order_by(_answers.c.step)
)
# The SET clause comes from the parameters' keys (columns), the WHERE from the match_*
# ones; SQLAlchemy compiles and caches one statement per set of keys.
_RECORD_MESSAGE = update(_conversations).where(
    *_THIS_CONVERSATION, _columns.version == bindparam("match_version")
)
# PostgreSQL: the same, marking the outbox row that owed the message sent in one statement.
_outbox = OutboxMessage.__table__
_RECORD_MESSAGE_AND_MARK_SENT = _RECORD_MESSAGE.add_cte(
    update(_outbox)
    .where(_outbox.c.id == bindparam("sent_id"), _outbox.c.status == "pending")
    .values(status="sent", ts=bindparam("sent_ts"), error=None, finished_at=bindparam("sent_at"))
    .cte("marked_sent")
)
_MOVE = update(_conversations).where(
    *_THIS_CONVERSATION,
    _columns.state == bindparam("match_state"),
    _columns.current_step == bindparam("match_step"),
    _columns.version == bindparam("match_version"),
)
_FORGET_ANSWERS_FROM = delete(_answers).where(
    _answers.c.workspace_id == bindparam("match_workspace"),
    _answers.c.conversation_id == bindparam("match_id"),
    _answers.c.step >= bindparam("match_step"),
)
_ADD_ANSWER = insert(_answers)


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
        private_channel: bool = False,
    ) -> HiringConversation:
        now = now or utcnow()
        conversation = HiringConversation(
            workspace_id=workspace_id,
            title=title,
            started_by=started_by,
            channel_id=channel_id,
            private_channel=private_channel,
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
    def get(session: Session, workspace_id: int, conversation_id: int) -> Row[Any] | None:
        """The conversation, only if it belongs to `workspace_id`: a read-only row whose
        attributes are the model's columns (read afresh, never an identity-map copy)."""
        return session.execute(
            _GET, {"match_id": conversation_id, "match_workspace": workspace_id}
        ).one_or_none()

    @staticmethod
    def get_in_team(
        session: Session, team_id: str, enterprise_id: str | None, conversation_id: int
    ) -> tuple[Row[Any], list[AnswerRow]] | None:
        """`get` and `answers` by the team's Slack ids instead of its workspace row's id, in
        one statement (None also when the team has no workspace row yet: it has no
        conversations)."""
        rows = session.execute(
            _GET_IN_TEAM,
            {
                "match_id": conversation_id,
                "match_team": team_id,
                "match_enterprise": enterprise_id or "",
            },
        ).all()
        if not rows:
            return None
        answers = [
            AnswerRow(
                r.answer_step, r.answer_question_key, r.answer_option_key, r.answer_answered_by
            )
            for r in rows
            if r.answer_step is not None
        ]
        return rows[0], answers

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
    def set_root(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        root_ts: str,
    ) -> bool:
        """Attach the posted root message; only once (a second post must not re-point it)."""
        return guarded_update(
            session,
            Conv,
            [*_scope(workspace_id, conversation_id), Conv.root_ts.is_(None)],
            {"root_ts": root_ts},
        )

    @staticmethod
    def answers(session: Session, workspace_id: int, conversation_id: int) -> Sequence[Row[Any]]:
        """The answers in question order, as read-only rows with the model's columns."""
        return session.execute(
            _ANSWERS, {"match_id": conversation_id, "match_workspace": workspace_id}
        ).all()

    @staticmethod
    def record_message(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        version: int,
        question_ts: str | None = None,
        recommendation_ts: str | None = None,
        sent: tuple[int, datetime] | None = None,
    ) -> bool:
        """Remember the message just posted for the conversation's `version`.

        Guarded by the version it was drawn for: if the conversation moved on while the
        message was being posted, the message is already out of date and is not recorded
        over a newer one (the caller is told and marks it superseded).

        `sent` is (the outbox row that owed the message, when it was sent): that row is
        marked sent with the message's ts either way. On PostgreSQL both are one statement
        (a data-modifying WITH), so the caller can run it as its own transaction
        (`bot.db.session.single_statement`); elsewhere the row is marked just before.
        """
        values: dict[str, Any] = {}
        if question_ts is not None:
            values["current_question_ts"] = question_ts
        if recommendation_ts is not None:
            values["recommendation_message_ts"] = recommendation_ts
        parameters = {
            "match_id": conversation_id,
            "match_workspace": workspace_id,
            "match_version": version,
            **values,
        }
        if sent is None:
            return changed_one_row(session, _RECORD_MESSAGE, parameters)
        owed_id, sent_at = sent
        ts = question_ts or recommendation_ts
        if session.get_bind().dialect.name == "postgresql":
            return changed_one_row(
                session,
                _RECORD_MESSAGE_AND_MARK_SENT,
                {**parameters, "sent_id": owed_id, "sent_ts": ts, "sent_at": sent_at},
            )
        OutboxRepository.finish(session, owed_id, "sent", now=sent_at, ts=ts)
        return changed_one_row(session, _RECORD_MESSAGE, parameters)

    @staticmethod
    def apply_move(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        move: Move,
        *,
        now: datetime,
        values: dict[str, Any] | None = None,
    ) -> bool:
        """Apply a state-machine move with ONE guarded UPDATE; True for exactly one caller.

        The WHERE clause is the position the move was decided on (state, step, version);
        a concurrent move that got there first changes one of them, and this one then
        changes nothing. Messages of a question or recommendation the move leaves behind
        are forgotten here, so nothing ever updates them as if they were current.
        """
        source, target = move.source, move.target
        changes: dict[str, Any] = {
            "state": target.state.value,
            "current_step": target.step,
            "version": target.version,
            **(values or {}),
        }
        if move.bumps_version:
            changes["updated_at"] = now
            if target.step != source.step or target.state != source.state:
                changes["current_question_ts"] = None
            if target.state is not State.AWAITING_DECISION and target.state is not State.DECIDED:
                changes["recommendation_message_ts"] = None
        if move.restarts_idle_clock:
            changes["last_activity_at"] = now
        return changed_one_row(
            session,
            _MOVE,
            {
                "match_id": conversation_id,
                "match_workspace": workspace_id,
                "match_state": source.state.value,
                "match_step": source.step,
                "match_version": source.version,
                **changes,
            },
        )

    @staticmethod
    def replace_answers(
        session: Session,
        workspace_id: int,
        conversation_id: int,
        *,
        keep_before: int,
        new_answer: dict[str, Any] | None,
        any_to_forget: bool = True,
    ) -> None:
        """Forget the answers from step `keep_before` on, then store `new_answer` (if any).

        Call only after `apply_move` won, in the same transaction: the move's guard makes
        this the only writer of these answers, so the answers the caller read with the
        conversation are all there are, and `any_to_forget=False` (none from that step on,
        the usual answer to the next question) saves a statement.
        """
        if any_to_forget:
            session.execute(
                _FORGET_ANSWERS_FROM,
                {
                    "match_id": conversation_id,
                    "match_workspace": workspace_id,
                    "match_step": keep_before,
                },
            )
        if new_answer is not None:  # a plain INSERT: nothing needs the ORM object back
            session.execute(
                _ADD_ANSWER,
                {"workspace_id": workspace_id, "conversation_id": conversation_id, **new_answer},
            )

    @staticmethod
    def delete_unposted(session: Session, workspace_id: int, conversation_id: int) -> None:
        """A conversation whose root message never reached Slack: nobody saw it, so it goes."""
        session.execute(
            delete(Conv).where(*_scope(workspace_id, conversation_id), Conv.root_ts.is_(None))
        )

    @staticmethod
    def idle(
        session: Session, idle_since: datetime, limit: int
    ) -> builtins.list[HiringConversation]:
        """Open conversations (any workspace: a job) with no activity since `idle_since` and
        no reminder yet for this idle spell, oldest first. The already reminded are left out
        in the query, so however many there are, newer ones in other workspaces still come up."""
        reminded = (
            select(Nudge.id)
            .where(Nudge.conversation_id == Conv.id, Nudge.due_for == Conv.last_activity_at)
            .exists()
        )
        return builtins.list(
            session.scalars(
                select(Conv)
                .where(
                    Conv.state.in_(OPEN_STATES),
                    Conv.root_ts.is_not(None),
                    Conv.last_activity_at <= idle_since,
                    ~reminded,
                )
                .order_by(Conv.last_activity_at, Conv.id)
                .limit(limit)
            )
        )

    @staticmethod
    def open_threads(
        session: Session, after_id: int = 0, limit: int = 500
    ) -> builtins.list[HiringConversation]:
        """Posted conversations still open in their threads (any workspace: a check that
        the threads are still there), by id from `after_id`, at most `limit`."""
        return builtins.list(
            session.scalars(
                select(Conv)
                .where(Conv.state.in_(OPEN_STATES), Conv.root_ts.is_not(None), Conv.id > after_id)
                .order_by(Conv.id)
                .limit(limit)
            )
        )

    @staticmethod
    def claim_nudge(
        session: Session, conversation: HiringConversation | Row[Any], now: datetime
    ) -> int | None:
        """One reminder per idle spell, whichever process gets here first."""
        return insert_if_absent(
            session,
            Nudge,
            {
                "workspace_id": conversation.workspace_id,
                "conversation_id": conversation.id,
                "due_for": conversation.last_activity_at,
                "status": "claimed",
                "created_at": now,
            },
            ["conversation_id", "due_for"],
        )

    @staticmethod
    def complete_nudge(
        session: Session, nudge_id: int, message_ts: str | None, status: str
    ) -> None:
        session.execute(
            update(Nudge).where(Nudge.id == nudge_id).values(message_ts=message_ts, status=status)
        )


def _scope(workspace_id: int, conversation_id: int) -> builtins.list[Any]:
    return [Conv.id == conversation_id, Conv.workspace_id == workspace_id]
