"""The recommendation engine: answers in, one outcome out, with a confidence and its reasons.

Each chosen option adds points to the three outcomes (weights in criteria.yaml). The
outcome with most points wins. When the product and software engineer scores are within
BOTH_MARGIN of each other and both are ahead of growth, the answer is "both": the team
needs product speed and technical depth, and the article says companies with both
succeed. Sums don't depend on order, so neither does the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content.criteria import OUTCOME_KEYS, Criteria

BOTH_MARGIN = 2
# A margin of this many points (about two strongly one-sided answers) is full confidence.
FULL_CONFIDENCE_MARGIN = 8
OUTCOME_ORDER = (*OUTCOME_KEYS, "both")


class IncompleteAnswers(ValueError):
    pass


class UnknownOption(ValueError):
    pass


@dataclass(frozen=True)
class Reason:
    question_key: str
    question: str
    option_key: str
    answer: str
    reason: str
    towards: str
    source_url: str
    supports: bool  # pushes towards the recommended outcome


@dataclass(frozen=True)
class Recommendation:
    outcome: str
    confidence: float
    scores: Mapping[str, int]
    reasons: tuple[Reason, ...]

    @property
    def confidence_label(self) -> str:
        if self.confidence >= 0.5:
            return "high"
        if self.confidence >= 0.25:
            return "medium"
        return "low"


def recommend(criteria: Criteria, answers: Mapping[str, str]) -> Recommendation:
    chosen = []
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

    scores = {key: sum(option.weights[key] for _, option in chosen) for key in OUTCOME_KEYS}
    pe, swe, growth = (scores[k] for k in OUTCOME_KEYS)
    if abs(pe - swe) <= BOTH_MARGIN and min(pe, swe) > growth:
        outcome, margin = "both", min(pe, swe) - growth
        favoured = {"product_engineer", "software_engineer"}
    else:
        ranked = sorted(OUTCOME_KEYS, key=lambda k: (-scores[k], OUTCOME_KEYS.index(k)))
        outcome, margin = ranked[0], scores[ranked[0]] - scores[ranked[1]]
        favoured = {outcome}
    confidence = round(min(1.0, margin / FULL_CONFIDENCE_MARGIN), 2)

    reasons = [
        Reason(
            question_key=question.key,
            question=question.prompt,
            option_key=option.key,
            answer=option.label,
            reason=option.reason,
            towards=option.leans_towards,
            source_url=option.source_url,
            supports=option.leans_towards in favoured,
        )
        for question, option in chosen
    ]
    # What decided it first, then what pulled the other way; stable within each group.
    reasons.sort(key=lambda r: not r.supports)
    return Recommendation(outcome, confidence, scores, tuple(reasons))
