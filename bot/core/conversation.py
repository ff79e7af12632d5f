"""The hiring conversation as a state machine: states, events and their guards. Pure.

A conversation asks `total` questions one at a time (`step` is the question being asked),
then waits for the decision, which can later be changed or reopened. If its thread is found
gone in Slack, it is orphaned where it stood (answers kept) until its starter or an admin
restarts it in a new thread, or cancels it. Every move that
changes what the buttons in Slack mean bumps `version`, and every button carries the
version it was drawn for. So a stale button (drawn before someone went back, answered or
decided) is refused here, and the database applies a move with one guarded UPDATE whose
WHERE clause is exactly the state this function saw (state, step, version): of two clicks
drawn on the same state, one wins and the other is re-judged against the new state.

Nothing here knows Slack or SQL; `bot.hiring` loads the state, asks `decide_move`, and
applies the answer in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class State(StrEnum):
    IN_PROGRESS = "in_progress"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    CANCELLED = "cancelled"
    # The thread is gone in Slack (its root message or its channel was deleted): nothing
    # can be answered there. The step says where it stood (== total: waiting for the
    # decision), so a restart picks up exactly there.
    ORPHANED = "orphaned"


# Open, in a thread people can use: reminded when idle, answered, decided.
OPEN_STATES = frozenset({State.IN_PROGRESS, State.AWAITING_DECISION})
# Not closed yet: what a cancel can still close.
CANCELLABLE_STATES = OPEN_STATES | {State.ORPHANED}


@dataclass(frozen=True)
class Position:
    """What a move is judged against: the conversation as stored."""

    state: State
    step: int
    version: int
    total: int  # how many questions


# -- events: what a person (or the scheduler) asked for ------------------------------------
# `drawn_version` is the version the button or modal was drawn for; None for a typed word,
# which always means "the conversation as it is now".


@dataclass(frozen=True)
class Answer:
    step: int
    option: str
    drawn_version: int | None = None


@dataclass(frozen=True)
class Back:
    """Re-ask an earlier question: `to_step` (the one before `step` by default)."""

    step: int  # the step the button was drawn at (== total: from the recommendation)
    to_step: int | None = None
    drawn_version: int | None = None


@dataclass(frozen=True)
class Cancel:
    drawn_version: int | None = None
    reason: str | None = None  # `/hire cancel <id> <reason>`; kept in the history


@dataclass(frozen=True)
class Decide:
    outcome: str
    reason: str | None
    drawn_version: int | None = None


@dataclass(frozen=True)
class Change:
    outcome: str
    reason: str
    drawn_version: int | None = None


@dataclass(frozen=True)
class Reopen:
    reason: str
    drawn_version: int | None = None


@dataclass(frozen=True)
class Openings:
    """How many people the team can hire for this position (1, or 2 for "more than one"),
    said on the recommendation: it changes what the recommendation says, so its buttons
    are redrawn (the version moves on) and a stale or second click changes nothing."""

    count: int
    drawn_version: int | None = None


@dataclass(frozen=True)
class Note:
    text: str
    message_ts: str = ""  # the thread message it came from: a retried event is kept once


@dataclass(frozen=True)
class Nudge:
    """The scheduler's reminder for an idle conversation."""


OrphanCause = Literal["thread", "channel"]  # the thread's root message, or its channel


@dataclass(frozen=True)
class Orphan:
    """Slack said the thread is gone while the bot delivered for `drawn_version`.

    Reported by the delivery, whoever's action it was carrying out: not a person's wish,
    so not owner-only. The version ties the report to the thread it was about: after a
    restart (a new thread, a new version) a late report about the old one is refused."""

    drawn_version: int
    cause: OrphanCause = "thread"


@dataclass(frozen=True)
class Restart:
    """Carry an orphaned conversation on in a new thread, whose root is already posted at
    (`channel_id`, `root_ts`); the answers so far come along."""

    channel_id: str
    root_ts: str
    drawn_version: int | None = None


Event = (
    Answer | Back | Cancel | Decide | Change | Reopen | Openings | Note | Nudge | Orphan | Restart
)

# Events only the starter (or a workspace admin) may make.
OWNER_ONLY: tuple[type, ...] = (Answer, Back, Cancel, Decide, Change, Reopen, Openings, Restart)
# What an orphaned conversation still takes: a restart, a cancel, notes (and a reminder's
# refusal). Anything else is answered with how to restart it.
ORPHAN_TAKES: tuple[type, ...] = (Restart, Cancel, Note, Nudge)


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """Apply to the stored conversation, guarded by `source` (state, step and version)."""

    source: Position
    to_state: State
    to_step: int
    bumps_version: bool
    # Answers to keep: those before this step survive; None leaves every answer as it is.
    keep_answers_before: int | None = None
    record_answer: tuple[int, str] | None = None  # (step, option)
    restarts_idle_clock: bool = True

    @property
    def target(self) -> Position:
        version = self.source.version + (1 if self.bumps_version else 0)
        return Position(self.to_state, self.to_step, version, self.source.total)


RefusalReason = Literal[
    "not_allowed",  # only the starter or an admin may do this
    "stale",  # the button was drawn for an earlier state of the conversation
    "already_answered",
    "already_moved",
    "not_open",
    "not_awaiting_decision",
    "already_decided",
    "not_decided",
    "unknown_step",
    "orphaned",  # the thread is gone: restart it in a new one (or cancel it)
    "not_orphaned",  # a restart, but the conversation has a live thread (or is closed)
    "decision_changed",  # a change drawn for a decision someone has changed since
]


@dataclass(frozen=True)
class Refused:
    reason: RefusalReason


Outcome = Move | Refused


def decide_move(position: Position, event: Event, *, by_owner: bool) -> Outcome:
    """What `event` does to a conversation at `position`; never raises."""
    if isinstance(event, OWNER_ONLY) and not by_owner:
        return Refused("not_allowed")
    drawn = getattr(event, "drawn_version", None)
    if drawn is not None and drawn != position.version:
        return Refused(_why_stale(position, event))
    if position.state is State.ORPHANED and not isinstance(event, ORPHAN_TAKES):
        return Refused("orphaned")
    if isinstance(event, Orphan):
        if position.state not in OPEN_STATES:
            return Refused("not_open")
        # Where it stood is kept (step, answers); the thread's buttons are void.
        return Move(
            position, State.ORPHANED, position.step, bumps_version=True, restarts_idle_clock=False
        )
    if isinstance(event, Restart):
        if position.state is not State.ORPHANED:
            return Refused("not_orphaned")
        # Back where it stood: the question it was on, or the recommendation.
        resumed = State.IN_PROGRESS if position.step < position.total else State.AWAITING_DECISION
        return Move(position, resumed, position.step, bumps_version=True)
    if isinstance(event, Answer):
        return _answer(position, event)
    if isinstance(event, Back):
        return _back(position, event)
    if isinstance(event, Cancel):
        if position.state not in CANCELLABLE_STATES:
            return Refused("not_open")
        return Move(position, State.CANCELLED, position.step, bumps_version=True)
    if isinstance(event, Decide):
        if position.state is State.DECIDED:
            return Refused("already_decided")
        if position.state is not State.AWAITING_DECISION:
            return Refused("not_awaiting_decision")
        return Move(position, State.DECIDED, position.step, bumps_version=True)
    if isinstance(event, Change):
        if position.state is not State.DECIDED:
            return Refused("not_decided")
        return Move(position, State.DECIDED, position.step, bumps_version=True)
    if isinstance(event, Reopen):
        if position.state is not State.DECIDED:
            return Refused("not_decided")
        return Move(position, State.AWAITING_DECISION, position.step, bumps_version=True)
    if isinstance(event, Openings):
        if position.state is State.DECIDED:
            return Refused("already_decided")
        if position.state is not State.AWAITING_DECISION:
            return Refused("not_awaiting_decision")
        return Move(position, State.AWAITING_DECISION, position.step, bumps_version=True)
    if isinstance(event, Note):
        # A note never invalidates a button; it only says someone is still at it.
        return Move(
            position,
            position.state,
            position.step,
            bumps_version=False,
            restarts_idle_clock=position.state in OPEN_STATES,
        )
    # Nudge: only an open conversation is reminded, and the reminder is not activity.
    if position.state not in OPEN_STATES:
        return Refused("not_open")
    return Move(
        position, position.state, position.step, bumps_version=False, restarts_idle_clock=False
    )


def _answer(position: Position, event: Answer) -> Outcome:
    if not 0 <= event.step < position.total:
        return Refused("unknown_step")
    if position.state is not State.IN_PROGRESS:
        return Refused("already_answered" if position.state in OPEN_STATES else "not_open")
    if event.step != position.step:
        return Refused("already_answered" if event.step < position.step else "unknown_step")
    last = event.step + 1 == position.total
    return Move(
        position,
        State.AWAITING_DECISION if last else State.IN_PROGRESS,
        event.step + 1,
        bumps_version=True,
        keep_answers_before=event.step,
        record_answer=(event.step, event.option),
    )


def _back(position: Position, event: Back) -> Outcome:
    if position.state not in OPEN_STATES:
        return Refused("not_open")
    if event.step != position.step:
        return Refused("already_moved")
    to_step = event.step - 1 if event.to_step is None else event.to_step
    if not 0 <= to_step < min(event.step, position.total):
        return Refused("unknown_step")
    return Move(
        position,
        State.IN_PROGRESS,
        to_step,
        bumps_version=True,
        keep_answers_before=to_step,
    )


def _why_stale(position: Position, event: Event) -> RefusalReason:
    """The most helpful word for a button drawn for an earlier state."""
    if position.state is State.CANCELLED:
        return "not_open"
    if position.state is State.ORPHANED and not isinstance(event, ORPHAN_TAKES):
        return "orphaned"
    if isinstance(event, Restart) and position.state is not State.ORPHANED:
        return "not_orphaned"
    if isinstance(event, Answer) and (
        position.state is not State.IN_PROGRESS or event.step < position.step
    ):
        return "already_answered"
    if isinstance(event, (Decide, Openings)) and position.state is State.DECIDED:
        return "already_decided"
    if isinstance(event, Change) and position.state is State.DECIDED:
        return "decision_changed"
    return "stale"
