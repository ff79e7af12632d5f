"""Messages people type to the bot: replies in a hiring thread, and messages in the bot's DM
with someone it asked to answer for the team.

Cheap filters first (`read_message`: not a reply, a bot, an edit), then the event is claimed
once (Slack retries events it thinks we missed), then the reply is read (bot.core.reply) and
the desk acts on it. Every reply gets an answer: an answer moves the thread on (and says how
a loose wording was read), a word does what it says, a `note:` is kept and acknowledged, and
anything else is answered with the options. Nothing is filed silently."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.blocks import conversation as plans
from bot.blocks import voices as voice_blocks
from bot.core.actor import Actor
from bot.core.conversation import Answer, Back, Cancel, Event, Note, State
from bot.core.hire import Acted, ConversationView, NotDone
from bot.core.reply import ExplicitNote, ReadAsAnswer, Reply, Word, read_reply
from bot.core.typed_text import from_slack
from bot.hiring.events import first_time
from bot.services import Services
from bot.slack.hire import HireDesk, Origin
from bot.slack.voices import VoiceDesk

# A reply sent with "Also send to #channel" (subtype thread_broadcast) is still a reply of
# the thread, and counts like any other.
IGNORED_SUBTYPES = {
    "message_changed",
    "message_deleted",
    "bot_message",
    "channel_join",
    "channel_leave",
}
ANSWER = "answer the questions"


@dataclass(frozen=True)
class Typed:
    """A message a person typed: in a thread (`thread_ts`), or in a DM with the bot."""

    channel: str
    ts: str
    thread_ts: str | None
    text: str
    event_id: object  # Slack's event_id, the key of its retries

    @property
    def in_dm(self) -> bool:
        return self.thread_ts is None


def read_message(event: dict[str, Any], event_id: object) -> Typed | None:
    """What a person typed as a reply in a thread or in the bot's DM; None for anything else
    (a bot's message, an edit, a join, a message of a channel's own)."""
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return None
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    channel, text = str(event.get("channel") or ""), from_slack(event.get("text") or "")
    if event.get("channel_type") == "im" and ts and not thread_ts:
        return Typed(channel, str(ts), None, text, event_id)
    if not thread_ts or thread_ts == ts or not ts:
        return None
    return Typed(channel, str(ts), str(thread_ts), text, event_id)


class ReplyDesk:
    def __init__(self, services: Services, client: WebClient) -> None:
        self.services = services
        self.client = client

    def take(self, typed: Typed, actor: Actor) -> None:
        if typed.in_dm:
            self._in_dm(typed, actor)
        else:
            self._in_thread(typed, actor)

    # -- a hiring thread ----------------------------------------------------------------------
    def _in_thread(self, typed: Typed, actor: Actor) -> None:
        desk = HireDesk(self.services, self.client)
        now = self.services.clock.now()
        assert typed.thread_ts is not None
        view = desk.conversations.find_by_thread(actor.team, typed.channel, typed.thread_ts, now)
        if view is None or not self._first_time(typed, actor):
            return
        origin = Origin(actor=actor, channel=view.channel_id)
        question = desk.criteria.questions[view.step] if view.state is State.IN_PROGRESS else None
        reply = read_reply(typed.text, question)
        if isinstance(reply, ExplicitNote):
            desk.act(origin, view.id, Note(reply.text, typed.ts), "add a note")
            return
        if view.state is State.ORPHANED:  # what is left of a deleted thread: say how to go on
            desk.deliver(view, [plans.Tell(plans.refusal(NotDone("orphaned", view), ""))], actor)
            return
        wanted = _event_of(reply, view)
        if wanted is None:  # help, or nothing understood: the options, to whoever may answer
            asked_help = isinstance(reply, Word) and reply.word == "help"
            may_answer = asked_help or actor.may_act_for(view.started_by)
            unclear = plans.unclear_reply(view, desk.criteria, may_answer=may_answer)
            desk.deliver(view, [unclear], actor)
            return
        result = desk.act(origin, view.id, wanted, ANSWER, tell_refusal=False)
        said = _said_after(result, reply, typed.text, view, desk)
        if said is not None:
            desk.deliver(view, [said], actor)

    # -- the bot's DM with an invitee -----------------------------------------------------------
    def _in_dm(self, typed: Typed, actor: Actor) -> None:
        """Read as the current question's answer, like a typed reply in a thread; `back`
        re-asks the previous question, `help` (and anything unclear) gets the options."""
        desk = VoiceDesk(self.services, self.client)
        team, user, channel = actor.team, actor.user, typed.channel
        voice = desk.voices.find_in_dm(team, channel, user, self.services.clock.now())
        if voice is None or not self._first_time(typed, actor):
            return
        if voice.status not in {"invited", "answering"}:
            return  # nothing is being asked here: the DM is theirs to use
        reply = read_reply(typed.text, desk.criteria.questions[voice.step])
        if isinstance(reply, Word) and reply.word == "back":
            desk.go_back(
                team, user, channel, voice.id, voice.step, voice.question_ts, voice.version
            )
            return
        if isinstance(reply, Word) and reply.word == "help":
            desk.delivery.post(channel, voice_blocks.dm_help(desk.criteria, voice.step))
            return
        if not isinstance(reply, ReadAsAnswer):
            desk.delivery.post(channel, voice_blocks.dm_unclear_message(desk.criteria, voice.step))
            return
        read_as = None if reply.exact else voice_blocks.dm_read_as(typed.text, reply.label)
        desk.answer(
            team,
            user,
            channel,
            voice.id,
            voice.step,
            reply.option_key,
            voice.question_ts,
            read_as,
            voice.version,
        )

    def _first_time(self, typed: Typed, actor: Actor) -> bool:
        """Whether this is the first delivery of the event (Slack retries what it thinks we
        missed): claimed once, across replicas."""
        now = self.services.clock.now()
        return first_time(self.services.session_factory, typed.event_id, actor.team.team_id, now)


def _event_of(reply: Reply, view: ConversationView) -> Event | None:
    """The move a typed reply asks for; None when it asks for none (help, or unclear)."""
    if isinstance(reply, ReadAsAnswer):
        return Answer(view.step, reply.option_key, view.version)
    if isinstance(reply, Word) and reply.word == "cancel":
        return Cancel(view.version)
    if isinstance(reply, Word) and reply.word == "back":
        return Back(view.step, None, view.version)
    return None


def _said_after(
    result: Acted | NotDone, reply: Reply, typed: str, view: ConversationView, desk: HireDesk
) -> plans.Tell | None:
    """What the person is told after their reply was acted on: why nothing happened (the
    options, if it was not theirs to answer), how a loose wording was read, or nothing."""
    if isinstance(result, NotDone):
        if result.reason == "not_allowed":
            return plans.unclear_reply(view, desk.criteria, may_answer=False)
        return plans.Tell(plans.refusal(result, ANSWER))
    if isinstance(reply, ReadAsAnswer) and not reply.exact:
        return plans.read_as(typed, reply.label)
    return None
