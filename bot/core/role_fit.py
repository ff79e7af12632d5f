"""The `/role fit` self-check read-out: which way each answer points and what the tally says.

Pure. Each question names the role a "yes" points to (roles.yaml); a "no" points to the
other one. The read-out reports the count on each side and how one-sided it is, in the
same three steps every time, so a 3-to-2 split is never dressed up as a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from bot.content.roles import SELF_CHECK_SIDES, SelfCheck
from bot.core.interactions import SelfCheckValue

# The answers so far travel in button values as one character per question.
YES, NO = "y", "n"
# A lead of one answer (3 to 2) is within what a single second thought would flip, so it
# is read as "either way"; two or more is a lean.
LEAN_MARGIN = 2


class Strength(Enum):
    ALL = "all"  # every answer points the same way
    MOST = "most"  # a lead of LEAN_MARGIN or more
    SPLIT = "split"  # too close to call


@dataclass(frozen=True)
class FitAnswer:
    question_key: str
    question: str
    said_yes: bool
    towards: str  # the role this answer points to


@dataclass(frozen=True)
class FitReading:
    answers: tuple[FitAnswer, ...]
    counts: Mapping[str, int]  # per side of SELF_CHECK_SIDES, in that order
    leader: str | None  # None when too close to call
    strength: Strength

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def verdict(self) -> str:
        """The key of the result text in roles.yaml: a side, or "mixed"."""
        return self.leader or "mixed"


@dataclass(frozen=True)
class FitProgress:
    """Where a self-check is: the answers so far and whether the result goes to the channel
    (`/role fit public`). As a button value, a `SelfCheckValue`."""

    answers: str
    public: bool = False

    def to_value(self) -> SelfCheckValue:
        return SelfCheckValue(self.answers, self.public)

    @classmethod
    def from_value(cls, value: SelfCheckValue, total: int) -> FitProgress | None:
        """None unless it holds 1..total answers of y/n: an old or hand-made value."""
        if not 0 < len(value.answers) <= total or set(value.answers) - {YES, NO}:
            return None
        return cls(value.answers, value.public)

    def done(self, total: int) -> bool:
        return len(self.answers) == total


def read_fit(check: SelfCheck, answers: str) -> FitReading:
    if len(answers) != len(check.questions) or set(answers) - {YES, NO}:
        raise ValueError(f"expected {len(check.questions)} answers of y/n, got {answers!r}")
    given = tuple(
        FitAnswer(q.key, q.text, said_yes, q.points_to(said_yes))
        for q, said_yes in zip(check.questions, (a == YES for a in answers), strict=True)
    )
    counts = {side: sum(1 for a in given if a.towards == side) for side in SELF_CHECK_SIDES}
    first, second = SELF_CHECK_SIDES
    lead = counts[first] - counts[second]
    if abs(lead) < LEAN_MARGIN:
        return FitReading(given, counts, None, Strength.SPLIT)
    leader = first if lead > 0 else second
    strength = Strength.ALL if counts[leader] == len(given) else Strength.MOST
    return FitReading(given, counts, leader, strength)
