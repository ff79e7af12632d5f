"""The recommendation engine: six answers in, a verdict out, with its reasons, its margin,
how sure it can be, and the smallest change of one answer that would turn it.

Scoring. Each chosen option gives every outcome 0..3 points (weights in criteria.yaml);
an outcome's score is the sum over the answers. Sums don't depend on the order of the
answers, so neither does anything below.

The verdict, decided in this order:

1. Both. Product and software engineer within BOTH_MARGIN points of each other, and both
   scoring more than growth engineer: the team needs product speed and technical depth,
   and the article's answer to that is both. Its margin is how far the lower of the two
   is ahead of growth engineer.
2. One role. Otherwise an outcome that scores strictly more than each of the others is the
   verdict; its margin is its lead over the runner-up.
3. Too close to call. Otherwise two or three outcomes share the top score (growth engineer
   is always among them: a product/software tie above growth is rule 1). The verdict is
   TOO_CLOSE, with the tied outcomes as `contenders` and a margin of 0. A tie is never
   broken by the order of outcomes or questions; the person deciding picks, and the
   message shows what separates the contenders.

How sure: `lead_words(margin)` is the one wording for it everywhere (thread, `/hire show`,
the CSV export, Home, digest). Weights run 0..3, so changing one answer moves the gap
between two outcomes by at most 6 points:

* 0 — "too close to call";
* 1-2 — "slight lead": nearly a tie, and the message says so;
* 3-6 — "moderate lead": one answer could still level it;
* 7 or more — "clear lead": no single answer can bring the runner-up level.

Six multiple-choice answers cannot justify a percentage, so none is ever shown. The stored
`confidence` float is margin / FULL_CONFIDENCE_MARGIN, capped at 1; `lead_words_for` reads
a stored value back into the same words.

Each answer leans towards the one outcome it gives most points. An answer whose top weight
is shared by two or three outcomes leans nowhere: it is neutral and is never shown as
leaning (its points still count).

What would turn it: every other option of every question is tried in turn, the verdict is
recomputed, and of the changes that give a different verdict the smallest wins: fewest
points moved (the sum over outcomes of how much each weight changes), then question order,
then option order. For a too-close verdict, `settles` holds the smallest such change that
makes each contender the verdict on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content.criteria import OUTCOME_KEYS, Criteria, Option, Question

BOTH = "both"
TOO_CLOSE = "too_close"
VERDICTS = (*OUTCOME_KEYS, BOTH, TOO_CLOSE)
BOTH_MARGIN = 2
# The stored confidence float: this margin or more is stored as 1.0.
FULL_CONFIDENCE_MARGIN = 8
SLIGHT_LEAD_UP_TO = 2
# One answer moves the gap between two outcomes by at most 3 + 3 points; beyond that,
# no single answer can bring the runner-up level.
MODERATE_LEAD_UP_TO = 6

TOO_CLOSE_WORDS = "too close to call"
SLIGHT_LEAD = "slight lead"
MODERATE_LEAD = "moderate lead"
CLEAR_LEAD = "clear lead"


class IncompleteAnswers(ValueError):
    pass


class UnknownOption(ValueError):
    pass


def lead_words(margin: int) -> str:
    """How sure a verdict is, in the words every surface uses."""
    if margin <= 0:
        return TOO_CLOSE_WORDS
    if margin <= SLIGHT_LEAD_UP_TO:
        return SLIGHT_LEAD
    if margin <= MODERATE_LEAD_UP_TO:
        return MODERATE_LEAD
    return CLEAR_LEAD


def confidence_of(margin: int) -> float:
    """The float kept in the decision log for a margin (two decimals, as stored)."""
    return round(min(1.0, max(0, margin) / FULL_CONFIDENCE_MARGIN), 2)


def lead_words_for(confidence: float) -> str:
    """The wording for a stored confidence: margins below FULL_CONFIDENCE_MARGIN round-trip
    exactly through two decimals, and anything stored as 1.0 is a clear lead."""
    return lead_words(round(confidence * FULL_CONFIDENCE_MARGIN))


@dataclass(frozen=True)
class Reason:
    question_key: str
    question: str
    option_key: str
    answer: str
    reason: str
    towards: str | None  # the one outcome this answer gives most points; None when shared
    source_url: str
    supports: bool  # leans towards the verdict (for "both": either role; too close: a contender)
    weights: Mapping[str, int]

    @property
    def neutral(self) -> bool:
        return self.towards is None


@dataclass(frozen=True)
class Flip:
    """One answer changed, and the verdict it would give."""

    question_key: str
    question: str
    from_option: str
    from_answer: str
    to_option: str
    to_answer: str
    condition: str  # reads after "If": "the team were small and multi-skilled"
    points_moved: int
    verdict: str


@dataclass(frozen=True)
class Recommendation:
    outcome: str  # one of VERDICTS
    margin: int
    scores: Mapping[str, int]
    reasons: tuple[Reason, ...]
    # The outcomes in the verdict: one role; product and software for both; the tied ones.
    contenders: tuple[str, ...]
    # What the margin is measured against: the runner-up, growth engineer for both, None
    # when too close.
    runner_up: str | None
    flip: Flip | None  # the smallest change of one answer that gives another verdict
    settles: tuple[Flip, ...] = ()  # too close: the smallest change making each contender win

    @property
    def confidence(self) -> float:
        return confidence_of(self.margin)

    @property
    def lead(self) -> str:
        return lead_words(self.margin)

    @property
    def too_close(self) -> bool:
        return self.outcome == TOO_CLOSE

    @property
    def leaning_for(self) -> int:
        return sum(1 for r in self.reasons if r.supports)

    @property
    def leaning_against(self) -> int:
        return sum(1 for r in self.reasons if not r.supports and not r.neutral)

    @property
    def outnumbered(self) -> bool:
        """More answers lean away from the verdict than towards it: the points decide, and
        the message has to say so."""
        return not self.too_close and self.leaning_against > self.leaning_for


def leaning(option: Option) -> str | None:
    """The one outcome an answer gives most points, or None when that top is shared."""
    top = max(option.weights[k] for k in OUTCOME_KEYS)
    leaders = [k for k in OUTCOME_KEYS if option.weights[k] == top]
    return leaders[0] if len(leaders) == 1 else None


def verdict(scores: Mapping[str, int]) -> tuple[str, int, tuple[str, ...], str | None]:
    """(outcome, margin, contenders, runner-up) for a set of scores: the rule above."""
    pe, swe, growth = (scores[k] for k in OUTCOME_KEYS)
    if abs(pe - swe) <= BOTH_MARGIN and min(pe, swe) > growth:
        pair = ("product_engineer", "software_engineer")
        return BOTH, min(pe, swe) - growth, pair, "growth_engineer"
    top = max(scores[k] for k in OUTCOME_KEYS)
    # Highest score first; among equal scores the criteria's order, for display only.
    ranked = sorted(OUTCOME_KEYS, key=lambda k: -scores[k])
    leaders = tuple(k for k in ranked if scores[k] == top)
    if len(leaders) > 1:
        return TOO_CLOSE, 0, leaders, None
    return leaders[0], top - scores[ranked[1]], leaders, ranked[1]


def _scores(chosen: list[tuple[Question, Option]]) -> dict[str, int]:
    return {key: sum(option.weights[key] for _, option in chosen) for key in OUTCOME_KEYS}


def _points_moved(before: Option, after: Option) -> int:
    return sum(abs(after.weights[k] - before.weights[k]) for k in OUTCOME_KEYS)


def _changes(chosen: list[tuple[Question, Option]]) -> list[Flip]:
    """Every change of one answer, smallest first (points moved, question, option order)."""
    base = _scores(chosen)
    changes = []
    for index, (question, current) in enumerate(chosen):
        for option_index, option in enumerate(question.options):
            if option.key == current.key:
                continue
            scores = {k: base[k] - current.weights[k] + option.weights[k] for k in OUTCOME_KEYS}
            changes.append(
                (
                    (_points_moved(current, option), index, option_index),
                    Flip(
                        question.key,
                        question.prompt,
                        current.key,
                        current.label,
                        option.key,
                        option.label,
                        option.condition,
                        _points_moved(current, option),
                        verdict(scores)[0],
                    ),
                )
            )
    return [flip for _, flip in sorted(changes, key=lambda c: c[0])]


def recommend(criteria: Criteria, answers: Mapping[str, str]) -> Recommendation:
    chosen: list[tuple[Question, Option]] = []
    for question in criteria.questions:
        if question.key not in answers:
            raise IncompleteAnswers(f"no answer for {question.key!r}")
        option = question.option(answers[question.key])
        if option is None:
            raise UnknownOption(f"{answers[question.key]!r} is not an option of {question.key!r}")
        chosen.append((question, option))
    unknown = set(answers) - {q.key for q in criteria.questions}
    if unknown:
        raise UnknownOption(f"unknown questions: {sorted(unknown)}")

    scores = _scores(chosen)
    outcome, margin, contenders, runner_up = verdict(scores)
    changes = _changes(chosen)
    flip = next((c for c in changes if c.verdict != outcome), None)
    settles: tuple[Flip, ...] = ()
    if outcome == TOO_CLOSE:
        found = (next((c for c in changes if c.verdict == k), None) for k in contenders)
        settles = tuple(c for c in found if c is not None)

    reasons = [
        Reason(
            question_key=question.key,
            question=question.prompt,
            option_key=option.key,
            answer=option.label,
            reason=option.reason,
            towards=leaning(option),
            source_url=option.source_url,
            supports=leaning(option) in contenders,
            weights=dict(option.weights),
        )
        for question, option in chosen
    ]
    return Recommendation(
        outcome,
        margin,
        scores,
        tuple(reasons),
        contenders,
        runner_up,
        flip,
        settles,
    )
