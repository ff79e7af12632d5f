"""The recommendation message over every possible answer set, with one opening and with
two, read as the person deciding reads it: within Slack's limits, every answer shown once
with its points, no neutral answer shown as leaning, the line under the verdict restating
the job as answered (never contradicting it), a count of leanings that disagrees with the
verdict explained, every change it names true when applied, a tie never presented as a
pick, "both" never for one opening, and "We can hire two" offered exactly where it
would say both.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from bot.blocks.common import OUTCOME_LABELS, outcome_label
from bot.blocks.hire import (
    NEUTRAL_HEADING,
    RecommendationView,
    decision_recorded_message,
    recommendation_message,
)
from bot.blocks.text import ELLIPSIS, HEADER_LIMIT, SECTION_TEXT_LIMIT
from bot.content.criteria import OUTCOME_KEYS
from bot.core.interactions import ActionId
from bot.core.recommendation import BOTH, TOO_CLOSE, recommend
from tests.content.test_recommendation_honest import (
    CRITERIA,
    EVERY_CASE,
    case_id,
    option,
    scores_of,
)

ROLE_NAMES = [outcome_label(k).lower() for k in OUTCOME_KEYS]
LONG_TITLE = "Senior engineer <!channel> & checkout " * 20
TURN = re.compile(
    r"If (?P<condition>.+?) \(not “(?P<before>[^”]+)”\), "
    r"(?:this would be \*(?P<label>[^*]+)\*|it would be (?P<too_close>too close to call)"
    r"|it would be \*both\*, with (?:\*(?P<first>[^*]+)\* first|(?P<level>which first) "
    r"too close to call))\."
)
# A near tie's other doubts: "Towards X: if …, x would lead by N points."
SETTLE = re.compile(
    r"Towards (?P<towards>[a-z ]+?)(?: first)?: if (?P<condition>.+?) \(not “(?P<before>[^”]+)”\)"
    r", (?:(?P<role>[a-z ]+) would lead by (?P<by>\d+) points?|it would be \*both\*, with "
    r"\*(?P<first>[^*]+)\* first)\."
)
SAID = {o.said for q in CRITERIA.questions for o in q.options if o.said}
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


@pytest.mark.parametrize("case", EVERY_CASE, ids=case_id)
def test_the_message_is_honest(case: tuple[dict[str, str], int]) -> None:
    answers, openings = case
    rec = recommend(CRITERIA, answers, openings)
    message = recommendation_message(RecommendationView(7, LONG_TITLE, rec))
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
    if rec.outcome not in {TOO_CLOSE, BOTH}:
        assert f"a {rec.lead}." in texts[0]

    # The line under the verdict restates the job as answered: each job answer in its own
    # words, and no other answer's.
    job_line = texts[0].split("\n")[1]
    said = [option(q.key, answers[q.key]).said for q in CRITERIA.questions if q.about == "job"]
    assert job_line.startswith("_The job as answered:")
    assert all(words in job_line for words in said)
    assert not [words for words in SAID - set(said) if words in job_line]

    # One opening, one kind of engineer; "both" only with more, saying which first.
    assert (rec.outcome == BOTH) <= (openings > 1)
    if rec.outcome == BOTH:
        assert "more than one opening" in texts[0]
        if rec.hire_first is None:
            assert "which to hire first is too close to call" in texts[0]
        else:
            first = outcome_label(rec.hire_first).lower()
            assert f"hire a *{first}* first" in texts[0]
    offers = [
        b["text"]["text"]
        for b in buttons(message.blocks)
        if b["action_id"] == ActionId.HIRE_OPENINGS
    ]
    if openings > 1:
        assert offers == ["Only one opening"]
        said = "You said the team can hire more than one person, but" in texts[1]
        assert said == (rec.outcome != BOTH)
    else:
        assert offers == (["We can hire two"] if rec.both_if_two_openings else [])
        assert ("*We can hire two* below" in texts[1]) == rec.both_if_two_openings

    # Every answer once, in the group that says what it did, with its points.
    grouped = groups(texts)
    lines = [line for group in grouped.values() for line in group]
    assert len(lines) == len(CRITERIA.questions)
    for reason in rec.reasons:
        (line,) = [x for x in lines if f"{reason.question} *{reason.answer}*" in x]
        assert re.search(r"\((\+\d [a-z ]+(, )?)+\)|\(no points to any role\)", line), line
        stance = line.split(f"*{reason.answer}* — ", 1)[1].split(" (")[0]
        # Neutral by the weights in criteria.yaml (the same points for every role), not by
        # the engine's say-so; any other answer says which way it leans.
        weights = option(reason.question_key, reason.option_key).weights
        if len(set(weights.values())) == 1:
            assert stance == "neutral", line
            assert line in grouped[NEUTRAL_HEADING]
        else:
            top = max(OUTCOME_KEYS, key=lambda k: weights[k])
            assert stance == f"leans {outcome_label(top).lower()}", line
        # Our own judgement says so; a claim of an article is cited under the message.
        assert ("_(our judgement)_" in line) == (reason.source_url is None)
    named = [line.split(" — leans ", 1)[1].split(" (")[0] for line in lines if " — leans " in line]
    verdict_roles = [outcome_label(k).lower() for k in rec.contenders]

    # A shared top score is a tie, by the weights, unless two openings make it both.
    scores = scores_of(answers)
    tied = list(scores.values()).count(max(scores.values())) > 1
    if tied and rec.outcome != BOTH:
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
        accepts = [b for b in buttons(message.blocks) if b["action_id"] == ActionId.HIRE_ACCEPT]
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
            assert "nearer the top than the bottom, so with more than one opening" in texts[1] or (
                "the team needs both, and which to hire first is too close to call" in texts[1]
            )
        else:
            assert f"{outcome_label(rec.outcome)} is " in texts[1] and " ahead of " in texts[1]
        what = texts[1].split("*What would change it:*", 1)[1].split("*Which way", 1)[0]
        turns = list(TURN.finditer(what))
        assert len(turns) == (0 if rec.flip is None else 1)
        if rec.flip is None:
            assert "no change to one answer alone" in texts[1]
        # A near tie says which way each remaining doubt points, and what would settle it.
        settles = list(SETTLE.finditer(texts[1]))
        shown = [f for f in rec.settles if f != rec.flip]
        assert len(settles) == len(shown)
        for settle in settles:
            question_key, option_key = BY_CONDITION[settle["condition"]]
            after = recommend(CRITERIA, {**answers, question_key: option_key}, openings)
            if settle["first"]:
                assert after.outcome == BOTH
                assert outcome_label(after.hire_first).lower() == settle["first"]
            else:
                assert outcome_label(after.outcome).lower() == settle["role"] == settle["towards"]
                assert after.margin == int(settle["by"])

    # Every "if …, this would be …" is true: apply it and recompute.
    for turn in turns:
        question_key, option_key = BY_CONDITION[turn["condition"]]
        assert turn["before"] == next(
            r.answer for r in rec.reasons if r.question_key == question_key
        )
        after = recommend(CRITERIA, {**answers, question_key: option_key}, openings)
        if turn["too_close"]:
            assert after.outcome == TOO_CLOSE
        elif turn["first"] or turn["level"]:
            assert after.outcome == BOTH
            first = turn["first"]
            assert after.hire_first == (BY_LABEL[first.capitalize()] if first else None)
        else:
            assert after.outcome == BY_LABEL[turn["label"]]
        assert (after.outcome, after.hire_first) != (rec.outcome, rec.hire_first)

    # Decided, the message keeps the explanation and drops the decision buttons.
    decided = decision_recorded_message(
        RecommendationView(7, LONG_TITLE, rec), "not_hiring", "U1", "budget", DECIDED_AT
    )
    assert len(decided.blocks) <= 50
    assert not any(b["action_id"] == ActionId.HIRE_ACCEPT for b in buttons(decided.blocks))
