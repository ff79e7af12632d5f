""" "Did it hold up?" in plain Python: the question's wording for each outcome, the setting's
grammar, when a check-in is due, how answers are counted, and the DM, Home and digest
texts they become (user text escaped, Block Kit valid)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blocks.checkin import checkin_message, held_up_text, note_modal
from bot.blocks.digest import checkins_text
from bot.core.checkins import (
    CATCH_UP,
    CheckinSetting,
    CheckinView,
    compare_followed,
    count_held_up,
    decided_window,
    parse_checkin_setting,
    question,
)
from bot.core.digest import DigestCheckin, build_digest
from bot.core.hire_command import Invalid, Start, parse_hire_command

AT = datetime(2026, 8, 26, 9, 0, tzinfo=UTC)


def _view(**changes: object) -> CheckinView:
    values: dict[str, object] = {
        "id": 7,
        "workspace_id": 1,
        "conversation_id": 3,
        "title": "Senior engineer, checkout team",
        "outcome": "product_engineer",
        "recommendation": "product_engineer",
        "decided_by": "U_MAYA",
        "decided_at": AT,
        "version": 0,
    }
    values.update(changes)
    return CheckinView(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcome", "asked"),
    [
        ("product_engineer", "Was hiring a product engineer the right call"),
        ("software_engineer", "Was hiring a software engineer the right call"),
        ("growth_engineer", "Was hiring a growth engineer the right call"),
        ("both", "Was hiring both a product engineer and a software engineer the right call"),
        ("not_hiring", "Was not hiring now the right call"),
    ],
)
def test_the_question_follows_the_outcome(outcome: str, asked: str) -> None:
    assert question(outcome) == asked


def test_the_dm_asks_with_four_answers_and_a_note_and_escapes_the_title() -> None:
    message = checkin_message(_view(title="<!channel> & friends"))
    text = message.blocks[0]["text"]["text"]
    assert "Was hiring a product engineer the right call for *&lt;!channel&gt; &amp; friends*?" in (
        text
    )
    assert "<!channel>" not in message.text
    buttons = [e["text"]["text"] for e in message.blocks[-1]["elements"]]
    assert buttons == ["Yes", "Partly", "No", "Too early", "Add a note…"]
    for block in message.blocks:
        assert Block.parse(block) is not None


def test_an_answered_dm_shows_what_stands_and_lets_it_change() -> None:
    note = "worked \x07out <@U1>"
    message = checkin_message(_view(answer="partly", note=note, answered_at=AT, version=1))
    shown = " ".join(b.get("text", {}).get("text", "") for b in message.blocks)
    assert "You answered *Partly*" in shown and "&lt;@U1&gt;" in shown and "\x07" not in shown
    primary = [e for e in message.blocks[-1]["elements"] if e.get("style") == "primary"]
    assert [e["text"]["text"] for e in primary] == ["Partly"]
    assert '"v":1' in primary[0]["value"]  # the buttons carry the version they were drawn for
    closed = checkin_message(_view(closed=True))
    assert all(b["type"] != "actions" for b in closed.blocks)


def test_the_note_modal_is_valid_and_preselects_the_answer() -> None:
    modal = note_modal(_view(answer="no", note="too slow"))
    View(**modal).validate_json()
    assert modal["blocks"][1]["element"]["initial_option"]["value"] == "no"
    assert modal["blocks"][2]["element"]["initial_value"] == "too slow"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], CheckinSetting(None)),
        (["off"], CheckinSetting(0)),
        (["OFF"], CheckinSetting(0)),
        (["on"], CheckinSetting(90)),
        (["after", "30"], CheckinSetting(30)),
        (["after", "180", "days"], CheckinSetting(180)),
    ],
)
def test_the_setting_grammar(words: list[str], expected: CheckinSetting) -> None:
    assert parse_checkin_setting(words) == expected


@pytest.mark.parametrize("words", [["after", "0"], ["after", "x"], ["after", "99999"], ["soon"]])
def test_the_setting_grammar_refuses_what_it_does_not_understand(words: list[str]) -> None:
    assert isinstance(parse_checkin_setting(words), str)


def test_the_hire_command_routes_checkin_and_keeps_titles() -> None:
    assert parse_hire_command("checkin after 45") == CheckinSetting(45)
    assert isinstance(parse_hire_command("checkin tomorrow"), Invalid)
    assert parse_hire_command("start checkin lead") == Start("checkin lead")


def test_due_times_and_the_catch_up_window() -> None:
    # A decision made at AT is due 90 days later: the window then ends at AT.
    window = decided_window(AT + timedelta(days=90), 90)
    assert window == (AT - CATCH_UP, AT)
    assert decided_window(AT, 0) is None  # off


def test_counting_by_answer_and_by_followed_or_overridden() -> None:
    held = count_held_up(
        [("yes", True), ("yes", True), ("no", True), ("no", False), ("too_early", False)],
        hidden=2,
    )
    assert held.by_answer == {"yes": 2, "partly": 0, "no": 2, "too_early": 1}
    assert held.followed["yes"] == 2 and held.overrode["no"] == 1 and held.total == 5
    assert compare_followed(held) == "Calls that followed the recommendation held up more often."
    text = held_up_text(held, 90)
    assert "5 answered · Yes *2* · Partly *0* · No *2* · Too early *1*" in text
    assert "Followed the recommendation: 2 of 3 held up · Overrode it: 0 of 1 held up" in text
    assert "2 more check-ins in private channels" in text
    assert compare_followed(count_held_up([("yes", True)])) is None  # nothing to compare yet
    assert "No check-ins answered yet" in held_up_text(count_held_up([]), 0)


def test_the_digest_lists_answered_check_ins_and_counts_private_ones() -> None:
    digest = build_digest(
        (AT, AT + timedelta(days=7)),
        [],
        [],
        [],
        checkins=[DigestCheckin(3, "Lead <b>", "yes", None)],
        hidden_checkins=1,
    )
    text = checkins_text(digest)
    assert "2 check-ins answered" in text
    assert "#3 Lead &lt;b&gt; — :white_check_mark: *Yes*" in text
    assert "1 check-in in a private channel" in text
