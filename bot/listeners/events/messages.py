"""Replies in a hiring thread. Routing only.

Cheap filters first (not a thread reply, a bot, an edit), then the event is claimed once
(Slack retries events it thinks we missed), then the reply is read (bot.core.reply) and the
desk acts on it. Every reply gets an answer: an answer moves the thread on (and says how a
loose wording was read), a word does what it says, a `note:` is kept and acknowledged, and
anything else is answered with the options. Nothing is filed silently.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks import conversation as plans
from bot.blocks import voices as voice_blocks
from bot.core.conversation import Answer, Back, Cancel, Event, Note, State
from bot.core.hire import Acted, ConversationView, NotDone
from bot.core.reply import ExplicitNote, ReadAsAnswer, Word, read_reply
from bot.core.typed_text import from_slack
from bot.hiring.conversations import Team
from bot.hiring.events import first_time
from bot.listeners.background import after_ack
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


def register(app: App) -> None:
    app.event("message")(thread_reply)


@after_ack
def thread_reply(
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    if event.get("subtype") in IGNORED_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if event.get("channel_type") == "im" and ts and not thread_ts:
        dm_reply(body, event, client, context, services)
        return
    if not thread_ts or thread_ts == ts or not ts:
        return
    team = Team(str(context.get("team_id") or ""), context.get("enterprise_id"))
    desk = HireDesk(services, client)
    now = services.clock.now()
    view = desk.conversations.find_by_thread(team, str(event.get("channel") or ""), thread_ts, now)
    if view is None:
        return
    if not first_time(services.session_factory, body.get("event_id"), team.team_id, now):
        return
    origin = Origin(team=team, user=str(event["user"]), channel=view.channel_id)
    typed = from_slack(event.get("text") or "")
    question = desk.criteria.questions[view.step] if view.state is State.IN_PROGRESS else None
    reply = read_reply(typed, question)
    if isinstance(reply, ExplicitNote):
        desk.act(origin, view.id, Note(reply.text, str(ts)), "add a note")
        return
    if view.state is State.ORPHANED:  # what is left of a deleted thread: say how to go on
        _tell(desk, view, origin, plans.Tell(plans.refusal(NotDone("orphaned", view), "")))
        return
    if isinstance(reply, Word) and reply.word == "help":
        _tell(desk, view, origin, plans.unclear_reply(view, desk.criteria, may_answer=True))
        return
    wanted: Event | None = None
    if isinstance(reply, ReadAsAnswer):
        wanted = Answer(view.step, reply.option_key, view.version)
    elif isinstance(reply, Word):
        wanted = (
            Cancel(view.version) if reply.word == "cancel" else Back(view.step, None, view.version)
        )
    if wanted is None:
        may_answer = origin.user == view.started_by or desk.delivery.is_admin(origin.user)
        _tell(desk, view, origin, plans.unclear_reply(view, desk.criteria, may_answer=may_answer))
        return
    result = desk.act(origin, view.id, wanted, "answer the questions", tell_refusal=False)
    if isinstance(result, NotDone):
        if result.reason == "not_allowed":
            _tell(desk, view, origin, plans.unclear_reply(view, desk.criteria, may_answer=False))
        else:
            _tell(desk, view, origin, plans.Tell(plans.refusal(result, "answer the questions")))
        return
    if isinstance(result, Acted) and isinstance(reply, ReadAsAnswer) and not reply.exact:
        _tell(desk, view, origin, plans.read_as(typed, reply.label))


def _tell(desk: HireDesk, view: ConversationView, origin: Origin, tell: plans.Tell) -> None:
    desk.deliver(view, [tell], origin.user)


def dm_reply(
    body: dict[str, Any],
    event: dict[str, Any],
    client: WebClient,
    context: dict[str, Any],
    services: Services,
) -> None:
    """A message in the bot's DM with someone it asked to answer for the team: read as the
    current question's answer, like a typed reply in a thread; `back` re-asks the previous
    question, `help` (and anything unclear) gets the options."""
    team = Team(str(context.get("team_id") or ""), context.get("enterprise_id"))
    desk = VoiceDesk(services, client)
    now = services.clock.now()
    channel, user = str(event.get("channel") or ""), str(event["user"])
    voice = desk.voices.find_in_dm(team, channel, user, now)
    if voice is None:
        return
    if not first_time(services.session_factory, body.get("event_id"), team.team_id, now):
        return
    if voice.status not in {"invited", "answering"}:
        return  # nothing is being asked here: the DM is theirs to use
    typed = from_slack(event.get("text") or "")
    question = desk.criteria.questions[voice.step]
    reply = read_reply(typed, question)
    if isinstance(reply, Word) and reply.word == "back":
        desk.go_back(team, user, channel, voice.id, voice.step, voice.question_ts, voice.version)
        return
    if isinstance(reply, Word) and reply.word == "help":
        desk.delivery.post(channel, voice_blocks.dm_help(desk.criteria, voice.step))
        return
    if not isinstance(reply, ReadAsAnswer):
        desk.delivery.post(channel, voice_blocks.dm_unclear_message(desk.criteria, voice.step))
        return
    read_as = None if reply.exact else voice_blocks.dm_read_as(typed, reply.label)
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
