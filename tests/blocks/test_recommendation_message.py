"""The recommendation message over every possible answer set, read as the person deciding
reads it: within Slack's limits, every answer shown once with its points, no neutral answer
shown as leaning, a count of leanings that disagrees with the verdict explained, the change
that would turn it true when applied, and a tie never presented as a pick.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from bot.blocks.common import OUTCOME_LABELS, outcome_label
from bot.blocks.hire import (
    ACCEPT_ACTION,
    RecommendationView,
    decision_recorded_message,
    recommendation_message,
)
from bot.blocks.text import ELLIPSIS, HEADER_LIMIT, SECTION_TEXT_LIMIT
from bot.content.criteria import OUTCOME_KEYS
from bot.core.recommendation import BOTH, TOO_CLOSE, recommend
from tests.content.test_recommendation_honest import (
    CRITERIA,
    EVERY_ANSWER_SET,
    option,
    scores_of,
)

ROLE_NAMES = [outcome_label(k).lower() for k in OUTCOME_KEYS]
LONG_TITLE = "Senior engineer <!channel> & checkout " * 20
TURN = re.compile(
    r"If (?P<condition>.+?) \(not “(?P<before>[^”]+)”\), "
    r"(?:this would be \*(?P<label>[^*]+)\*|it would be (?P<too_close>too close to call))\."
)
BY_CONDITION = {o.condition: (q.key, o.key) for q in CRITERIA.questions for o in q.options}
BY_LABEL = {label: key for key, label in OUTCOME_LABELS.items()}
DECIDED_AT = datetime(2024, 3, 1, 9, 30)


def sections(message_blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in message_blocks if b["type"] == "section"]


def groups(texts: list[str]) -> dict[str, list[str]]:
    """Heading (first line of a section whose other lines are answers) -> its answer lines."""
    found = {}
    for text in texts:
        heading, *lines = text.split("\n")
        if lines and all(line.startswith("• ") for line in lines) and "*Points:*" not in text:
            found[heading] = lines
    return found


def buttons(message_blocks: list[dict]) -> list[dict]:
    return [e for b in message_blocks if b["type"] == "actions" for e in b["elements"]]


@pytest.mark.parametrize("answers", EVERY_ANSWER_SET, ids=lambda a: ",".join(a.values()))
def test_the_message_is_honest(answers: dict[str, str]) -> None:
    rec = recommend(CRITERIA, answers)
    message = recommendation_message(RecommendationView(7, LONG_TITLE, rec, "x" * 300))
    texts = sections(message.blocks)
    everything = "\n".join(texts) + message.text

    # Within Slack's limits (slack_sdk validated each block in render), and nothing cut.
    assert len(message.blocks) <= 50
    for block in message.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_LIMIT
    for text in texts:
        assert len(text) <= SECTION_TEXT_LIMIT and not text.endswith(ELLIPSIS)
    assert "<!channel>" not in everything

    # One wording for how sure, and never a percentage.
    assert "%" not in everything and "confidence" not in everything
    assert rec.lead in texts[0] or rec.outcome == TOO_CLOSE

    # Every answer once, in the group that says what it did, with its points.
    grouped = groups(texts)
    lines = [line for group in grouped.values() for line in group]
    assert len(lines) == len(CRITERIA.questions)
    for reason in rec.reasons:
        (line,) = [x for x in lines if f"{reason.question} *{reason.answer}*" in x]
        assert re.search(r"\((\+\d [a-z ]+(, )?)+\)|\(\+\d to every role\)", line), line
        stance = line.split(f"*{reason.answer}* — ", 1)[1].split(" (")[0]
        # Neutral by the weights in criteria.yaml, not by the engine's say-so.
        weights = option(reason.question_key, reason.option_key).weights
        if list(weights.values()).count(max(weights.values())) > 1:
            # No neutral answer names a role or leans.
            assert stance.startswith("neutral") and "leans" not in stance, line
            assert not any(role in stance for role in ROLE_NAMES), line
            assert line in grouped["*Neutral* — these favour no one role"]
        else:
            assert stance == f"leans {outcome_label(reason.towards).lower()}", line
    named = [line.split(" — leans ", 1)[1].split(" (")[0] for line in lines if " — leans " in line]
    verdict_roles = [outcome_label(k).lower() for k in rec.contenders]

    # A shared top score the product/software rule doesn't cover is a tie, by the weights.
    scores = scores_of(answers)
    pe, swe, growth = (scores[k] for k in OUTCOME_KEYS)
    tied = list(scores.values()).count(max(scores.values())) > 1
    if tied and not (abs(pe - swe) <= 2 and min(pe, swe) > growth):
        assert rec.outcome == TOO_CLOSE and message.text.startswith(
            "Recommendation for #7: too close to call"
        )

    if rec.outcome == TOO_CLOSE:
        # A tie is said, not broken: every tied role gets its own group and its own button,
        # and none is marked as the pick.
        assert message.text.startswith("Recommendation for #7: too close to call between")
        assert "tie on" in texts[1] and "I won't pick one" in texts[0]
        for key in rec.contenders:
            assert f"*Towards {outcome_label(key).lower()}*" in grouped or not any(
                r.towards == key for r in rec.reasons
            )
        accepts = [b for b in buttons(message.blocks) if b["action_id"] == ACCEPT_ACTION]
        assert sorted(b["text"]["text"] for b in accepts) == sorted(
            f"Decide: {outcome_label(k)}" for k in rec.contenders
        )
        assert not any(b.get("style") == "primary" for b in accepts)
        turns = list(TURN.finditer(texts[1]))
        assert len(turns) == len(rec.settles)
    else:
        # The named leanings agree with the verdict, or the message says why they don't.
        towards = sum(1 for role in named if role in verdict_roles)
        away = len(named) - towards
        says_why = "the verdict follows the points, not the count" in texts[1]
        assert says_why == (away > towards)
        (why,) = [h for h in grouped if h.startswith("*Why ")] or [None]
        for line in grouped.get(why or "", []):
            assert any(f"leans {role}" in line for role in verdict_roles), line
        for line in grouped.get("*Pulling the other way*", []):
            assert not any(f"leans {role}" in line for role in verdict_roles), line
        if rec.outcome == BOTH:
            assert "close enough that the team needs both" in texts[1]
        else:
            assert f"{outcome_label(rec.outcome)} is " in texts[1] and " ahead of " in texts[1]
        turns = list(TURN.finditer(texts[1]))
        assert len(turns) == (0 if rec.flip is None else 1)
        if rec.flip is None:
            assert "no change to one answer alone" in texts[1]

    # Every "if …, this would be …" is true: apply it and recompute.
    for turn in turns:
        question_key, option_key = BY_CONDITION[turn["condition"]]
        assert turn["before"] == next(
            r.answer for r in rec.reasons if r.question_key == question_key
        )
        after = recommend(CRITERIA, {**answers, question_key: option_key})
        expected = TOO_CLOSE if turn["too_close"] else BY_LABEL[turn["label"]]
        assert after.outcome == expected != rec.outcome

    # Decided, the message keeps the explanation and drops the decision buttons.
    decided = decision_recorded_message(
        RecommendationView(7, LONG_TITLE, rec), "not_hiring", "U1", "budget", DECIDED_AT
    )
    assert len(decided.blocks) <= 50
    assert not any(b["action_id"] == ACCEPT_ACTION for b in buttons(decided.blocks))
