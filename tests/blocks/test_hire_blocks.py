"""The hiring conversation's messages: escaped, within Slack's limits, readable as a record."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.blocks.hire import (
    ConversationSummary,
    QuestionView,
    RecommendationView,
    answered_question_message,
    decision_recorded_message,
    options_reminder,
    override_modal,
    question_message,
    recommendation_message,
    root_message,
)
from bot.content.criteria import load_criteria
from bot.core.recommendation import recommend

SOURCE = "https://posthog.com/blog/product-engineer-vs-software-engineer"
STARTUP = {
    "stage": "startup",
    "pace": "critical",
    "product": "saas",
    "team": "small",
    "ownership": "owns",
    "work": "features",
}
# Product and growth engineer on 3 points each.
TIED = {
    "stage": "scaleup",
    "pace": "balanced",
    "product": "funnel",
    "team": "specialists",
    "ownership": "sometimes",
    "work": "features",
}
# Software engineer 4, product engineer 3, growth engineer 0: product engineer is nearer the
# top than the bottom, so two openings make it both, software engineer first.
CLOSE = {
    "stage": "startup",
    "pace": "critical",
    "product": "complex",
    "team": "small",
    "ownership": "sometimes",
    "work": "systems",
}


def _all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


@settings(max_examples=60)
@given(st.text(min_size=1, max_size=4000))
def test_any_title_is_escaped_and_fits(title: str) -> None:
    for state in ("in_progress", "awaiting_decision", "decided", "cancelled"):
        message = root_message(
            ConversationSummary(1, title, "U1", state, 2, final_outcome="both", decided_by="U2")
        )
        assert "<!channel>" not in message.text
        assert len(message.blocks) <= 50
        for block in message.blocks:
            assert len(json.dumps(block)) < 3500


def test_channel_ping_in_title_is_neutralised() -> None:
    message = root_message(ConversationSummary(3, "<!channel> & <@U123>", "U1", "in_progress", 0))
    text = _all_text(message.blocks)
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt;" in text
    assert "<!channel>" not in text and "<@U123>" not in text


def test_question_buttons_carry_ids_not_text() -> None:
    message = question_message(
        QuestionView(
            42,
            2,
            6,
            "What is the product?",
            None,
            [("b2b", "B2B SaaS"), ("data", "Data tool")],
            True,
            version=9,
        )
    )
    buttons = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    answers = [b for b in buttons if b["action_id"].startswith("hire_answer:")]
    # Each button carries the version it was drawn for: a stale one is refused.
    assert [json.loads(b["value"]) for b in answers] == [
        {"c": 42, "s": 2, "o": "b2b", "v": 9},
        {"c": 42, "s": 2, "o": "data", "v": 9},
    ]
    assert {b["action_id"] for b in buttons} >= {"hire_back", "hire_cancel"}


@settings(max_examples=40)
@given(
    prompt=st.text(min_size=1, max_size=4000),
    help_text=st.none() | st.text(min_size=1, max_size=400),
    labels=st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=5),
    step=st.integers(0, 5),
)
@example(prompt="p" * 4000, help_text="h" * 400, labels=["L" * 100, "M" * 76], step=5)
def test_plain_dict_messages_are_valid_block_kit(
    prompt: str, help_text: str | None, labels: list[str], step: int
) -> None:
    """The click's messages are built as plain dicts, not with slack_sdk's models: parsing
    them with the models and serialising again (which checks Slack's limits) must give
    them back unchanged."""
    options = [(f"option{i}", label) for i, label in enumerate(labels)]
    asked = QuestionView(12, step, 6, prompt, help_text, options, step > 0, version=4)
    for message in (
        question_message(asked),
        options_reminder(asked, "I didn't catch that."),
        answered_question_message(step, 6, prompt, labels[0], "U1"),
    ):
        assert len(message.text) <= 3000
        for block in message.blocks:
            parsed = Block.parse(block)
            assert parsed is not None
            assert parsed.to_dict() == block


def test_recommendation_explains_and_offers_the_three_decisions() -> None:
    rec = RecommendationView(7, "Checkout <b>", recommend(load_criteria(), STARTUP))
    message = recommendation_message(rec)
    text = _all_text(message.blocks)
    assert "Product engineer" in message.text
    assert "names startups and early-stage companies" in text
    # The line under the verdict restates the job as answered.
    assert (
        "The job as answered: someone who talks to users and owns the roadmap, and works "
        "mostly on user-facing features" in text
    )
    assert "Checkout &lt;b&gt;" in text
    assert SOURCE in text
    action_ids = {
        e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    }
    assert {"hire_accept", "hire_override", "hire_not_hiring"} <= action_ids
    at = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
    decided = decision_recorded_message(rec, "software_engineer", "U9", "<!here> budget", at)
    decided_text = _all_text(decided.blocks)
    assert "Software engineer" in decided_text and "&lt;!here&gt; budget" in decided_text
    # When, in each reader's own time zone (Slack formats it), not in UTC for everyone.
    assert f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|" in decided_text
    decided_ids = {
        e["action_id"] for b in decided.blocks if b["type"] == "actions" for e in b["elements"]
    }
    assert decided_ids == {"hire_change", "hire_reopen"}  # the decision buttons are gone


def _buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_one_opening_gets_one_verdict_and_is_offered_two_where_that_says_both() -> None:
    one = recommend(load_criteria(), CLOSE)
    assert one.outcome == "software_engineer" and one.both_if_two_openings
    message = recommendation_message(RecommendationView(7, "Platform", one, version=4))
    assert "both" not in message.text.lower()
    offered = _buttons(message.blocks)["We can hire two"]
    assert offered["action_id"] == "hire_openings"
    assert json.loads(offered["value"]) == {"c": 7, "v": 4, "n": 2, "u": ""}
    assert "If the team can hire more than one person" in _all_text(message.blocks)
    # A clear single verdict has nothing to offer: two openings would not change it.
    clear = recommend(load_criteria(), STARTUP)
    assert not clear.both_if_two_openings
    assert "We can hire two" not in _buttons(
        recommendation_message(RecommendationView(7, "t", clear)).blocks
    )


def test_two_openings_say_both_and_which_to_hire_first() -> None:
    two = recommend(load_criteria(), CLOSE, openings=2)
    assert (two.outcome, two.hire_first) == ("both", "software_engineer")
    message = recommendation_message(RecommendationView(7, "Platform", two, version=5))
    text = _all_text(message.blocks)
    assert "hire a *software engineer* first, then a *product engineer*" in text
    assert message.text == (
        "Recommendation for #7: both: a software engineer first, then a product engineer"
    )
    buttons = _buttons(message.blocks)
    assert json.loads(buttons["Accept: Both"]["value"])["r"] == "both"
    assert json.loads(buttons["Only one opening"]["value"]) == {"c": 7, "v": 5, "n": 1, "u": ""}
    assert "We can hire two" not in buttons
    # A near tie says which way each doubt points.
    assert "*Which way it could still go*" in text and "Towards product engineer" in text


def test_override_modal_requires_outcome_and_reason() -> None:
    view = override_modal(7, 3, "product_engineer")
    assert json.loads(view["private_metadata"]) == {"c": 7, "v": 3}
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == ["outcome", "reason"]
    assert all(not b.get("optional") for b in inputs)
    options = [o["value"] for o in inputs[0]["element"]["options"]]
    assert "product_engineer" not in options and "not_hiring" in options
    # After a tie nothing was recommended: every outcome is offered, and none is "too close".
    tied = override_modal(7, 3, "too_close")
    assert "too close to call" in tied["blocks"][0]["text"]["text"]
    offered = [
        o["value"]
        for b in tied["blocks"]
        if b["type"] == "input" and b["block_id"] == "outcome"
        for o in b["element"]["options"]
    ]
    assert "too_close" not in offered and "product_engineer" in offered


def test_action_ids_are_unique_within_each_block() -> None:
    """Slack rejects a block whose interactive elements share an action_id."""
    from bot.blocks import role as role_blocks
    from bot.content.roles import load_roles

    book = load_roles()
    pe, swe = book.role("product_engineer"), book.role("software_engineer")
    messages = [
        role_blocks.role_list(book),
        role_blocks.role_card(book, pe),
        role_blocks.comparison(book, pe, swe),
        role_blocks.fit_question(book, ""),
        role_blocks.fit_result(book, "yynyy"),
        role_blocks.unknown_role(book, "x", list(book.roles), "unknown_role"),
        question_message(QuestionView(1, 1, 6, "Q", None, [("a", "A"), ("b", "B")], True)),
        recommendation_message(RecommendationView(1, "t", recommend(load_criteria(), STARTUP))),
        # Too close to call: one "Decide" button per tied role, each in its own block.
        recommendation_message(RecommendationView(1, "t", recommend(load_criteria(), TIED))),
    ]
    for message in messages:
        for block in message.blocks:
            ids = [e["action_id"] for e in block.get("elements", []) if "action_id" in e]
            assert len(ids) == len(set(ids)), block


def test_the_readme_example_is_the_bots_own_words() -> None:
    """README.md's example exchange quotes the recommendation as the bot writes it, for
    one opening and after "We can hire two" (line breaks and mrkdwn aside)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("### An example exchange", 1)[1].split("```")[1]

    def plain(text: str) -> str:
        for mark in ("*", "_", "`"):
            text = text.replace(mark, "")
        return " ".join(text.replace(" …", "").split())

    shown = plain(example)
    answers = {
        "stage": "large",
        "pace": "critical",
        "product": "saas",
        "team": "small",
        "ownership": "implements",
        "work": "systems",
    }
    title = "Senior engineer, data platform"
    one = recommendation_message(RecommendationView(1, title, recommend(load_criteria(), answers)))
    two = recommendation_message(
        RecommendationView(1, title, recommend(load_criteria(), answers, openings=2))
    )
    quoted = []
    for message, blocks in ((one, (1, 2)), (two, (1,))):
        for index in blocks:
            quoted += message.blocks[index]["text"]["text"].split("\n")
    for line in quoted:
        words = re.sub(r"^:[a-z_]+: ", "", plain(line)).split(" (the smallest")[0]
        assert words in shown, line
