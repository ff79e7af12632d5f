"""The invitee's DM questions: from question 2 on, a *Go back* button; every button carries
the step and the voice's version it was drawn for; `help` says `back` works."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import Block

from bot.blocks.voices import dm_help, dm_left, dm_question
from bot.content.criteria import load_criteria
from bot.core.interactions import ActionId
from bot.core.voices import RoundView, VoiceView

BACK_ACTION = ActionId.VOICE_BACK

CRITERIA = load_criteria()
ROUND = RoundView(3, 9, "Senior engineer", "U_STARTER", "C1", "1.1", "open", ())


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_questions_two_to_six_have_go_back_drawn_for_their_step_and_version() -> None:
    first = dm_question(
        ROUND, CRITERIA, VoiceView(7, 9, "U1", "invited", 0, None, None), first=True
    )
    assert BACK_ACTION not in [b["action_id"] for b in _buttons(first.blocks or [])]
    asked_again = VoiceView(7, 9, "U1", "answering", 1, "D1", None, version=3)
    message = dm_question(ROUND, CRITERIA, asked_again, first=False)
    blocks = message.blocks or []
    for block in blocks:
        Block.parse(block)  # valid Block Kit
    values = {b["action_id"]: json.loads(b["value"]) for b in _buttons(blocks)}
    assert values[BACK_ACTION] == {"w": 7, "s": 1, "v": 3}
    answers = [v for key, v in values.items() if key != BACK_ACTION]
    assert len(answers) == len(CRITERIA.questions[1].options)
    assert all((v["w"], v["s"], v["v"]) == (7, 1, 3) for v in answers)
    assert "`back`" in str(blocks)


def test_a_question_left_has_no_buttons_and_help_names_back_from_question_two() -> None:
    assert _buttons(dm_left(CRITERIA, 2).blocks or []) == []
    assert "`back`" not in dm_help(CRITERIA, 0).text
    second = dm_help(CRITERIA, 1).text
    assert "`back`" in second
    assert all(o.label in second for o in CRITERIA.questions[1].options)
