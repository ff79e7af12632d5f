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

    @property
    def position(self) -> Position:
        return Position(self.state, self.step, self.version, self.total)

    @property
    def answer_map(self) -> dict[str, str]:
        return {a.question_key: a.option_key for a in self.answers}

    @property
    def is_open(self) -> bool:
        return self.state in {State.IN_PROGRESS, State.AWAITING_DECISION}


@dataclass(frozen=True)
class Acted:
    """An event changed the conversation: how it was, how it is, and who did it."""

    event: Event
    actor: str
    before: ConversationView
    after: ConversationView


# "unchanged": the very change already made (a resubmitted form): nothing to do or say.
NotDoneReason = RefusalReason | Literal["not_found", "unknown_option", "unchanged"]


@dataclass(frozen=True)
class NotDone:
    """The event changed nothing; `view` is the conversation as it is (None if not found)."""

    reason: NotDoneReason
    view: ConversationView | None


ActResult = Acted | NotDone
