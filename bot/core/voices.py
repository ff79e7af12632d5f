""" "Ask the team": the rules of a round, and how several people's answers combine.

Plain Python, no Slack, no SQL. The starter (or a workspace admin) invites up to
`MAX_INVITEES` teammates; each answers the same questions privately. Once revealed, every
voice gets the recommendation its own answers give (`bot.core.recommendation`, unchanged),
and the team gets one more:

* The team's answer to a question is the option most voices chose. A tie among options
  goes to the starter's answer when it is one of the tied, else to the tied option listed
  first in the criteria, and the agreement table shows the question as split, so the
  tie-break is never hidden.
* The combined recommendation is `recommend()` on the team's answers: the same verdict
  rules, the same margin words, the same neutral answers and the same "what would change
  it", so a team verdict reads exactly like a single one.

Agreement, per question: how many voices chose the team's answer, out of how many. Where
the team disagrees most: the questions not answered unanimously, ranked by the share of
voices that did not choose the team's answer (more first), then by how many different
options were chosen, then by how far apart the chosen options' points are (a split that
moves the verdict more matters more), then by question order; the first two are shown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.content.criteria import OUTCOME_KEYS, Criteria, Option, Question
from bot.core.conversation import State
from bot.core.hire import Owed
from bot.core.recommendation import Recommendation, recommend

MAX_INVITEES = 10
TO_DISCUSS = 2

# Why a requested invitee was not invited.
NotInvited = Literal["starter", "bot", "already", "full"]


@dataclass(frozen=True)
class Invitees:
    """Who a request to invite becomes: the people to ask now, and the rest with why not."""

    accepted: tuple[str, ...]
    refused: tuple[tuple[str, NotInvited], ...]


def check_invitees(
    requested: Sequence[str],
    *,
    starter: str,
    bot_user: str | None,
    already: Collection[str],
    limit: int = MAX_INVITEES,
) -> Invitees:
    """Keep the request's order; drop duplicates silently, the starter and the bot with a
    reason, anyone already in the round (never asked twice), and anyone past `limit`
    invitees in the round."""
    accepted: list[str] = []
    refused: list[tuple[str, NotInvited]] = []
    seen: set[str] = set()
    for user in requested:
        if not user or user in seen:
            continue
        seen.add(user)
        if user == starter:
            refused.append((user, "starter"))
        elif bot_user is not None and user == bot_user:
            refused.append((user, "bot"))
        elif user in already:
            refused.append((user, "already"))
        elif len(already) + len(accepted) >= limit:
            refused.append((user, "full"))
        else:
            accepted.append(user)
    return Invitees(tuple(accepted), tuple(refused))


def may_manage(actor: str, starter: str, *, is_admin: bool) -> bool:
    """Who may invite and reveal: the person who started the conversation, or an admin."""
    return actor == starter or is_admin


@dataclass(frozen=True)
class VoiceVerdict:
    user: str
    answers: Mapping[str, str]
    recommendation: Recommendation


@dataclass(frozen=True)
class QuestionAgreement:
    question_key: str
    prompt: str
    # (option key, label, how many chose it), most chosen first, then criteria order.
    chosen: tuple[tuple[str, str, int], ...]
    team_option: str
    voices: int
    split: bool  # two or more options share the top count: the team's answer was a tie-break

    @property
    def agreeing(self) -> int:
        return next(count for key, _, count in self.chosen if key == self.team_option)

    @property
    def unanimous(self) -> bool:
        return len(self.chosen) == 1


@dataclass(frozen=True)
class TeamVerdict:
    voices: tuple[VoiceVerdict, ...]
    team_answers: Mapping[str, str]
    combined: Recommendation
    agreement: tuple[QuestionAgreement, ...]
    to_discuss: tuple[QuestionAgreement, ...]
    # Questions to discuss where another answer someone gave would turn the team's verdict.
    turning: frozenset[str] = frozenset()


def _agreement(
    question: Question, picks: Sequence[tuple[str, str]], starter: str
) -> tuple[QuestionAgreement, int]:
    """The question's agreement, and how far apart its chosen options' points are."""
    counts = {option.key: 0 for option in question.options}
    for _, key in picks:
        counts[key] += 1
    order = [option.key for option in question.options]
    chosen = sorted((k for k in order if counts[k]), key=lambda k: (-counts[k], order.index(k)))
    top = counts[chosen[0]]
    tied = [k for k in chosen if counts[k] == top]
    starters = [key for user, key in picks if user == starter]
    team_option = starters[0] if starters and starters[0] in tied else tied[0]
    options = {option.key: option for option in question.options}
    labelled = tuple((k, options[k].label, counts[k]) for k in chosen)
    agreement = QuestionAgreement(
        question.key, question.prompt, labelled, team_option, len(picks), len(tied) > 1
    )
    return agreement, _spread([options[k] for k in chosen])


def _spread(options: Sequence[Option]) -> int:
    return max(
        max(o.weights[k] for o in options) - min(o.weights[k] for o in options)
        for k in OUTCOME_KEYS
    )


def combine(
    criteria: Criteria, voices: Sequence[tuple[str, Mapping[str, str]]], starter: str
) -> TeamVerdict:
    """Every voice's recommendation, the team's answers and combined recommendation, the
    agreement per question and the (at most two) questions to discuss. `voices` holds
    (user, complete answers), at least one; the order is kept for display only."""
    if not voices:
        raise ValueError("a team verdict needs at least one voice")
    verdicts = tuple(
        VoiceVerdict(user, dict(answers), recommend(criteria, answers)) for user, answers in voices
    )
    agreement: list[QuestionAgreement] = []
    ranked: list[tuple[tuple[float, int, int, int], QuestionAgreement]] = []
    for index, question in enumerate(criteria.questions):
        picks = [(user, answers[question.key]) for user, answers in voices]
        row, spread = _agreement(question, picks, starter)
        agreement.append(row)
        if not row.unanimous:
            disagreeing = 1 - row.agreeing / row.voices
            ranked.append(((-disagreeing, -len(row.chosen), -spread, index), row))
    team_answers = {row.question_key: row.team_option for row in agreement}
    ranked.sort(key=lambda item: item[0])
    combined = recommend(criteria, team_answers)
    to_discuss = tuple(row for _, row in ranked[:TO_DISCUSS])
    turning = frozenset(
        row.question_key
        for row in to_discuss
        if any(
            recommend(criteria, {**team_answers, row.question_key: key}).outcome != combined.outcome
            for key, _, _ in row.chosen
        )
    )
    return TeamVerdict(verdicts, team_answers, combined, tuple(agreement), to_discuss, turning)


# -- what the use cases return (rendered by bot.blocks.voices) ----------------------------------
VoiceStatus = Literal["invited", "answering", "answered", "unreachable"]
RoundState = Literal["open", "revealed", "closed"]


@dataclass(frozen=True)
class VoiceView:
    id: int
    conversation_id: int
    user: str
    status: VoiceStatus
    step: int
    dm_channel: str | None
    question_ts: str | None
    problem: str | None = None
    answers: Mapping[str, str] | None = None  # only where the reader may see them
    # Bumped by every answer and "back": which ask of `step` this is (its buttons carry it).
    version: int = 0

    @property
    def may_go_back(self) -> bool:
        """Still answering, past the first question: "back" re-asks the one before."""
        return self.status in {"invited", "answering"} and self.step > 0


@dataclass(frozen=True)
class RoundView:
    id: int
    conversation_id: int
    title: str
    started_by: str
    channel_id: str
    root_ts: str | None
    state: RoundState
    voices: tuple[VoiceView, ...]
    # The starter's own answers from the thread, when all questions are answered there.
    starter_answers: Mapping[str, str] | None = None

    @property
    def waiting_for(self) -> tuple[str, ...]:
        return tuple(v.user for v in self.voices if v.status in {"invited", "answering"})

    @property
    def answered(self) -> tuple[VoiceView, ...]:
        return tuple(v for v in self.voices if v.status == "answered")

    @property
    def everyone_answered(self) -> bool:
        reachable = [v for v in self.voices if v.status != "unreachable"]
        return bool(reachable) and all(v.status == "answered" for v in reachable)

    def counted(self) -> list[tuple[str, Mapping[str, str]]]:
        """The voices a reveal shows: the starter's (if complete), then each invitee who
        answered every question, in the order they were invited."""
        voices: list[tuple[str, Mapping[str, str]]] = []
        if self.starter_answers is not None:
            voices.append((self.started_by, self.starter_answers))
        voices += [(v.user, v.answers or {}) for v in self.answered]
        return voices


# Why an invite, an answer or a reveal changed nothing.
VoiceRefusal = Literal[
    "not_found",
    "not_allowed",
    "not_open",  # the conversation is closed (cancelled, decided, thread deleted)
    "round_over",  # revealed or closed already
    "not_yours",
    "already_answered",
    "stale",
    "unknown_option",
    "first_question",  # "back" on the first question: there is nothing before it
]


@dataclass(frozen=True)
class VoiceNotDone:
    reason: VoiceRefusal
    round: RoundView | None = None
    voice: VoiceView | None = None


@dataclass(frozen=True)
class Invited:
    round: RoundView
    new: tuple[VoiceView, ...]
    refused: tuple[tuple[str, NotInvited], ...]
    # Each new invitee's first question, by voice id, owed with the invite (the outbox).
    owed: Mapping[int, Owed] = field(default_factory=dict)
    # The round's line in the thread, owed with an invite that asked someone new.
    line: Owed | None = None


@dataclass(frozen=True)
class VoiceAnswered:
    voice: VoiceView  # after the answer
    step: int  # the step answered
    option: str
    # Set when this answer was the last one owed: the round was revealed by it.
    revealed: RoundView | None = None
    # Owed with the answer: the invitee's next question, or the team's message it revealed.
    owed: Owed | None = None


@dataclass(frozen=True)
class VoiceWentBack:
    """The invitee went back one question: its answer is forgotten, and it is asked again."""

    voice: VoiceView  # after going back: on the previous step, at a new version
    left: VoiceView  # before: the question they left (its message loses its buttons)
    owed: Owed | None = None  # the previous question, owed again under the new version


@dataclass(frozen=True)
class Revealed:
    round: RoundView
    actor: str
    owed: Owed | None = None  # the team's message, owed with the reveal


def question_owed(round_: RoundView, voice: VoiceView, version: int) -> bool:
    """The invitee's question asked at `version` is still to reach their DM: the round is
    open, they are still on that ask (no answer or "back" since), and no message of it is
    recorded (the reminder may have asked it already). Otherwise an owed copy is
    superseded, never posted late."""
    return (
        round_.state == "open"
        and voice.status in {"invited", "answering"}
        and voice.version == version
        and voice.question_ts is None
    )


def round_line_owed(round_: RoundView, conversation: State) -> bool:
    """The round's line (who was asked, and the starter's button) still belongs in the
    thread: the round is still open and its conversation neither cancelled nor orphaned.
    It is drawn as the round is when it is posted, so a late one is never out of date."""
    return round_.state == "open" and conversation not in {State.CANCELLED, State.ORPHANED}


def team_message_owed(round_: RoundView, conversation: State) -> bool:
    """The team's message still belongs in the thread: the round was revealed, and its
    conversation was neither cancelled nor lost its thread since."""
    return round_.state == "revealed" and conversation not in {State.CANCELLED, State.ORPHANED}
