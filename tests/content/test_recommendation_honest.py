"""The recommendation engine over every possible answer set: no neutral answer leans, no tie
is broken silently, the margin is what the scores say, and the change that would turn a
verdict really does, and nothing smaller does.

The criteria have few enough options (3·3·3·2·3·3 = 486 answer sets) to check them all.
Each check recomputes what it needs from the weights in criteria.yaml rather than trusting
the engine's own bookkeeping.
"""

from __future__ import annotations

import itertools
import math

import pytest

from bot.content.criteria import OUTCOME_KEYS, Option, load_criteria
from bot.core.recommendation import (
    BOTH,
    BOTH_MARGIN,
    TOO_CLOSE,
    Flip,
    Recommendation,
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
PAIR = ("product_engineer", "software_engineer")


def option(question_key: str, option_key: str) -> Option:
    question = CRITERIA.question(question_key)
    assert question is not None
    found = question.option(option_key)
    assert found is not None
    return found


def scores_of(answers: dict[str, str]) -> dict[str, int]:
    return {k: sum(option(q, o).weights[k] for q, o in answers.items()) for k in OUTCOME_KEYS}


def apply(flip: Flip, answers: dict[str, str]) -> Recommendation:
    assert answers[flip.question_key] == flip.from_option
    return recommend(CRITERIA, {**answers, flip.question_key: flip.to_option})


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


def test_every_answer_set_is_checked() -> None:
    assert len(EVERY_ANSWER_SET) == math.prod(len(q.options) for q in CRITERIA.questions) == 486


@pytest.mark.parametrize("answers", EVERY_ANSWER_SET, ids=lambda a: ",".join(a.values()))
def test_the_verdict_is_honest(answers: dict[str, str]) -> None:
    rec = recommend(CRITERIA, answers)
    scores = scores_of(answers)
    assert dict(rec.scores) == scores

    # A neutral answer (its top weight shared) leans nowhere and never counts as support.
    for reason in rec.reasons:
        weights = option(reason.question_key, reason.option_key).weights
        top = [k for k in OUTCOME_KEYS if weights[k] == max(weights.values())]
        assert reason.towards == (top[0] if len(top) == 1 else None), reason
        if reason.towards is None:
            assert not reason.supports

    # A shared top score is never handed to one role: it is "both" (the product/software
    # rule) or too close to call, with every tied role named.
    top = [k for k in OUTCOME_KEYS if scores[k] == max(scores.values())]
    pe, swe, growth = (scores[k] for k in OUTCOME_KEYS)
    both_rule = abs(pe - swe) <= BOTH_MARGIN and min(pe, swe) > growth
    if both_rule:
        assert rec.outcome == BOTH and rec.contenders == PAIR
        assert rec.margin == min(pe, swe) - growth
    elif len(top) > 1:
        assert rec.outcome == TOO_CLOSE and set(rec.contenders) == set(top)
        assert rec.margin == 0 and rec.lead == "too close to call"
    else:
        (leader,) = top
        assert rec.outcome == leader and rec.contenders == (leader,)
        runner_up = max(s for k, s in scores.items() if k != leader)
        assert rec.margin == scores[leader] - runner_up > 0
    assert (rec.lead == "too close to call") == (rec.outcome == TOO_CLOSE)

    # The words stored with a decision read back the same.
    assert lead_words_for(rec.confidence) == rec.lead == lead_words(rec.margin)

    # The change that would turn it does, and no smaller one (or an equal one asked
    # earlier) does.
    changes = every_change(answers)
    turning = [
        (q, o)
        for _, q, o in changes
        if recommend(CRITERIA, {**answers, q: o}).outcome != rec.outcome
    ]
    if rec.flip is None:
        assert turning == []
    else:
        assert (rec.flip.question_key, rec.flip.to_option) == turning[0]
        after = apply(rec.flip, answers)
        assert after.outcome == rec.flip.verdict != rec.outcome

    # A tie is settled only by a change the message names, one per contender that can win.
    if rec.outcome == TOO_CLOSE:
        for contender in rec.contenders:
            wins = [
                (q, o)
                for _, q, o in changes
                if recommend(CRITERIA, {**answers, q: o}).outcome == contender
            ]
            settle = [f for f in rec.settles if f.verdict == contender]
            assert len(settle) == (1 if wins else 0)
            if wins:
                assert (settle[0].question_key, settle[0].to_option) == wins[0]
                assert apply(settle[0], answers).outcome == contender
    else:
        assert rec.settles == ()


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
        "pace",
        "critical",
        "product_engineer",
    )


@pytest.mark.parametrize(
    ("margin", "words"),
    [
        (0, "too close to call"),
        (1, "slight lead"),
        (2, "slight lead"),
        (3, "moderate lead"),
        (6, "moderate lead"),
        (7, "clear lead"),
        (16, "clear lead"),
    ],
)
def test_one_wording_for_how_sure(margin: int, words: str) -> None:
    assert lead_words(margin) == words
    assert "%" not in words


@pytest.mark.parametrize("stored", [0.0, 0.12, 0.25, 0.38, 0.5, 0.62, 0.75, 0.88, 1.0])
def test_stored_confidences_read_back_in_words(stored: float) -> None:
    """Decisions logged before this wording keep their float; it is only ever shown as words."""
    assert lead_words_for(stored) in {
        "too close to call",
        "slight lead",
        "moderate lead",
        "clear lead",
    }
    assert lead_words_for(1.0) == "clear lead" and lead_words_for(0.0) == "too close to call"
