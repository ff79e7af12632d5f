""" "Did it hold up?": asking a decider, some days after a decision, whether the call was
right. Slack-free and SQL-free: the wording of the question, the answers, when one is due,
the setting's grammar, and how the answers are counted.

The rules:
- A check-in is due `after_days` days after the decision's latest decided time: changing
  the decision restarts the wait; a reopened (undecided) or cancelled conversation has no
  decision, so gets no check-in. `0` days means the workspace turned them off.
- One check-in per decision, ever. Once asked, later changes to the decision ask nothing
  more; the decider can still change the answer (each answer is kept).
- A check-in that became due while the feature was off, or long before the bot noticed
  (a decision older than the setting when it was turned on), is not sent late: only
  decisions whose check-in fell due within `CATCH_UP` are asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DEFAULT_AFTER_DAYS = 90
MAX_AFTER_DAYS = 3650
# How late a check-in is still sent: a bot that was down (or a sandbox clock moved a few
# weeks at a time) still asks; turning check-ins on does not flood people about old calls.
CATCH_UP = timedelta(days=30)

ANSWERS = ("yes", "partly", "no", "too_early")
ANSWER_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No", "too_early": "Too early"}
ANSWER_EMOJI = {
    "yes": ":white_check_mark:",
    "partly": ":large_yellow_circle:",
    "no": ":x:",
    "too_early": ":hourglass_flowing_sand:",
}
NOTE_LIMIT = 1000

# What a decision's outcome was, as the call the decider made.
_CALLS = {
    "product_engineer": "hiring a product engineer",
    "software_engineer": "hiring a software engineer",
    "growth_engineer": "hiring a growth engineer",
    "both": "hiring both a product engineer and a software engineer",
    "not_hiring": "not hiring now",
}


def the_call(outcome: str) -> str:
    """The decision as a call: "hiring a product engineer", "not hiring now"."""
    return _CALLS.get(outcome, f"deciding {outcome.replace('_', ' ')}")


def question(outcome: str) -> str:
    """ "Was hiring a product engineer the right call" (the title follows, as the caller
    shows it)."""
    return f"Was {the_call(outcome)} the right call"


def decided_window(now: datetime, after_days: int) -> tuple[datetime, datetime] | None:
    """The decided times whose check-in is due now and not too late: [start, end]."""
    if after_days <= 0:
        return None
    end = now - timedelta(days=after_days)
    return end - CATCH_UP, end


# -- the setting: `/hire checkin [after <days>|off|on]` ------------------------------------


@dataclass(frozen=True)
class CheckinSetting:
    """`/hire checkin …`: `after_days` None shows the setting; 0 turns check-ins off."""

    after_days: int | None = None


def parse_checkin_setting(words: list[str]) -> CheckinSetting | str:
    """The setting asked for, or what was not understood."""
    lowered = [w.lower() for w in words]
    if not lowered:
        return CheckinSetting()
    if lowered == ["off"]:
        return CheckinSetting(0)
    if lowered == ["on"]:
        return CheckinSetting(DEFAULT_AFTER_DAYS)
    if len(lowered) in {2, 3} and lowered[0] == "after" and lowered[2:] in ([], ["days"]):
        number = lowered[1]
        if number.isascii() and number.isdigit() and len(number) <= 4:
            days = int(number)
            if 1 <= days <= MAX_AFTER_DAYS:
                return CheckinSetting(days)
        return f"“{words[1][:20]}” is not a number of days from 1 to {MAX_AFTER_DAYS}"
    return f"“{' '.join(words)[:40]}” is not a check-in setting"


def describe_setting(after_days: int) -> str:
    if after_days <= 0:
        return "off"
    return f"{after_days} day{'s' if after_days != 1 else ''} after each decision"


# -- counting the answers ------------------------------------------------------------------


def _zero() -> dict[str, int]:
    return dict.fromkeys(ANSWERS, 0)


@dataclass(frozen=True)
class HeldUp:
    """Answered check-ins by answer, and split by whether the decision followed the bot's
    recommendation or overrode it. `hidden`: answered ones the reader may not see."""

    by_answer: dict[str, int] = field(default_factory=_zero)
    followed: dict[str, int] = field(default_factory=_zero)
    overrode: dict[str, int] = field(default_factory=_zero)
    hidden: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_answer.values())


def count_held_up(answered: Iterable[tuple[str, bool]], hidden: int = 0) -> HeldUp:
    """From (answer, followed the recommendation) per answered check-in."""
    counts = HeldUp(hidden=hidden)
    for answer, followed in answered:
        if answer not in counts.by_answer:
            continue
        counts.by_answer[answer] += 1
        (counts.followed if followed else counts.overrode)[answer] += 1
    return counts


def held_up_rate(counts: dict[str, int]) -> tuple[int, int] | None:
    """(held up, judged): "yes" out of the answers that judged the call (not "too early");
    None when none did."""
    judged = counts["yes"] + counts["partly"] + counts["no"]
    return (counts["yes"], judged) if judged else None


def compare_followed(held: HeldUp) -> str | None:
    """One sentence: did calls that followed the recommendation hold up better than the
    ones that overrode it? None until both kinds have been judged."""
    followed, overrode = held_up_rate(held.followed), held_up_rate(held.overrode)
    if followed is None or overrode is None:
        return None
    a, b = followed[0] / followed[1], overrode[0] / overrode[1]
    if abs(a - b) < 1e-9:
        return (
            "Calls that followed the recommendation held up as often as the ones that overrode it."
        )
    better = "followed" if a > b else "overrode"
    return f"Calls that {better} the recommendation held up more often."


# -- a check-in as shown -------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinView:
    """A check-in as its DM and `/hire show` show it."""

    id: int
    workspace_id: int
    conversation_id: int
    title: str
    outcome: str
    recommendation: str
    decided_by: str
    decided_at: datetime
    version: int
    answer: str | None = None
    note: str | None = None
    answered_at: datetime | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    # The conversation is no longer decided (reopened, cancelled): nothing to judge now.
    closed: bool = False


@dataclass(frozen=True)
class CheckinAnswered:
    """An answer was recorded; `view` is the check-in after it (to redraw the DM)."""

    view: CheckinView


@dataclass(frozen=True)
class CheckinRefused:
    """Nothing was recorded; `why` says it to the person, `view` (when known) redraws the
    DM as it stands."""

    why: str
    view: CheckinView | None = None


@dataclass(frozen=True)
class DueCheckin:
    """A decision whose check-in is due, or a claim to take over (`checkin_id`)."""

    workspace_id: int
    conversation_id: int
    decided_by: str
    decided_at: datetime
    checkin_id: int | None = None
    attempts: int = 0


@dataclass(frozen=True)
class CheckinClaim:
    """A check-in this process holds: which attempt, and when the first began (a takeover
    looks for a DM an earlier attempt sent from then on)."""

    view: CheckinView
    attempt: int
    first_claimed_at: datetime
