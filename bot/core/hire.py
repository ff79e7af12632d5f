"""What a hiring conversation looks like to everyone who shows it: plain values, no Slack.

The use cases (`bot.hiring`) return these; Block Kit (`bot.blocks`) renders them. Both
sides import this module, never each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.conversation import Event, Position, RefusalReason, State


@dataclass(frozen=True)
class AnswerView:
    step: int
    question_key: str
    option_key: str
    answered_by: str


@dataclass(frozen=True)
class DecisionView:
    recommendation: str
    confidence: float
    final_outcome: str
    reason: str | None
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class ConversationView:
    id: int
    workspace_id: int
    title: str
    started_by: str
    channel_id: str
    root_ts: str | None
    state: State
    step: int
    version: int
    total: int
    current_question_ts: str | None
    recommendation_message_ts: str | None
    cancelled_by: str | None
    created_at: datetime
    last_activity_at: datetime
    answers: tuple[AnswerView, ...] = ()
    decision: DecisionView | None = None
    # Started in a private channel (or a DM): only its members may read it.
    private_channel: bool = False
    # How many people the team can hire for this position: 1 unless the starter said more
    # on the recommendation; only then may it say "both".
    openings: int = 1

    @property
    def position(self) -> Position:
        return Position(self.state, self.step, self.version, self.total)

    @property
    def answer_map(self) -> dict[str, str]:
        return {a.question_key: a.option_key for a in self.answers}

    @property
    def is_open(self) -> bool:
        return self.state in {State.IN_PROGRESS, State.AWAITING_DECISION}

    @property
    def owes_step(self) -> bool:
        """Its thread lacks the message it is waiting on: the question being asked, or the
        recommendation once every question is answered. A move that leaves a message behind
        forgets its ts, so this holds from that move until the next message is recorded."""
        if self.root_ts is None:
            return False  # the thread itself is still owed (see `Owed`, kind "root")
        if self.state is State.IN_PROGRESS:
            return self.current_question_ts is None
        return self.state is State.AWAITING_DECISION and self.recommendation_message_ts is None


# What a conversation owes Slack, kept in the outbox with the change that made it owed:
# "root", its thread's first message; "step", the question or recommendation it waits on;
# "nudge", a reminder in its thread; for "Ask the team" (`bot.core.voices`): "team", the
# team's message in its thread once the round is revealed, "voice", the question an
# invitee is on, in their DM, and "round", the round's line in its thread (who was asked,
# who couldn't be, and the starter's "Show answers now" button), and "voice_reminder", the
# one reminder in the DM of an invitee who has gone quiet.
OwedKind = Literal["root", "step", "nudge", "team", "voice", "round", "voice_reminder"]
# The kinds the "Ask the team" desk delivers; the others are the conversation's own.
VOICE_KINDS: frozenset[OwedKind] = frozenset({"team", "voice", "round", "voice_reminder"})


@dataclass(frozen=True)
class Owed:
    """A message owed to Slack, recorded in the same transaction as the change that owes
    it. `key` is its idempotency key: the posted message carries it in its metadata, so a
    retry finds an earlier attempt that got through instead of posting twice."""

    id: int
    kind: OwedKind
    key: str
    conversation_id: int
    # The conversation's version it was owed for (a nudge: its reminder row; a team
    # message: its round; an invitee's question: its voice's version).
    version: int
    # When it was owed: no try can have posted it earlier, and it is given up a day later.
    owed_at: datetime
    # Tries so far, this one included: how long to wait before the next.
    attempt: int = 1

    @property
    def reminder_id(self) -> int:
        """A nudge's reminder row (see `nudge_key`)."""
        return int(self.key.rsplit(":", 1)[1])

    @property
    def voice_id(self) -> int:
        """An invitee's question's (or reminder's) voice row (see `voice_key`)."""
        return int(self.key.split(":")[1])


def owed_key(kind: OwedKind, conversation_id: int, version: int) -> str:
    """One message of each kind per conversation version."""
    return f"{kind}:{conversation_id}:{version}"


def nudge_key(conversation_id: int, reminder_id: int) -> str:
    """One reminder per idle spell, whose reminder row is claimed once across processes."""
    return f"nudge:{conversation_id}:{reminder_id}"


def team_key(conversation_id: int, round_id: int) -> str:
    """One team message per round, revealed once (a guarded UPDATE)."""
    return f"team:{conversation_id}:{round_id}"


def round_key(round_id: int, why: Literal["asked", "unreachable"], voice_id: int) -> str:
    """One round line per invite (by its first new invitee) and per invitee found
    unreachable after the thread was told they were asked."""
    return f"round:{round_id}:{why}:{voice_id}"


def voice_key(voice_id: int, version: int) -> str:
    """One question per ask: the invitee's voice and its version, bumped by every answer
    and every "back" (a guarded UPDATE), so a question asked again after going back is a
    new message, never refused as owed already. Until someone goes back, the version is
    the step."""
    return f"voice:{voice_id}:{version}"


def voice_reminder_key(voice_id: int) -> str:
    """One reminder per invitee, ever (claimed once across processes)."""
    return f"voice_reminder:{voice_id}"


def voice_asked_again_key(voice_id: int, version: int) -> str:
    """The reminder's second message: the question the invitee is on, asked again because
    its first ask never reached them (it was given up)."""
    return f"{voice_key(voice_id, version)}:again"


@dataclass(frozen=True)
class Acted:
    """An event changed the conversation: how it was, how it is, and who did it; `owed`,
    the message the change owes its thread, if any."""

    event: Event
    actor: str
    before: ConversationView
    after: ConversationView
    owed: Owed | None = None


# "unchanged": the very change already made (a resubmitted form): nothing to do or say.
NotDoneReason = RefusalReason | Literal["not_found", "unknown_option", "unchanged"]


@dataclass(frozen=True)
class NotDone:
    """The event changed nothing; `view` is the conversation as it is (None if not found)."""

    reason: NotDoneReason
    view: ConversationView | None


ActResult = Acted | NotDone
