""" "Ask the team": the rules of a round, and how several people's answers combine.

Plain Python, no Slack, no SQL. The starter (or a workspace admin) invites up to
`MAX_INVITEES` teammates; each answers the same questions privately. Once revealed, every
voice gets the recommendation its own answers give (`bot.core.recommendation`), and the
team gets one more:

* The team's points are the sum of every voice's points, role by role, and the team's
  verdict is the same rule on them (`verdict`). Each voice counts once, with all of its
  answers together; no question is settled by a majority, and a tie is said as a tie,
  never broken for one role. Since every verdict is a set of inequalities between the
  roles' points, voices that each get the same verdict get it together.
* How sure the team can be reads as a single verdict does: "clear" only where no change
  of one answer by any one voice turns it.
* When most voices have another verdict of their own than the team's, `against_most`
  says so (the message leads with it).

Agreement, per question: how many voices chose each option. The disagreements that matter,
at most two: the questions not answered unanimously, those where everyone giving one of
the answers given would turn the team's verdict first, then the ones whose answers are
furthest apart in points, then the most divided, then question order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.content.criteria import OUTCOME_KEYS, Criteria, Option
from bot.core.actor import AdminFlag, settle
from bot.core.conversation import State
from bot.core.hire import Owed
from bot.core.recommendation import (
    TOO_CLOSE,
    Recommendation,
    Verdict,
    lead_words,
    recommend,
    verdict,
)

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


def may_manage(actor: str, starter: str, *, is_admin: AdminFlag) -> bool:
    """Who may invite and reveal: the person who started the conversation, or an admin (asked
    only about someone else)."""
    return actor == starter or settle(is_admin)


@dataclass(frozen=True)
class VoiceVerdict:
    user: str
    answers: Mapping[str, str]
    recommendation: Recommendation


def same_verdict(a: Verdict | Recommendation, b: Verdict | Recommendation) -> bool:
    """The same advice: the same outcome, the same role first for "both", and for a tie the
    same tied roles."""
    tied = a.outcome == TOO_CLOSE
    return (
        a.outcome == b.outcome
        and a.hire_first == b.hire_first
        and (not tied or set(a.contenders) == set(b.contenders))
    )


@dataclass(frozen=True)
class QuestionAgreement:
    question_key: str
    prompt: str
    # (option key, label, how many chose it), most chosen first, then criteria order.
    chosen: tuple[tuple[str, str, int], ...]
    voices: int

    @property
    def unanimous(self) -> bool:
        return len(self.chosen) == 1


@dataclass(frozen=True)
class Disagreement:
    """A question the voices answered differently, and what each answer given would make
    the team's verdict if every voice had given it."""

    agreement: QuestionAgreement
    if_all: tuple[tuple[str, str, Verdict], ...]  # (option key, label, the team's verdict)
    turns: bool  # one of those verdicts is not the team's

    @property
    def question_key(self) -> str:
        return self.agreement.question_key


@dataclass(frozen=True)
class TeamVerdict:
    voices: tuple[VoiceVerdict, ...]
    scores: Mapping[str, int]  # every voice's points, added up role by role
    combined: Verdict
    lead: str  # how sure, in the one wording: "clear" only if no one answer turns it
    agreement: tuple[QuestionAgreement, ...]
    to_discuss: tuple[Disagreement, ...]
    openings: int = 1

    @property
    def agreeing_voices(self) -> int:
        """Voices whose own verdict is the team's."""
        return sum(1 for v in self.voices if same_verdict(v.recommendation, self.combined))

    @property
    def against_most(self) -> bool:
        """Most voices have another verdict of their own than the team's."""
        return 2 * (len(self.voices) - self.agreeing_voices) > len(self.voices)


def _sum(criteria: Criteria, voices: Sequence[Mapping[str, str]]) -> dict[str, int]:
    total = dict.fromkeys(OUTCOME_KEYS, 0)
    for answers in voices:
        for question in criteria.questions:
            option = question.option(answers[question.key])
            assert option is not None  # each voice was recommended on these answers
            for role in OUTCOME_KEYS:
                total[role] += option.weights[role]
    return total


def _spread(options: Sequence[Option]) -> int:
    """How far apart in points the answers given to one question are."""
    return max(
        max(o.weights[k] for o in options) - min(o.weights[k] for o in options)
        for k in OUTCOME_KEYS
    )


def combine(
    criteria: Criteria,
    voices: Sequence[tuple[str, Mapping[str, str]]],
    openings: int = 1,
) -> TeamVerdict:
    """Every voice's recommendation, the team's summed points and verdict, the agreement per
    question and the (at most two) disagreements that matter. `voices` holds (user,
    complete answers), at least one; the order is kept for display only. `openings`: how
    many people the conversation can hire."""
    if not voices:
        raise ValueError("a team verdict needs at least one voice")
    verdicts = tuple(
        VoiceVerdict(user, dict(answers), recommend(criteria, answers, openings))
        for user, answers in voices
    )
    answer_sets = [answers for _, answers in voices]
    count = len(voices)
    scores = _sum(criteria, answer_sets)
    team = verdict(scores, openings)

    def team_if(index: int, question_key: str, option_key: str) -> Verdict:
        changed = [
            {**answers, question_key: option_key} if i == index else answers
            for i, answers in enumerate(answer_sets)
        ]
        return verdict(_sum(criteria, changed), openings)

    turnable = any(
        not same_verdict(team_if(i, question.key, option.key), team)
        for i, answers in enumerate(answer_sets)
        for question in criteria.questions
        for option in question.options
        if option.key != answers[question.key]
    )

    agreement: list[QuestionAgreement] = []
    ranked: list[tuple[tuple[bool, int, float, int], Disagreement]] = []
    for index, question in enumerate(criteria.questions):
        counts = {option.key: 0 for option in question.options}
        for answers in answer_sets:
            counts[answers[question.key]] += 1
        order = [option.key for option in question.options]
        chosen = sorted((k for k in order if counts[k]), key=lambda k: (-counts[k], order.index(k)))
        labels = {option.key: option.label for option in question.options}
        row = QuestionAgreement(
            question.key,
            question.prompt,
            tuple((k, labels[k], counts[k]) for k in chosen),
            count,
        )
        agreement.append(row)
        if row.unanimous:
            continue
        if_all = tuple(
            (
                key,
                labels[key],
                verdict(
                    _sum(criteria, [{**answers, question.key: key} for answers in answer_sets]),
                    openings,
                ),
            )
            for key in chosen
        )
        turns = any(not same_verdict(v, team) for _, _, v in if_all)
        options = [o for o in question.options if counts[o.key]]
        disagreeing = 1 - counts[chosen[0]] / count
        ranked.append(
            (
                (not turns, -_spread(options), -disagreeing, index),
                Disagreement(row, if_all, turns),
            )
        )
    ranked.sort(key=lambda item: item[0])
    return TeamVerdict(
        verdicts,
        scores,
        team,
        lead_words(team.margin, turnable=turnable),
        tuple(agreement),
        tuple(d for _, d in ranked[:TO_DISCUSS]),
        openings,
    )


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
    openings: int = 1  # the conversation's: how many people the team can hire

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
