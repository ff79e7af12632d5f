""" "Ask the team" use cases. Slack-free; each is one transaction.

The rules are in `bot.core.voices`; the rows in `bot.db.repositories.voices`. An invitee's
answer, and their going back one question, is one guarded UPDATE on their voice (the step
and version the button was drawn for), so a double click, a stale button or a reply racing
a click records once; the reveal is one
guarded UPDATE on the round (open → revealed), so the team's message is posted once
however many last answers and reveal clicks arrive together.

What a change owes Slack is written to the outbox in the change's own transaction, as the
conversation's messages are (`bot.hiring.conversations`): an invitee's first question with
the invite, their next one with each answer, the previous one again with a "back", the team's message with the reveal, and the
round's line in the thread with an invite and with an invitee found unreachable. Whoever
posts one records it sent in the transaction that records its ts; one not delivered in time
is taken over by the delivery job (`bot.jobs.outbox`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import Criteria
from bot.core.actor import AdminFlag
from bot.core.conversation import State
from bot.core.hire import (
    Owed,
    OwedKind,
    round_key,
    team_key,
    voice_asked_again_key,
    voice_key,
    voice_reminder_key,
)
from bot.core.voices import (
    Invited,
    Revealed,
    RoundView,
    VoiceAnswered,
    VoiceNotDone,
    VoiceView,
    VoiceWentBack,
    check_invitees,
    may_manage,
    question_owed,
    round_line_owed,
    team_message_owed,
)
from bot.db.models import HiringConversation, Voice, VoiceRound
from bot.db.repositories import (
    ConversationRepository,
    OutboxRepository,
    VoiceRepository,
    WorkspaceRepository,
)
from bot.db.repositories.conversations import OPEN_STATES
from bot.hiring.conversations import DELIVERY_LEASE, Team


class Voices:
    def __init__(self, session_factory: sessionmaker[Session], criteria: Criteria) -> None:
        self.sessions = session_factory
        self.criteria = criteria

    def _workspace(self, session: Session, team: Team, now: datetime) -> int:
        return WorkspaceRepository.id_for(session, team.team_id, team.enterprise_id, now)

    def workspace_of(self, team: Team, now: datetime) -> int:
        with self.sessions.begin() as session:
            return self._workspace(session, team, now)

    # -- reading ------------------------------------------------------------------------------
    def _voice(self, voice: Voice, answers: dict[str, str] | None = None) -> VoiceView:
        return VoiceView(
            voice.id,
            voice.conversation_id,
            voice.user_id,
            voice.status,  # type: ignore[arg-type]  # checked by the table's constraint
            voice.step,
            voice.dm_channel,
            voice.question_ts,
            voice.problem,
            answers,
            voice.version,
        )

    def _round(
        self, session: Session, round_: VoiceRound, conv: HiringConversation | Row[Any]
    ) -> RoundView:
        workspace = round_.workspace_id
        voices = VoiceRepository.of_round(session, workspace, round_.id)
        answers = VoiceRepository.answers(session, workspace, [v.id for v in voices])
        mine = {
            a.question_key: a.option_key
            for a in ConversationRepository.answers(session, workspace, round_.conversation_id)
        }
        complete = len(mine) == len(self.criteria)
        return RoundView(
            round_.id,
            round_.conversation_id,
            conv.title,
            conv.started_by,
            conv.channel_id,
            conv.root_ts,
            round_.state,  # type: ignore[arg-type]
            tuple(self._voice(v, answers[v.id]) for v in voices),
            mine if complete else None,
            conv.openings,
        )

    def round_within(
        self, session: Session, workspace: int, conversation_id: int
    ) -> RoundView | None:
        """The round in the caller's transaction (SQLite takes its lock at BEGIN, so a second
        session inside another would wait for the first)."""
        round_ = VoiceRepository.round_for(session, workspace, conversation_id)
        conv = ConversationRepository.get(session, workspace, conversation_id)
        if round_ is None or conv is None:
            return None
        return self._round(session, round_, conv)

    def round_in(self, workspace_id: int, conversation_id: int) -> RoundView | None:
        with self.sessions() as session:
            return self.round_within(session, workspace_id, conversation_id)

    # -- inviting -----------------------------------------------------------------------------
    def invite(
        self,
        team: Team,
        conversation_id: int,
        actor: str,
        requested: Sequence[str],
        now: datetime,
        *,
        bot_user: str | None,
        actor_is_admin: AdminFlag,
    ) -> Invited | VoiceNotDone:
        with self.sessions.begin() as session:
            workspace = self._workspace(session, team, now)
            conv = ConversationRepository.get(session, workspace, conversation_id)
            if conv is None:
                return VoiceNotDone("not_found")
            if not may_manage(actor, conv.started_by, is_admin=actor_is_admin):
                return VoiceNotDone("not_allowed")
            if conv.state not in OPEN_STATES:
                return VoiceNotDone("not_open")
            round_ = VoiceRepository.open_round(
                session, workspace, conversation_id, conv.started_by, now
            )
            if round_.state != "open":
                return VoiceNotDone("round_over", self._round(session, round_, conv))
            already = [v.user_id for v in VoiceRepository.of_round(session, workspace, round_.id)]
            invitees = check_invitees(
                requested, starter=conv.started_by, bot_user=bot_user, already=already
            )
            owed: dict[int, Owed] = {}
            refused = list(invitees.refused)
            for user in invitees.accepted:
                voice_id = VoiceRepository.add(session, workspace, round_, user, actor, now)
                if voice_id is None:  # a concurrent invite added them first
                    refused.append((user, "already"))
                    continue
                first = _owe_question(session, workspace, conversation_id, voice_id, 0, now)
                if first is not None:
                    owed[voice_id] = first
            view = self._round(session, round_, conv)
            new = tuple(v for v in view.voices if v.id in owed)
            line = (
                _owe_line(session, workspace, round_, round_key(round_.id, "asked", new[0].id), now)
                if new
                else None
            )
            return Invited(view, new, tuple(refused), owed, line)

    def reached(
        self,
        workspace_id: int,
        voice: VoiceView,
        dm_channel: str,
        ts: str,
        now: datetime,
        owed: Owed | None = None,
    ) -> None:
        """The invitee's question for `voice.step`, asked at `voice.version`, is in their DM
        at `ts`, and what was owed of it is sent."""
        with self.sessions.begin() as session:
            if owed is not None:
                OutboxRepository.finish(session, owed.id, "sent", now=now, ts=ts)
            VoiceRepository.reached(
                session,
                workspace_id,
                voice.id,
                dm_channel=dm_channel,
                version=voice.version,
                question_ts=ts,
            )

    def unreachable(
        self,
        workspace_id: int,
        voice: VoiceView,
        problem: str,
        now: datetime,
        owed: Owed | None = None,
        *,
        told_by: Owed | None = None,
    ) -> Owed | None:
        """Slack won't let the bot reach the invitee: what was owed them failed for good.
        The thread is told through the round's line, owed here, the same whether the
        invite's request, an answer, the reminder or the delivery job found them out; not
        when `told_by`, a line the caller posts after this (the invite's), will show them.
        A line someone else is posting may have been drawn already, so it never counts."""
        with self.sessions.begin() as session:
            if owed is not None:
                OutboxRepository.finish(session, owed.id, "failed", now=now, error=problem)
            if not VoiceRepository.unreachable(session, workspace_id, voice.id, problem):
                return None
            round_ = VoiceRepository.round_for(session, workspace_id, voice.conversation_id)
            if told_by is not None or round_ is None or round_.state != "open":
                return None
            key = round_key(round_.id, "unreachable", voice.id)
            return _owe_line(session, workspace_id, round_, key, now)

    # -- answering ----------------------------------------------------------------------------
    def find_in_dm(self, team: Team, dm_channel: str, user: str, now: datetime) -> VoiceView | None:
        """The voice a message typed in this DM answers, if the DM is one the bot asked in."""
        with self.sessions.begin() as session:
            workspace = self._workspace(session, team, now)
            voice = VoiceRepository.in_dm(session, workspace, dm_channel, user)
            return None if voice is None else self._voice(voice)

    def _judge_click(
        self,
        session: Session,
        team: Team,
        voice_id: int,
        step: int,
        actor: str,
        version: int | None,
        now: datetime,
    ) -> tuple[int, VoiceView, VoiceRound, HiringConversation] | VoiceNotDone:
        """Whether `actor` may act on their question `step` (drawn at `version`; None for a
        typed reply: the current one): the workspace, the voice, its round and conversation,
        or why not. The caller's guarded UPDATE decides a race."""
        workspace = self._workspace(session, team, now)
        voice = VoiceRepository.get(session, workspace, voice_id)
        if voice is None:
            return VoiceNotDone("not_found")
        seen = self._voice(voice)
        if voice.user_id != actor:
            return VoiceNotDone("not_yours", voice=seen)
        round_ = session.get(VoiceRound, voice.round_id)
        conv = session.get(HiringConversation, voice.conversation_id)
        assert round_ is not None and conv is not None  # voices go with their round
        if voice.status == "answered":
            return VoiceNotDone("already_answered", voice=seen)
        if round_.state != "open":
            return VoiceNotDone("round_over", self._round(session, round_, conv), seen)
        if step != voice.step or not 0 <= step < len(self.criteria):
            return VoiceNotDone("stale", voice=seen)
        if version is not None and version != voice.version:
            return VoiceNotDone("stale", voice=seen)  # drawn before they went back
        return workspace, seen, round_, conv

    def answer(
        self,
        team: Team,
        voice_id: int,
        step: int,
        option: str,
        actor: str,
        now: datetime,
        version: int | None = None,
    ) -> VoiceAnswered | VoiceNotDone:
        """Answer step `step`, from a button drawn at `version` (a typed reply: the current
        one)."""
        with self.sessions.begin() as session:
            judged = self._judge_click(session, team, voice_id, step, actor, version, now)
            if isinstance(judged, VoiceNotDone):
                return judged
            workspace, seen, round_, conv = judged
            question = self.criteria.questions[step]
            if question.option(option) is None:
                return VoiceNotDone("unknown_option", voice=seen)
            last = step == len(self.criteria) - 1
            if not VoiceRepository.advance(
                session, workspace, voice_id, step=step, version=seen.version, last=last, now=now
            ):
                return VoiceNotDone("stale", voice=seen)
            VoiceRepository.record_answer(session, workspace, voice_id, question.key, option, now)
            after = replace(
                seen,
                status="answered" if last else "answering",
                step=step + 1,
                question_ts=None,
                version=seen.version + 1,
            )
            if not last:
                owed = _owe_question(session, workspace, conv.id, voice_id, after.version, now)
                return VoiceAnswered(after, step, option, None, owed)
            view = self._round(session, round_, conv)
            if view.everyone_answered and VoiceRepository.end_round(
                session, workspace, round_.id, "revealed", actor=None, now=now
            ):
                owed = _owe_team(session, workspace, round_, now)
                return VoiceAnswered(after, step, option, replace(view, state="revealed"), owed)
            return VoiceAnswered(after, step, option)

    def go_back(
        self,
        team: Team,
        voice_id: int,
        step: int,
        actor: str,
        now: datetime,
        version: int | None = None,
    ) -> VoiceWentBack | VoiceNotDone:
        """Back one question from step `step`, from a "Go back" button drawn at `version`
        (typed `back`: the current one): the previous answer is forgotten and the previous
        question owed again, under the new version's key. Only while the invitee is still
        answering an open round: their last answer, or the reveal, ends it."""
        with self.sessions.begin() as session:
            judged = self._judge_click(session, team, voice_id, step, actor, version, now)
            if isinstance(judged, VoiceNotDone):
                return judged
            workspace, seen, _, conv = judged
            if not seen.may_go_back:
                return VoiceNotDone("first_question" if step == 0 else "stale", voice=seen)
            if not VoiceRepository.go_back(
                session, workspace, voice_id, step=step, version=seen.version
            ):
                return VoiceNotDone("stale", voice=seen)
            previous = self.criteria.questions[step - 1]
            VoiceRepository.forget_answer(session, workspace, voice_id, previous.key)
            after = replace(
                seen,
                status="answering",
                step=step - 1,
                question_ts=None,
                version=seen.version + 1,
            )
            owed = _owe_question(session, workspace, conv.id, voice_id, after.version, now)
            return VoiceWentBack(after, seen, owed)

    # -- revealing ----------------------------------------------------------------------------
    def reveal(
        self,
        team: Team,
        conversation_id: int,
        actor: str,
        now: datetime,
        *,
        actor_is_admin: AdminFlag,
    ) -> Revealed | VoiceNotDone:
        with self.sessions.begin() as session:
            workspace = self._workspace(session, team, now)
            conv = ConversationRepository.get(session, workspace, conversation_id)
            round_ = VoiceRepository.round_for(session, workspace, conversation_id)
            if conv is None or round_ is None:
                return VoiceNotDone("not_found")
            view = self._round(session, round_, conv)
            if not may_manage(actor, conv.started_by, is_admin=actor_is_admin):
                return VoiceNotDone("not_allowed", view)
            if not VoiceRepository.end_round(
                session, workspace, round_.id, "revealed", actor=actor, now=now
            ):
                return VoiceNotDone("round_over", view)
            owed = _owe_team(session, workspace, round_, now)
            return Revealed(replace(view, state="revealed"), actor, owed)

    # -- the outbox (what is owed to Slack) -----------------------------------------------------
    def still_owed(
        self, owed: Owed, workspace_id: int, conversation: State, now: datetime
    ) -> tuple[RoundView, VoiceView | None] | None:
        """What an owed team message or round line (the round) or invitee's question or
        reminder (the round and the voice, as they are now) is for; None when nobody needs it any more
        (the invitee moved on, the round or the conversation was closed), and it is then
        superseded."""
        with self.sessions.begin() as session:
            view = self.round_within(session, workspace_id, owed.conversation_id)
            if owed.kind == "team":
                if view is not None and team_message_owed(view, conversation):
                    return view, None
            elif owed.kind == "round":
                if view is not None and round_line_owed(view, conversation):
                    return view, None
            elif owed.kind == "voice_reminder":
                voice = _still_answering(view, owed.voice_id)
                if voice is not None and view is not None and view.state == "open":
                    return view, voice
            elif view is not None:
                voice = next((v for v in view.voices if v.id == owed.voice_id), None)
                if voice is not None and question_owed(view, voice, owed.version):
                    return view, voice
            OutboxRepository.finish(session, owed.id, "superseded", now=now)
            return None

    # -- the one reminder ---------------------------------------------------------------------
    def due_reminders(
        self, invited_before: datetime, limit: int = 100
    ) -> list[tuple[int, VoiceView, RoundView]]:
        """Invitees still owing answers to an open round (any workspace: a job), each with
        its workspace and round."""
        due = []
        with self.sessions() as session:
            for voice in VoiceRepository.reminder_due(session, invited_before, limit):
                view = self.round_within(session, voice.workspace_id, voice.conversation_id)
                if view is not None:
                    due.append((voice.workspace_id, self._voice(voice), view))
        return due

    def claim_reminder(
        self, workspace_id: int, voice: VoiceView, now: datetime
    ) -> list[Owed] | None:
        """The invitee's one reminder is this caller's to send (exactly one process wins):
        claimed and owed in one transaction, so a crash or a Slack refusal before it lands
        leaves it owed, never lost. Not while their current question is still owed: the
        outbox brings that one, and a reminder asking it too would be a second copy. When
        that question never reached them (given up after a day), it is owed again after
        the reminder. What it owes, in order; None when another process has it."""
        with self.sessions.begin() as session:
            claimed = VoiceRepository.claim_reminder(
                session, workspace_id, voice.id, voice.version, now
            )
            if not claimed:
                return None
            owes: list[tuple[OwedKind, str]] = [("voice_reminder", voice_reminder_key(voice.id))]
            if voice.question_ts is None:
                owes.append(("voice", voice_asked_again_key(voice.id, voice.version)))
            owed = []
            for kind, key in owes:
                row = OutboxRepository.owe(
                    session,
                    workspace_id,
                    voice.conversation_id,
                    kind,
                    voice.version,
                    now=now,
                    lease_until=now + DELIVERY_LEASE,
                    key=key,
                )
                if row is not None:
                    owed.append(row)
            return owed


def _still_answering(view: RoundView | None, voice_id: int) -> VoiceView | None:
    """The invitee of the round, if they have not finished (nor been found unreachable)."""
    if view is None:
        return None
    voice = next((v for v in view.voices if v.id == voice_id), None)
    return voice if voice is not None and voice.status in ("invited", "answering") else None


def _owe_question(
    session: Session,
    workspace: int,
    conversation_id: int,
    voice_id: int,
    version: int,
    now: datetime,
) -> Owed | None:
    """The invitee's question as asked at `version` (the step they are on), owed to their
    DM (None: owed already)."""
    return OutboxRepository.owe(
        session,
        workspace,
        conversation_id,
        "voice",
        version,
        now=now,
        lease_until=now + DELIVERY_LEASE,
        key=voice_key(voice_id, version),
    )


def _owe_line(
    session: Session, workspace: int, round_: VoiceRound, key: str, now: datetime
) -> Owed | None:
    """The round's line, owed to the thread (drawn as the round is when it is posted)."""
    return OutboxRepository.owe(
        session,
        workspace,
        round_.conversation_id,
        "round",
        round_.id,
        now=now,
        lease_until=now + DELIVERY_LEASE,
        key=key,
    )


def _owe_team(session: Session, workspace: int, round_: VoiceRound, now: datetime) -> Owed | None:
    """The team's message, owed to the thread by the round's one reveal."""
    return OutboxRepository.owe(
        session,
        workspace,
        round_.conversation_id,
        "team",
        round_.id,
        now=now,
        lease_until=now + DELIVERY_LEASE,
        key=team_key(round_.conversation_id, round_.id),
    )
