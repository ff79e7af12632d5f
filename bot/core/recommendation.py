"""The recommendation engine: six answers in, a verdict out, with its reasons, how sure it
can be, and the smallest change of one answer that would turn it.

Scoring. Each chosen option gives every role 0..3 points (weights in criteria.yaml); a
role's score is the sum over the answers. Sums don't depend on the order of the answers,
so neither does anything below. The verdict follows the points and nothing else: the
argument of the articles (the job decides, the company tunes) lives in the weights, and
tests/content/test_advice_rules.py proves over every answer set that the points give it.

The verdict. One opening gets one kind of engineer:

1. One role: the role that scores strictly more than each other role. Its margin is its
   lead over the runner-up.
2. Too close to call: two or three roles share the top score. The verdict is TOO_CLOSE,
   with the tied roles as `contenders` and a margin of 0. A tie is never broken by the
   order of roles or questions; the person deciding picks, and the message shows what
   would settle it each way.

Only when the starter said the team can hire more than one person (`openings` >= 2) is
there one more verdict, decided first:

0. Both: product and software engineer are the top two, and the second of them is nearer
   the first than it is to growth engineer (2 × second > first + growth): the answers want
   product speed and technical depth both, so hire both, the higher-scoring one first
   (`hire_first`; None when they are level: which goes first is then too close to call).
   Its margin is the gap between the two, which is what decides who goes first.

Every verdict is a set of strict or plain inequalities between the roles' points, and the
both-rule compares points with points (no fixed number of points), so it reads the same on
one voice's points as on a sum of several. A team's verdict (`bot.core.voices`) is this
rule on the sum of its voices' points: voices who each get the same verdict get it
together.

How sure: one wording everywhere (thread, `/hire show`, the CSV export, Home, digest):

* "too close to call" — a margin of 0;
* "clear lead" — no change of one answer turns the verdict (for a team: no change of one
  answer by any one voice);
* "slight lead" — otherwise, a margin of 1 or 2 points: nearly a tie, and the message says
  so and what would settle it each way;
* "moderate lead" — otherwise: one answer could still turn it.

So "clear" means exactly that it would take two changed answers. Six multiple-choice answers
cannot justify a percentage, so none is ever shown; the decision log stores one number per
wording (`confidence_of`) and `lead_words_for` reads it back, as it does the margin/8
figures decisions were stored with before.

Neutral: an answer that gives every role the same points leans nowhere. Any other answer
gives one role more than each other (criteria.py rejects a top shared by two roles) and
leans towards it.

What would turn it: every other option of every question is tried in turn, the verdict is
recomputed, and of the changes that give a different verdict (another outcome, or for
"both" another role first) the smallest wins: fewest points moved (the sum over roles of
how much each weight changes), then question order, then option order. For a near tie (too
close, a slight lead, or "both"), `settles` holds, for each role in doubt, the smallest
change that puts it ahead (or, for the role already ahead, puts it more than a slight lead
ahead).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content.criteria import OUTCOME_KEYS, Criteria, Option, Question

PRODUCT = "product_engineer"
SOFTWARE = "software_engineer"
GROWTH = "growth_engineer"
BOTH = "both"
TOO_CLOSE = "too_close"
VERDICTS = (*OUTCOME_KEYS, BOTH, TOO_CLOSE)
SLIGHT_LEAD_UP_TO = 2

TOO_CLOSE_WORDS = "too close to call"
SLIGHT_LEAD = "slight lead"
MODERATE_LEAD = "moderate lead"
CLEAR_LEAD = "clear lead"
# What the decision log stores for each wording, and the bands that read a stored value
# back. Decisions stored before kept margin/8 (a margin of 1-2 is up to 0.25, 3-6 up to
# 0.75, 7 and more above): the bands read those back in the words they were shown with.
CONFIDENCE = {TOO_CLOSE_WORDS: 0.0, SLIGHT_LEAD: 0.25, MODERATE_LEAD: 0.5, CLEAR_LEAD: 1.0}
_SLIGHT_UP_TO = 0.25
_MODERATE_UP_TO = 0.75


class IncompleteAnswers(ValueError):
    pass


class UnknownOption(ValueError):
    pass


def lead_words(margin: int, *, turnable: bool) -> str:
    """How sure a verdict is, in the words every surface uses: its margin, and whether one
    changed answer could turn it."""
    if margin <= 0:
        return TOO_CLOSE_WORDS
    if not turnable:
        return CLEAR_LEAD
    if margin <= SLIGHT_LEAD_UP_TO:
        return SLIGHT_LEAD
    return MODERATE_LEAD


def confidence_of(words: str) -> float:
    """The number kept in the decision log for a wording."""
    return CONFIDENCE[words]


def lead_words_for(confidence: float) -> str:
    """The wording for a stored confidence (this version's, or an older margin/8)."""
    if confidence <= 0:
        return TOO_CLOSE_WORDS
    if confidence <= _SLIGHT_UP_TO:
        return SLIGHT_LEAD
    if confidence <= _MODERATE_UP_TO:
        return MODERATE_LEAD
    return CLEAR_LEAD


@dataclass(frozen=True)
class Verdict:
    """What a set of scores says: the outcome, the gap that decides it, and the roles in it."""

    outcome: str  # one of VERDICTS
    # One role: its lead over the runner-up; both: the product/software gap (who goes
    # first); too close: 0.
    margin: int
    # One role; both: (first, second) by points (criteria order when level); the tied roles.
    contenders: tuple[str, ...]
    runner_up: str | None  # one role: the next best; both: the second hire; too close: None
    hire_first: str | None = None  # both: the role to hire first; None when level

    @property
    def key(self) -> tuple[str, str | None]:
        """What a change must alter to turn the verdict: the outcome, and who goes first."""
        return self.outcome, self.hire_first

    def ahead(self, role: str) -> bool:
        """`role` is the verdict, or goes first in "both"."""
        return self.outcome == role or (self.outcome == BOTH and self.hire_first == role)


def calls_for_both(scores: Mapping[str, int]) -> bool:
    """Product and software engineer lead, the second nearer the first than growth engineer."""
    pe, swe, growth = scores[PRODUCT], scores[SOFTWARE], scores[GROWTH]
    return 2 * min(pe, swe) > max(pe, swe) + growth


def verdict(scores: Mapping[str, int], openings: int = 1) -> Verdict:
    """The rule above, for one voice's scores or the sum of several."""
    pe, swe = scores[PRODUCT], scores[SOFTWARE]
    if openings >= 2 and calls_for_both(scores):
        first = PRODUCT if pe > swe else SOFTWARE if swe > pe else None
        pair = (SOFTWARE, PRODUCT) if first == SOFTWARE else (PRODUCT, SOFTWARE)
        return Verdict(BOTH, abs(pe - swe), pair, pair[1], first)
    top = max(scores[k] for k in OUTCOME_KEYS)
    # Highest score first; among equal scores the criteria's order, for display only.
    ranked = sorted(OUTCOME_KEYS, key=lambda k: -scores[k])
    leaders = tuple(k for k in ranked if scores[k] == top)
    if len(leaders) > 1:
        return Verdict(TOO_CLOSE, 0, leaders, None)
    return Verdict(leaders[0], top - scores[ranked[1]], leaders, ranked[1])


@dataclass(frozen=True)
class Reason:
    question_key: str
    question: str
    option_key: str
    answer: str
    reason: str
    towards: str | None  # the one role this answer gives most points; None when neutral
    source_url: str | None  # None: our own judgement, shown without a citation
    supports: bool  # leans towards the verdict (both: either role; too close: a contender)
    weights: Mapping[str, int]
    about: str = "company"  # "job" (decides) or "company" (tunes), from criteria.yaml
    said: str | None = None  # a job answer in a few words, for the line under the verdict

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
    margin: int = 0  # the new verdict's margin
    hire_first: str | None = None  # the new verdict is "both": who would go first

    @property
    def key(self) -> tuple[str, str | None]:
        return self.verdict, self.hire_first

    def ahead(self, role: str) -> bool:
        return self.verdict == role or (self.verdict == BOTH and self.hire_first == role)


@dataclass(frozen=True)
class Recommendation:
    outcome: str  # one of VERDICTS
    margin: int
    scores: Mapping[str, int]
    reasons: tuple[Reason, ...]
    contenders: tuple[str, ...]
    # One role: the runner-up; both: the second hire; too close: None.
    runner_up: str | None
    flip: Flip | None  # the smallest change of one answer that gives another verdict
    settles: tuple[Flip, ...] = ()  # a near tie: the smallest change settling each way
    hire_first: str | None = None  # both: the role to hire first; None when level
    openings: int = 1
    # One opening, and two would make it "both": the message offers to say so.
    both_if_two_openings: bool = False

    @property
    def confidence(self) -> float:
        return confidence_of(self.lead)

    @property
    def lead(self) -> str:
        return lead_words(self.margin, turnable=self.flip is not None)

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
    """The one role an answer gives most points, or None when it gives every role the same."""
    top = max(option.weights[k] for k in OUTCOME_KEYS)
    leaders = [k for k in OUTCOME_KEYS if option.weights[k] == top]
    return leaders[0] if len(leaders) == 1 else None


def _scores(chosen: list[tuple[Question, Option]]) -> dict[str, int]:
    return {key: sum(option.weights[key] for _, option in chosen) for key in OUTCOME_KEYS}


def _points_moved(before: Option, after: Option) -> int:
    return sum(abs(after.weights[k] - before.weights[k]) for k in OUTCOME_KEYS)


def _changes(chosen: list[tuple[Question, Option]], openings: int) -> list[Flip]:
    """Every change of one answer, smallest first (points moved, question, option order)."""
    base = _scores(chosen)
    changes = []
    for index, (question, current) in enumerate(chosen):
        for option_index, option in enumerate(question.options):
            if option.key == current.key:
                continue
            scores = {k: base[k] - current.weights[k] + option.weights[k] for k in OUTCOME_KEYS}
            after = verdict(scores, openings)
            moved = _points_moved(current, option)
            changes.append(
                (
                    (moved, index, option_index),
                    Flip(
                        question.key,
                        question.prompt,
                        current.key,
                        current.label,
                        option.key,
                        option.label,
                        option.condition,
                        moved,
                        after.outcome,
                        after.margin,
                        after.hire_first,
                    ),
                )
            )
    return [flip for _, flip in sorted(changes, key=lambda c: c[0])]


def _in_doubt(now: Verdict) -> tuple[str, ...]:
    """The roles a near tie is between: the tied ones, both's pair, or leader and runner-up."""
    if now.outcome in {TOO_CLOSE, BOTH}:
        return now.contenders
    assert now.runner_up is not None
    return now.outcome, now.runner_up


def _settles(now: Verdict, changes: list[Flip]) -> tuple[Flip, ...]:
    """For each role in doubt, the smallest change that puts it ahead; for the role already
    ahead, the smallest that puts it more than a slight lead ahead."""
    found = []
    for role in _in_doubt(now):
        if now.ahead(role):
            settling = next(
                (c for c in changes if c.ahead(role) and c.margin > SLIGHT_LEAD_UP_TO), None
            )
        else:
            settling = next((c for c in changes if c.ahead(role)), None)
        if settling is not None:
            found.append(settling)
    return tuple(found)


def recommend(criteria: Criteria, answers: Mapping[str, str], openings: int = 1) -> Recommendation:
    """The verdict for a complete set of answers; `openings`: how many people the team can
    hire for this position (1 unless the starter said more)."""
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
    now = verdict(scores, openings)
    changes = _changes(chosen, openings)
    flip = next((c for c in changes if c.key != now.key), None)
    reasons = [
        Reason(
            question_key=question.key,
            question=question.prompt,
            option_key=option.key,
            answer=option.label,
            reason=option.reason,
            towards=leaning(option),
            source_url=option.source_url,
            supports=leaning(option) in now.contenders,
            weights=dict(option.weights),
            about=question.about,
            said=option.said,
        )
        for question, option in chosen
    ]
    lead = lead_words(now.margin, turnable=flip is not None)
    # "Both" always says what would settle which role goes first.
    near_tie = now.outcome in {TOO_CLOSE, BOTH} or lead == SLIGHT_LEAD
    return Recommendation(
        now.outcome,
        now.margin,
        scores,
        tuple(reasons),
        now.contenders,
        now.runner_up,
        flip,
        _settles(now, changes) if near_tie else (),
        now.hire_first,
        openings,
        openings < 2 and verdict(scores, 2).outcome == BOTH,
    )
