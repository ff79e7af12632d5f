"""The recommendation engine over every possible answer set, for one opening and for two:
no neutral answer leans, no tie is broken silently, the margin is what the scores say, the
wording of how sure matches what one changed answer can do, and the change that would turn
a verdict really does, and nothing smaller does.

The criteria have few enough options (3·3·3·2·3·3 = 486 answer sets) to check them all.
Each check recomputes what it needs from the weights in criteria.yaml rather than trusting
the engine's own bookkeeping. The rules of the argument itself (the job decides, one
opening gets one verdict) are in test_advice_rules.py.
"""

from __future__ import annotations

import itertools
import math

import pytest

from bot.content.criteria import OUTCOME_KEYS, Option, load_criteria
from bot.core.recommendation import (
    BOTH,
    TOO_CLOSE,
    Flip,
    Recommendation,
    confidence_of,
    lead_words,
    lead_words_for,
    recommend,
)

CRITERIA = load_criteria()
KEYS = [q.key for q in CRITERIA.questions]
EVERY_ANSWER_SET = [
    dict(zip(KEYS, combo, strict=True))
    for combo in itertools.product(*[[o.key for o in q.options] for q in CRITERIA.questions])
]
# Every answer set with one opening, and with two (where "both" becomes possible).
EVERY_CASE = [(answers, openings) for openings in (1, 2) for answers in EVERY_ANSWER_SET]
PAIR = ("product_engineer", "software_engineer")


def option(question_key: str, option_key: str) -> Option:
    question = CRITERIA.question(question_key)
    assert question is not None
    found = question.option(option_key)
    assert found is not None
    return found


def scores_of(answers: dict[str, str]) -> dict[str, int]:
    return {k: sum(option(q, o).weights[k] for q, o in answers.items()) for k in OUTCOME_KEYS}


def apply(flip: Flip, answers: dict[str, str], openings: int = 1) -> Recommendation:
    assert answers[flip.question_key] == flip.from_option
    return recommend(CRITERIA, {**answers, flip.question_key: flip.to_option}, openings)


def key(rec: Recommendation) -> tuple[str, str | None]:
    """What a change must alter to turn a verdict: the outcome, and who goes first."""
    return rec.outcome, rec.hire_first


def ahead(rec: Recommendation, role: str) -> bool:
    return rec.outcome == role or (rec.outcome == BOTH and rec.hire_first == role)


def every_change(answers: dict[str, str]) -> list[tuple[tuple[int, int, int], str, str]]:
    """(size, question index, option index), question, option — for every one-answer change."""
    found = []
    for qi, question in enumerate(CRITERIA.questions):
        current = option(question.key, answers[question.key])
        for oi, other in enumerate(question.options):
            if other.key == current.key:
                continue
            size = sum(abs(other.weights[k] - current.weights[k]) for k in OUTCOME_KEYS)
            found.append(((size, qi, oi), question.key, other.key))
    return sorted(found)


def case_id(case: tuple[dict[str, str], int]) -> str:
    answers, openings = case
    return ",".join(answers.values()) + f"/{openings}"


def test_every_answer_set_is_checked() -> None:
    assert len(EVERY_ANSWER_SET) == math.prod(len(q.options) for q in CRITERIA.questions) == 486


@pytest.mark.parametrize("case", EVERY_CASE, ids=case_id)
def test_the_verdict_is_honest(case: tuple[dict[str, str], int]) -> None:
    answers, openings = case
    rec = recommend(CRITERIA, answers, openings)
    scores = scores_of(answers)
    assert dict(rec.scores) == scores and rec.openings == openings

    # An answer leans towards the one role it gives most; only one that gives every role
    # the same points is neutral, and a neutral answer never counts as support.
    for reason in rec.reasons:
        weights = option(reason.question_key, reason.option_key).weights
        top = [k for k in OUTCOME_KEYS if weights[k] == max(weights.values())]
        if len(top) == len(OUTCOME_KEYS):
            assert reason.towards is None and reason.neutral and not reason.supports
        else:
            assert top == [reason.towards], reason

    # "Both" only with more than one opening, for product and software engineer at the top,
    # the second nearer the first than growth engineer; otherwise a shared top score is
    # never handed to one role.
    top = [k for k in OUTCOME_KEYS if scores[k] == max(scores.values())]
    pe, swe, growth = (scores[k] for k in OUTCOME_KEYS)
    both_rule = openings > 1 and min(pe, swe) - growth > max(pe, swe) - min(pe, swe)
    if both_rule:
        assert rec.outcome == BOTH and set(rec.contenders) == set(PAIR)
        assert rec.margin == abs(pe - swe)
        first = None if pe == swe else PAIR[0] if pe > swe else PAIR[1]
        assert rec.hire_first == first
        if first is not None:
            assert rec.contenders[0] == first and rec.runner_up == rec.contenders[1]
    elif len(top) > 1:
        assert rec.outcome == TOO_CLOSE and set(rec.contenders) == set(top)
        assert rec.margin == 0 and rec.lead == "too close to call"
    else:
        (leader,) = top
        assert rec.outcome == leader and rec.contenders == (leader,)
        runner_up = max(s for k, s in scores.items() if k != leader)
        assert rec.margin == scores[leader] - runner_up > 0
    if rec.outcome != BOTH:
        assert rec.hire_first is None

    # Two openings would make it "both": said on the one-opening message, never otherwise.
    assert rec.both_if_two_openings == (
        openings == 1 and recommend(CRITERIA, answers, 2).outcome == BOTH
    )

    # The change that would turn it does, and no smaller one (or an equal one asked
    # earlier) does; "turn" includes putting the other role first in "both".
    changes = every_change(answers)
    after = {(q, o): recommend(CRITERIA, {**answers, q: o}, openings) for _, q, o in changes}
    turning = [(q, o) for _, q, o in changes if key(after[q, o]) != key(rec)]
    if rec.flip is None:
        assert turning == []
    else:
        assert (rec.flip.question_key, rec.flip.to_option) == turning[0]
        turned = apply(rec.flip, answers, openings)
        assert key(turned) == rec.flip.key != key(rec)
        assert turned.margin == rec.flip.margin

    # How sure, in the one wording: "clear" exactly where no one changed answer turns it.
    assert (rec.lead == "clear lead") == (rec.margin > 0 and not turning)
    assert (rec.lead == "too close to call") == (rec.margin == 0)
    if rec.lead == "slight lead":
        assert 1 <= rec.margin <= 2 and turning
    if rec.lead == "moderate lead":
        assert rec.margin >= 3 and turning
    assert (
        lead_words_for(rec.confidence) == rec.lead == lead_words(rec.margin, turnable=bool(turning))
    )

    # A near tie says which way each doubt points: for each role in doubt, the smallest
    # change that puts it ahead (for the one ahead: more than a slight lead ahead).
    near_tie = rec.outcome in {TOO_CLOSE, BOTH} or rec.lead == "slight lead"
    if not near_tie:
        assert rec.settles == ()
        return
    in_doubt = rec.contenders if rec.outcome in {TOO_CLOSE, BOTH} else (rec.outcome, rec.runner_up)
    found = 0
    for role in in_doubt:
        assert role is not None
        already = ahead(rec, role)
        settling = [
            (q, o)
            for _, q, o in changes
            if ahead(after[q, o], role) and (not already or after[q, o].margin > 2)
        ]
        settle = [f for f in rec.settles if f.ahead(role)]
        assert len(settle) == (1 if settling else 0), (role, settle)
        if settling:
            found += 1
            assert (settle[0].question_key, settle[0].to_option) == settling[0]
            assert ahead(apply(settle[0], answers, openings), role)
    assert len(rec.settles) == found


def test_the_reported_example_is_a_slight_lead_with_two_neutral_answers() -> None:
    """Startup, balanced, signup flow, specialists, sometimes with a PM, deep systems: the
    user saw 3× product, 2× software, 1× growth under a software engineer verdict."""
    rec = recommend(
        CRITERIA,
        {
            "stage": "startup",
            "pace": "balanced",
            "product": "funnel",
            "team": "specialists",
            "ownership": "sometimes",
            "work": "systems",
        },
    )
    assert rec.outcome == "software_engineer" and rec.lead == "slight lead"
    assert [r.towards for r in rec.reasons] == [
        "product_engineer",
        None,
        "growth_engineer",
        "software_engineer",
        None,
        "software_engineer",
    ]
    assert rec.flip is not None
    assert (rec.flip.question_key, rec.flip.to_option, rec.flip.verdict) == (
        "team",
        "small",
        "too_close",
    )


@pytest.mark.parametrize(
    ("margin", "turnable", "words"),
    [
        (0, True, "too close to call"),
        (0, False, "too close to call"),
        (1, True, "slight lead"),
        (2, True, "slight lead"),
        (3, True, "moderate lead"),
        (6, True, "moderate lead"),
        (2, False, "clear lead"),
        (7, False, "clear lead"),
    ],
)
def test_one_wording_for_how_sure(margin: int, turnable: bool, words: str) -> None:
    assert lead_words(margin, turnable=turnable) == words
    assert "%" not in words
    assert lead_words_for(confidence_of(words)) == words


@pytest.mark.parametrize("stored", [0.0, 0.12, 0.25, 0.38, 0.5, 0.62, 0.75, 0.88, 1.0])
def test_stored_confidences_read_back_in_words(stored: float) -> None:
    """Decisions logged before this wording keep their float (margin/8); it is only ever
    shown as words, the ones it was shown with: a margin of 1-2 slight, 3-6 moderate, 7+
    clear."""
    assert lead_words_for(stored) in {
        "too close to call",
        "slight lead",
        "moderate lead",
        "clear lead",
    }
    assert lead_words_for(1.0) == "clear lead" and lead_words_for(0.0) == "too close to call"
    assert lead_words_for(0.25) == "slight lead" and lead_words_for(0.38) == "moderate lead"
    assert lead_words_for(0.75) == "moderate lead" and lead_words_for(0.88) == "clear lead"
