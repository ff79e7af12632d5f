"""Ask-the-team rounds, their invitees (voices) and the invitees' answers.

Every change an invitee can race (a double click, a stale button, a reply typed while a
click is on its way, going back, two replicas) is one guarded UPDATE stating what the caller
saw: the voice's step, version and status, the round's state. The row count decides who won, identically on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, cast, delete, exists, literal, select, update
from sqlalchemy.orm import Session

from bot.db.models import OutboxMessage, Voice, VoiceAnswer, VoiceRound
from bot.db.repositories._writes import guarded_update, insert_if_absent

STILL_ANSWERING = ("invited", "answering")


def _question_still_owed() -> ColumnElement[bool]:
    """The voice's current ask is still owed in the outbox (`bot.core.hire.voice_key`):
    waiting for its next try, or held by whoever is delivering it (alive or not)."""
    key = literal("voice:") + cast(Voice.id, String) + literal(":") + cast(Voice.version, String)
    return exists().where(
        OutboxMessage.workspace_id == Voice.workspace_id,
        OutboxMessage.key == key,
        OutboxMessage.status == "pending",
    )


class VoiceRepository:
    # -- rounds -------------------------------------------------------------------------------
    @staticmethod
    def round_for(session: Session, workspace_id: int, conversation_id: int) -> VoiceRound | None:
        return session.scalars(
            select(VoiceRound).where(
                VoiceRound.workspace_id == workspace_id,
                VoiceRound.conversation_id == conversation_id,
            )
        ).one_or_none()

    @staticmethod
    def open_round(
        session: Session, workspace_id: int, conversation_id: int, started_by: str, now: datetime
    ) -> VoiceRound:
        """The conversation's round, created open if it has none (once, whoever is first)."""
        insert_if_absent(
            session,
            VoiceRound,
            {
                "workspace_id": workspace_id,
                "conversation_id": conversation_id,
                "state": "open",
                "started_by": started_by,
                "created_at": now,
            },
            ["conversation_id"],
        )
        found = VoiceRepository.round_for(session, workspace_id, conversation_id)
        assert found is not None
        return found

    @staticmethod
    def end_round(
        session: Session,
        workspace_id: int,
        round_id: int,
        state: str,
        *,
        actor: str | None,
        now: datetime,
    ) -> bool:
        """open → revealed or closed; False when it was no longer open (someone was first)."""
        return guarded_update(
            session,
            VoiceRound,
            [
                VoiceRound.id == round_id,
                VoiceRound.workspace_id == workspace_id,
                VoiceRound.state == "open",
            ],
            {"state": state, "revealed_by": actor, "revealed_at": now},
        )

    @staticmethod
    def close_for_conversation(
        session: Session, workspace_id: int, conversation_id: int, now: datetime
    ) -> None:
        """The conversation was cancelled or restarted: an open round ends unrevealed."""
        session.execute(
            update(VoiceRound)
            .where(
                VoiceRound.workspace_id == workspace_id,
                VoiceRound.conversation_id == conversation_id,
                VoiceRound.state == "open",
            )
            .values(state="closed", revealed_at=now),
            execution_options={"synchronize_session": False},
        )

    # -- voices -------------------------------------------------------------------------------
    @staticmethod
    def add(
        session: Session,
        workspace_id: int,
        round_: VoiceRound,
        user_id: str,
        invited_by: str,
        now: datetime,
    ) -> int | None:
        """A new invitee; None when they are already in the round."""
        return insert_if_absent(
            session,
            Voice,
            {
                "workspace_id": workspace_id,
                "round_id": round_.id,
                "conversation_id": round_.conversation_id,
                "user_id": user_id,
                "status": "invited",
                "step": 0,
                "version": 0,
                "invited_by": invited_by,
                "invited_at": now,
            },
            ["round_id", "user_id"],
        )

    @staticmethod
    def get(session: Session, workspace_id: int, voice_id: int) -> Voice | None:
        return session.scalars(
            select(Voice).where(Voice.id == voice_id, Voice.workspace_id == workspace_id)
        ).one_or_none()

    @staticmethod
    def of_round(session: Session, workspace_id: int, round_id: int) -> Sequence[Voice]:
        return session.scalars(
            select(Voice)
            .where(Voice.workspace_id == workspace_id, Voice.round_id == round_id)
            .order_by(Voice.id)
            # Guarded updates don't refresh loaded rows: read what the transaction wrote.
            .execution_options(populate_existing=True)
        ).all()

    @staticmethod
    def in_dm(session: Session, workspace_id: int, dm_channel: str, user_id: str) -> Voice | None:
        """The invitee's newest voice asked in this DM: the one a typed reply is for."""
        return session.scalars(
            select(Voice)
            .where(
                Voice.workspace_id == workspace_id,
                Voice.dm_channel == dm_channel,
                Voice.user_id == user_id,
            )
            .order_by(
                Voice.status.in_(STILL_ANSWERING).desc(),
                Voice.id.desc(),
            )
            .limit(1)
        ).one_or_none()

    @staticmethod
    def reached(
        session: Session,
        workspace_id: int,
        voice_id: int,
        *,
        dm_channel: str,
        version: int,
        question_ts: str,
    ) -> bool:
        """The ask `version` is in the invitee's DM; False if they moved on (answered or
        went back) meanwhile."""
        return guarded_update(
            session,
            Voice,
            [Voice.id == voice_id, Voice.workspace_id == workspace_id, Voice.version == version],
            {"dm_channel": dm_channel, "question_ts": question_ts},
        )

    @staticmethod
    def unreachable(session: Session, workspace_id: int, voice_id: int, problem: str) -> bool:
        """Slack won't let the bot reach the invitee; False if they were no longer being
        asked (marked already, or done)."""
        return guarded_update(
            session,
            Voice,
            [
                Voice.id == voice_id,
                Voice.workspace_id == workspace_id,
                Voice.status.in_(STILL_ANSWERING),
            ],
            {"status": "unreachable", "problem": problem[:100]},
        )

    @staticmethod
    def advance(
        session: Session,
        workspace_id: int,
        voice_id: int,
        *,
        step: int,
        version: int,
        last: bool,
        now: datetime,
    ) -> bool:
        """Step `step`, asked at `version`, answered: one UPDATE … WHERE step and version
        are what the caller saw, so a second click, a reply racing a click or a "back"
        racing either records nothing."""
        return guarded_update(
            session,
            Voice,
            [
                Voice.id == voice_id,
                Voice.workspace_id == workspace_id,
                Voice.step == step,
                Voice.version == version,
                Voice.status.in_(STILL_ANSWERING),
            ],
            {
                "step": step + 1,
                "version": version + 1,
                "status": "answered" if last else "answering",
                "answered_at": now if last else None,
                "question_ts": None,
            },
        )

    @staticmethod
    def go_back(
        session: Session, workspace_id: int, voice_id: int, *, step: int, version: int
    ) -> bool:
        """From step `step` (asked at `version`) back to the one before: one UPDATE … WHERE
        step and version are what the caller saw, so a double click moves once and a back
        racing an answer is one or the other. Never past the last answer (the voice is
        answered then) nor before the first question."""
        return guarded_update(
            session,
            Voice,
            [
                Voice.id == voice_id,
                Voice.workspace_id == workspace_id,
                Voice.step == step,
                Voice.step > 0,
                Voice.version == version,
                Voice.status.in_(STILL_ANSWERING),
            ],
            {"step": step - 1, "version": version + 1, "question_ts": None},
        )

    @staticmethod
    def forget_answer(
        session: Session, workspace_id: int, voice_id: int, question_key: str
    ) -> None:
        """The answer to a question the invitee went back to: asked again, answered anew."""
        session.execute(
            delete(VoiceAnswer).where(
                VoiceAnswer.workspace_id == workspace_id,
                VoiceAnswer.voice_id == voice_id,
                VoiceAnswer.question_key == question_key,
            ),
            execution_options={"synchronize_session": False},
        )

    @staticmethod
    def record_answer(
        session: Session,
        workspace_id: int,
        voice_id: int,
        question_key: str,
        option_key: str,
        now: datetime,
    ) -> None:
        session.add(
            VoiceAnswer(
                workspace_id=workspace_id,
                voice_id=voice_id,
                question_key=question_key,
                option_key=option_key,
                answered_at=now,
            )
        )
        session.flush()

    @staticmethod
    def answers(
        session: Session, workspace_id: int, voice_ids: Sequence[int]
    ) -> dict[int, dict[str, str]]:
        found: dict[int, dict[str, str]] = {voice_id: {} for voice_id in voice_ids}
        if not voice_ids:
            return found
        rows = session.execute(
            select(VoiceAnswer.voice_id, VoiceAnswer.question_key, VoiceAnswer.option_key).where(
                VoiceAnswer.workspace_id == workspace_id, VoiceAnswer.voice_id.in_(voice_ids)
            )
        )
        for voice_id, question_key, option_key in rows:
            found[voice_id][question_key] = option_key
        return found

    # -- the one reminder ------------------------------------------------------------------------
    @staticmethod
    def reminder_due(session: Session, invited_before: datetime, limit: int) -> Sequence[Voice]:
        """Invitees (any workspace: a job) still answering an open round, invited before
        `invited_before`, never reminded, whose current question is not still owed (the
        outbox delivers that one; the reminder waits until it has)."""
        return session.scalars(
            select(Voice)
            .join(VoiceRound, VoiceRound.id == Voice.round_id)
            .where(
                Voice.status.in_(STILL_ANSWERING),
                Voice.invited_at < invited_before,
                Voice.reminded_at.is_(None),
                VoiceRound.state == "open",
                ~_question_still_owed(),
            )
            .order_by(Voice.id)
            .limit(limit)
        ).all()

    @staticmethod
    def claim_reminder(
        session: Session, workspace_id: int, voice_id: int, version: int, now: datetime
    ) -> bool:
        """Claim the one reminder of an invitee still on the ask `version`; exactly one
        process wins, and none while that question is still owed (it is not claimed yet, so
        a later run reminds them once it has been delivered or given up)."""
        return guarded_update(
            session,
            Voice,
            [
                Voice.id == voice_id,
                Voice.workspace_id == workspace_id,
                Voice.reminded_at.is_(None),
                Voice.version == version,
                Voice.status.in_(STILL_ANSWERING),
                ~_question_still_owed(),
            ],
            {"reminded_at": now},
        )

    # -- the record ------------------------------------------------------------------------------
    @staticmethod
    def revealed_answers(
        session: Session, workspace_id: int, conversation_ids: Sequence[int]
    ) -> dict[int, list[tuple[str, dict[str, str]]]]:
        """Each conversation's invitees who answered a revealed round, in invitation order,
        with their answers (hidden until the reveal, so nothing of an open round)."""
        found: dict[int, list[tuple[str, dict[str, str]]]] = {}
        if not conversation_ids:
            return found
        voices = session.execute(
            select(Voice.id, Voice.conversation_id, Voice.user_id)
            .join(VoiceRound, VoiceRound.id == Voice.round_id)
            .where(
                Voice.workspace_id == workspace_id,
                Voice.conversation_id.in_(conversation_ids),
                Voice.status == "answered",
                VoiceRound.state == "revealed",
            )
            .order_by(Voice.id)
        ).all()
        answers = VoiceRepository.answers(session, workspace_id, [v.id for v in voices])
        for voice_id, conversation_id, user_id in voices:
            found.setdefault(conversation_id, []).append((user_id, answers[voice_id]))
        return found
