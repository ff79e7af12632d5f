""" "Ask the team" at the Slack edge: the use case acts (bot.hiring.voices), Block Kit renders
(bot.blocks.voices), and this desk delivers — the questions into each invitee's DM, the
round's line and the team's one message into the conversation's thread.

The questions, the round's line and the team's message are owed through the outbox with the
change that owes them: posted here right after it, or by the delivery job (`redeliver`) when
this request died or Slack would not take them yet; either way once, found again by their
key. An invitee Slack refuses for good is named in the thread by the round's line, however
it was found out (`_unreachable`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import voices as voice_blocks
from bot.blocks.common import Message, notice_modal
from bot.content.criteria import Criteria, load_criteria
from bot.core.actor import Actor
from bot.core.hire import ConversationView, Owed
from bot.core.interactions import ConversationValue
from bot.core.voices import (
    RoundView,
    VoiceAnswered,
    VoiceNotDone,
    VoiceView,
    combine,
)
from bot.hiring.conversations import Conversations, Team
from bot.hiring.voices import Voices
from bot.services import Services
from bot.slack.deliver import Delivery, error_code, failure_code, is_transient
from bot.slack.modals import GuardedForm
from bot.slack.owed import OwedPoster
from bot.slack.payloads import Click, Submitted, read_metadata

log = logging.getLogger(__name__)

# Told when an invite or a reveal changed nothing.
NOT_DONE = {
    "not_found": ":information_source: I can't find that hiring conversation any more.",
    "not_open": ":information_source: This conversation is no longer open, so there is "
    "nobody to ask.",
    "round_over": ":information_source: The team's answers were already shown (or the round "
    "was closed), so nobody more can be asked here.",
}

# Told to whoever acted when Slack would not take the message their click owes yet.
QUESTION_LATER = (
    ":hourglass_flowing_sand: Slack is slow to take messages right now. Your answer is saved, "
    "and your next question will appear here as soon as Slack takes it."
)
TEAM_LATER = (
    ":hourglass_flowing_sand: Slack is slow to take messages right now. The answers are "
    "revealed, and the team's view will appear in this thread as soon as Slack takes it."
)


# -- the invite modal ------------------------------------------------------------------------
def invite_form(click: Click) -> GuardedForm | None:
    """The "Ask the team" modal, for the conversation's starter or an admin; None for a
    button this bot did not draw. It needs nothing but the button's value."""
    value = click.value_as(ConversationValue)
    if value is None:
        return None
    refusal = notice_modal(
        "Ask the team",
        f":lock: Only <@{value.started_by}>, who started this conversation, or a workspace "
        "admin can ask the team.",
    )
    return GuardedForm(voice_blocks.invite_modal(value.conversation_id), value.started_by, refusal)


@dataclass(frozen=True)
class InviteSubmission:
    conversation_id: int
    users: list[str]


def read_invite_form(view: dict[str, Any]) -> InviteSubmission | dict[str, str]:
    """The submitted invite modal, or what to say beside its field (by block id)."""
    entry = Submitted(view).entry(voice_blocks.INVITEES_BLOCK, voice_blocks.INVITEES_ELEMENT)
    users = [u for u in entry.get("selected_users") or [] if isinstance(u, str)]
    target = read_metadata(view)
    if not users or not isinstance(target, ConversationValue):
        return {voice_blocks.INVITEES_BLOCK: "Pick at least one teammate."}
    return InviteSubmission(target.conversation_id, users)


class VoiceDesk:
    def __init__(self, services: Services, client: WebClient, criteria: Criteria | None = None):
        self.services = services
        self.criteria = criteria or load_criteria()
        self.voices = Voices(services.session_factory, self.criteria)
        self.delivery = Delivery(client)
        self.client = client
        # The outbox's use cases are the conversation's (`bot.hiring.conversations`).
        self.outbox = Conversations(services.session_factory, self.criteria)
        self.owed = OwedPoster(
            self.delivery,
            self.outbox,
            services.clock,
            background=services.background,
            redeliver=self.redeliver,
        )

    def _workspace(self, team: Team) -> int:
        return self.voices.workspace_of(team, self.services.clock.now())

    # -- inviting -----------------------------------------------------------------------------
    def invite(
        self, actor: Actor, conversation_id: int, users: list[str], bot_user: str | None
    ) -> None:
        now = self.services.clock.now()
        result = self.voices.invite(
            actor.team,
            conversation_id,
            actor.user,
            users,
            now,
            bot_user=bot_user,
            actor_is_admin=actor.is_admin,
        )
        if isinstance(result, VoiceNotDone):
            self.delivery.tell_directly(actor.user, self._not_done(result, "ask the team"))
            return
        workspace = self._workspace(actor.team)
        round_ = result.round
        for voice in result.new:
            self._ask(workspace, round_, voice, result.owed[voice.id], told_by=result.line)
        if result.refused:
            self.delivery.tell(
                round_.channel_id,
                actor.user,
                voice_blocks.not_invited(result.refused),
                round_.root_ts,
            )
        if result.line is not None:
            # After the questions: the line names whoever could not be asked.
            fresh = self.voices.round_in(workspace, conversation_id)
            if fresh is not None:
                self.tell_round(fresh, result.line)

    def _ask(
        self,
        workspace: int,
        round_: RoundView,
        voice: VoiceView,
        owed: Owed,
        actor: str = "",
        told_by: Owed | None = None,
    ) -> None:
        """Post the question `owed` to the invitee's DM (opened first, for question 1) and
        record it. An invitee Slack won't let the bot reach (a bot, a deactivated account,
        DMs refused) is marked unreachable, and the round's line in the thread says so (the
        invite's own, `told_by`, on its first try); if Slack will not take it yet, it stays
        owed and `actor` (the invitee who answered) is told."""
        try:
            channel = voice.dm_channel or self._open_dm(voice.user)
            # The invitation goes with the very first ask, not with question 1 asked again.
            question = voice_blocks.dm_question(
                round_, self.criteria, voice, first=voice.version == 0
            )
            ts = self.owed.send(owed, channel, question)
        except _Unreachable as problem:
            self._unreachable(workspace, voice, str(problem), owed, told_by)
            return
        except (SlackApiError, OSError) as error:  # the DM refused, or could not be opened
            if is_transient(error):
                self.owed.later(owed, error, voice.dm_channel or voice.user)
                return
            code = failure_code(error)
            log.info("could not ask %s in a DM: %s", voice.user, code)
            self._unreachable(workspace, voice, code, owed, told_by)
            return
        if ts is None:  # Slack would not take it yet: it stays owed for a later try
            if actor:
                self.delivery.tell(channel, actor, QUESTION_LATER)
            return
        self.voices.reached(workspace, voice, channel, ts, self.services.clock.now(), owed)

    def _unreachable(
        self,
        workspace: int,
        voice: VoiceView,
        problem: str,
        owed: Owed | None = None,
        told_by: Owed | None = None,
    ) -> None:
        """Mark the invitee unreachable and tell the thread with the round's line, the one
        way for every path that finds it out (the invite, an answer, the delivery job, the
        reminder). On the invite's first try, the invite's own line (`told_by`, posted after
        every question was tried) says it."""
        now = self.services.clock.now()
        line = self.voices.unreachable(workspace, voice, problem, now, owed, told_by=told_by)
        if line is None:
            return
        fresh = self.voices.round_in(workspace, voice.conversation_id)
        if fresh is not None:
            self.tell_round(fresh, line)

    def tell_round(self, round_: RoundView, owed: Owed) -> None:
        """The round's line in the thread, as the round is now; if Slack will not take it
        yet, it stays owed for a later try."""
        self._post_in_thread(round_, owed, voice_blocks.round_message(round_), "the round's line")

    def _post_in_thread(
        self, round_: RoundView, owed: Owed, message: Message, what: str
    ) -> bool | None:
        """Post a message owed to the round's thread whose ts nothing else keeps: True when
        posted (and recorded sent), None when Slack will take it later (still owed), False
        when Slack refused it for good (recorded failed)."""
        now = self.services.clock.now()
        try:
            ts = self.owed.send(owed, round_.channel_id, message, round_.root_ts)
        except SlackApiError as error:
            code = error_code(error)
            log.warning("could not post %s for %s: %s", what, owed.conversation_id, code)
            self.outbox.finish_owed(owed, "failed", now, code)
            return False
        if ts is None:
            return None
        self.outbox.finish_owed(owed, "sent", now, ts=ts)
        return True

    def _open_dm(self, user: str) -> str:
        person = self.client.users_info(user=user)["user"]
        if person.get("is_bot"):
            raise _Unreachable("is_bot")
        if person.get("deleted"):
            raise _Unreachable("deleted")
        return self.delivery.open_direct(user)

    # -- answering ----------------------------------------------------------------------------
    def answer(
        self,
        team: Team,
        actor: str,
        channel: str,
        voice_id: int,
        step: int,
        option: str,
        clicked_ts: str | None,
        read_as: str | None = None,
        version: int | None = None,
    ) -> None:
        now = self.services.clock.now()
        result = self.voices.answer(team, voice_id, step, option, actor, now, version)
        if isinstance(result, VoiceNotDone):
            # In the actor's own DM, wherever the click says it came from.
            self.delivery.tell_directly(actor, voice_blocks.voice_refusal(result))
            return
        channel = result.voice.dm_channel or channel
        if clicked_ts:
            self.delivery.update(
                channel, clicked_ts, voice_blocks.dm_answered(self.criteria, step, option)
            )
        if read_as is not None:
            self.delivery.post(channel, _text(read_as))
        workspace = self._workspace(team)
        self._next(workspace, channel, result)

    def go_back(
        self,
        team: Team,
        actor: str,
        channel: str,
        voice_id: int,
        step: int,
        clicked_ts: str | None,
        version: int | None = None,
    ) -> None:
        """Back one question (the "Go back" button, or `back` typed in the DM): the question
        left loses its buttons, and the previous one is asked again."""
        now = self.services.clock.now()
        result = self.voices.go_back(team, voice_id, step, actor, now, version)
        if isinstance(result, VoiceNotDone):
            self.delivery.tell_directly(actor, voice_blocks.voice_refusal(result))
            return
        channel = result.voice.dm_channel or channel
        left = clicked_ts or result.left.question_ts
        if left:
            self.delivery.update(channel, left, voice_blocks.dm_left(self.criteria, step))
        workspace = self._workspace(team)
        fresh = self.voices.round_in(workspace, result.voice.conversation_id)
        if fresh is not None and result.owed is not None:
            self._ask(workspace, fresh, result.voice, result.owed, actor=actor)

    def _next(self, workspace: int, channel: str, result: VoiceAnswered) -> None:
        voice = result.voice
        fresh = self.voices.round_in(workspace, voice.conversation_id)
        if fresh is None:
            return
        if voice.status == "answered":
            self.delivery.post(channel, _text(voice_blocks.dm_done(fresh)))
            if result.revealed is not None and result.owed is not None:
                self.show(result.revealed, result.owed)
            return
        if result.owed is not None:
            self._ask(workspace, fresh, voice, result.owed, actor=voice.user)

    # -- revealing ----------------------------------------------------------------------------
    def reveal(
        self,
        actor: Actor,
        channel: str,
        conversation_id: int,
        clicked_ts: str | None = None,
        reply: Callable[[str], None] | None = None,
    ) -> None:
        """Show the team's answers now. A refusal is told in the conversation's thread, or,
        when there is none to find, through `reply` (a click's response_url)."""
        now = self.services.clock.now()
        result = self.voices.reveal(
            actor.team, conversation_id, actor.user, now, actor_is_admin=actor.is_admin
        )
        if isinstance(result, VoiceNotDone):
            said = self._not_done(result, "show the answers")
            if result.round is not None:
                self.delivery.tell(result.round.channel_id, actor.user, said, result.round.root_ts)
            elif reply is not None:
                reply(said)
            else:
                self.delivery.tell(channel, actor.user, said)
            return
        if result.owed is not None:
            self.show(result.round, result.owed, actor.user)
        # The line clicked loses its button: the answers are out.
        self.delivery.update(
            result.round.channel_id, clicked_ts, voice_blocks.round_message(result.round)
        )

    def show(self, round_: RoundView, owed: Owed, actor: str = "") -> None:
        """The team's one message in the thread, owed by the reveal; if Slack will not
        take it yet, it stays owed and `actor` (who revealed) is told."""
        counted = round_.counted()
        message = (
            voice_blocks.team_message(
                round_, combine(self.criteria, counted, round_.openings), self.criteria
            )
            if counted
            else voice_blocks.no_voices_message(round_)
        )
        posted = self._post_in_thread(round_, owed, message, "the team's answers")
        if posted is None and actor:
            self.delivery.tell(round_.channel_id, actor, TEAM_LATER, round_.root_ts)

    # -- what was owed and not delivered in time ---------------------------------------------
    def redeliver(self, owed: Owed, view: ConversationView) -> None:
        """Deliver a team message, a round's line or an invitee's question that was owed and
        not delivered in time, taken over by this process (`bot.jobs.outbox`); one nobody
        needs any more is superseded, never posted late."""
        now = self.services.clock.now()
        found = self.voices.still_owed(owed, view.workspace_id, view.state, now)
        if found is None:
            return
        round_, voice = found
        if owed.kind == "round":
            self.tell_round(round_, owed)
        elif voice is None:
            self.show(round_, owed)
        elif owed.kind == "voice_reminder":
            self.remind(view.workspace_id, round_, voice, owed)
        else:
            self._ask(view.workspace_id, round_, voice, owed)

    def _not_done(self, result: VoiceNotDone, what: str) -> str:
        if result.reason == "not_allowed":
            starter = result.round.started_by if result.round else None
            who = (
                f"<@{starter}>, who started this conversation,"
                if starter
                else "whoever started this conversation"
            )
            return f":lock: Only {who} or a workspace admin can {what}."
        return NOT_DONE.get(result.reason, ":information_source: Nothing was changed.")

    # -- the one reminder ---------------------------------------------------------------------
    def remind(self, workspace_id: int, round_: RoundView, voice: VoiceView, owed: Owed) -> None:
        """The one reminder, owed with its claim (`Voices.claim_reminder`). When the question
        the invitee is on never reached their DM, it says so, and the question itself is owed
        right after it: either way they have exactly one copy of it."""
        try:
            channel = voice.dm_channel or self._open_dm(voice.user)
        except _Unreachable as problem:
            self._unreachable(workspace_id, voice, str(problem), owed)
            return
        except (SlackApiError, OSError) as error:  # the DM could not be opened yet
            if not is_transient(error):
                raise
            self.owed.later(owed, error, voice.user)
            return
        reminder = voice_blocks.dm_reminder(
            round_, voice.step, len(self.criteria), asked_below=voice.question_ts is None
        )
        try:
            ts = self.owed.send(owed, channel, _text(reminder))
        except SlackApiError as error:  # refused for good: the DM cannot be written to
            self._unreachable(workspace_id, voice, failure_code(error), owed)
            return
        if ts is not None:
            self.outbox.finish_owed(owed, "sent", self.services.clock.now(), ts=ts)


class _Unreachable(Exception):
    pass


def _text(text: str) -> Message:
    return Message(text=text)
