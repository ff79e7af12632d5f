"""`/role` in process: the self-check's read-out, `public`, and cards that open on a summary.

The production Bolt app gets signed requests; the assertions read what the emulator
recorded, as the person in Slack (or the channel) would see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from bot.content.roles import load_roles
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_role import _buttons as buttons
from tests.e2e.test_role import _headers as headers
from tests.e2e.test_role import _texts as everything
from tests.listeners.conftest import drain

# `/role` reads no table, so one backend is enough here (the e2e test runs both).
pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)

CHANNEL = "C0GENERAL"
VS_ARTICLE = "https://posthog.com/blog/product-engineer-vs-software-engineer"
WHAT_IS_ARTICLE = "https://posthog.com/blog/what-is-a-product-engineer"
QUESTIONS = load_roles().self_check.questions


def current(slack: SlackDriver, ts: str) -> dict[str, Any]:
    message = slack.state.find_message(CHANNEL, ts)
    assert message is not None
    return message


def channel_posts(slack: SlackDriver) -> list[dict[str, Any]]:
    return slack.state.messages_in(CHANNEL, include_ephemeral=False)


def take_fit(slack: SlackDriver, user: str, answers: Sequence[str], text: str = "fit") -> str:
    """Run `/role <text>` and click through the questions; return the ephemeral's ts."""
    reply = slack.command(user, CHANNEL, "/role", text).created
    assert reply is not None and reply["ephemeral_for"] == user
    ts = str(reply["ts"])
    total = len(QUESTIONS)
    for step, answer in enumerate(answers, start=1):
        shown = current(slack, ts)
        assert f"{step} of {total}" in shown["text"], shown["text"]
        slack.click(user, ts, f"role_fit_answer:{answer}", channel=CHANNEL)
        if step < total:
            wait_for(
                lambda s=step: f"{s + 1} of {total}" in current(slack, ts)["text"],
                message=f"question {step + 1}",
            )
    return ts


def lines_of(message: dict[str, Any]) -> list[str]:
    """Every line of the message's section texts, as Slack would lay them out."""
    return [
        line
        for block in message["blocks"]
        if block["type"] == "section" and block.get("text")
        for line in block["text"]["text"].split("\n")
    ]


# -- the self-check -------------------------------------------------------------------------


def test_the_intro_counts_the_questions_it_asks(slack: SlackDriver) -> None:
    reply = slack.command("U0TEAMMATE", CHANNEL, "/role", "fit").created
    assert reply is not None
    assert len(QUESTIONS) == 5  # the words below follow the data; update both together
    assert "Five quick yes/no questions" in everything(reply)
    assert f"1 of {len(QUESTIONS)}" in reply["text"]
    assert "Four" not in everything(reply)


@pytest.mark.parametrize(
    ("answers", "title", "tally"),
    [
        # Yes to everything: the last question points to software engineering.
        (
            "yyyyy",
            "Leaning towards product engineering",
            "4 of 5 answers point to product engineering, 1 answer to software engineering.",
        ),
        (
            "nnnnn",
            "Leaning towards software engineering",
            "4 of 5 answers point to software engineering, 1 answer to product engineering.",
        ),
        (
            "yyyyn",
            "Product engineering suits you",
            "All 5 answers point to product engineering.",
        ),
        (
            "nnnny",
            "Software engineering suits you",
            "All 5 answers point to software engineering.",
        ),
        (
            "yynnn",
            "You could go either way",
            "3 answers point to product engineering and 2 answers to software engineering",
        ),
    ],
    ids=["all-yes", "all-no", "all-product", "all-software", "mixed"],
)
def test_the_read_out_says_how_many_point_each_way(
    slack: SlackDriver, answers: str, title: str, tally: str
) -> None:
    words = ["yes" if a == "y" else "no" for a in answers]
    ts = take_fit(slack, "U0TEAMMATE", words)
    result = wait_for(
        lambda: current(slack, ts) if headers(current(slack, ts)) == [title] else None,
        message=f"the read-out {title!r}",
    )
    assert tally in result["text"]  # the notification says it too
    assert VS_ARTICLE in everything(result)
    assert result["ephemeral_for"] == "U0TEAMMATE" and channel_posts(slack) == []
    assert "answers point" in everything(result) or "answer points" in everything(result)
    assert "1 answers" not in everything(result)
    # Each answer is marked with the way it points, never with a tick for a plain "yes".
    assert "✅" not in everything(result)
    marks = [line for line in lines_of(result) if "→" in line]
    assert len(marks) == len(QUESTIONS)
    for line, question, answer in zip(marks, QUESTIONS, answers, strict=True):
        towards = question.points_to(answer == "y")
        side = load_roles().self_check.sides[towards]
        assert question.text in line
        assert line.startswith(load_roles().role(towards).emoji), line
        assert f"→ {side}" in line, line
    assert set(buttons(result)) >= {"Share in channel", "Start over"}


def test_a_yes_towards_software_engineering_is_marked_as_such(slack: SlackDriver) -> None:
    ts = take_fit(slack, "U0TEAMMATE", ["yes"] * len(QUESTIONS))
    result = wait_for(lambda: headers(current(slack, ts)) and current(slack, ts), message="result")
    deep = next(line for line in lines_of(result) if "hard technical problems" in line)
    assert deep.startswith(":gear: *Yes* → software engineering"), deep


def test_fit_public_keeps_the_answers_private_and_posts_the_result(slack: SlackDriver) -> None:
    reply = slack.command("U0TEAMMATE", CHANNEL, "/role", "fit public").created
    assert reply is not None and reply["ephemeral_for"] == "U0TEAMMATE"
    assert "posted in this channel" in everything(reply)
    assert channel_posts(slack) == []
    ts = take_fit(slack, "U0TEAMMATE", ["yes", "yes", "yes", "yes", "no"], "fit public")
    (shared,) = wait_for(lambda: channel_posts(slack), message="the result in the channel")
    assert headers(shared) == ["Product engineering suits you"]
    assert "<@U0TEAMMATE>'s answers" in everything(shared)
    assert "All 5 answers point to product engineering" in shared["text"]
    assert VS_ARTICLE in everything(shared)
    assert "Share in channel" not in buttons(shared)
    wait_for(
        lambda: "Shared in <#C0GENERAL>" in everything(current(slack, ts)),
        message="the ephemeral confirms the share",
    )


def test_the_share_button_on_a_private_result_posts_it(slack: SlackDriver) -> None:
    ts = take_fit(slack, "U0TEAMMATE", ["no"] * len(QUESTIONS))
    result = wait_for(lambda: headers(current(slack, ts)) and current(slack, ts), message="result")
    assert channel_posts(slack) == []
    slack.click("U0TEAMMATE", ts, buttons(result)["Share in channel"], channel=CHANNEL)
    (shared,) = wait_for(lambda: channel_posts(slack), message="the shared result")
    assert headers(shared) == ["Leaning towards software engineering"]
    assert "<@U0TEAMMATE>'s answers" in everything(shared)


def test_take_the_self_check_from_a_shared_result_never_rewrites_it(
    slack: SlackDriver, app: Runtime
) -> None:
    take_fit(slack, "U0TEAMMATE", ["yes"] * len(QUESTIONS), "fit public")
    (shared,) = wait_for(lambda: channel_posts(slack), message="the shared result")
    before = len(slack.state.ephemeral_for("U0MANAGER"))
    slack.click("U0MANAGER", shared["ts"], buttons(shared)["Take the self-check"], channel=CHANNEL)
    mine = wait_for(
        lambda: slack.state.ephemeral_for("U0MANAGER")[before:], message="a private start"
    )
    assert f"1 of {len(QUESTIONS)}" in mine[-1]["text"]
    drain(app)
    assert channel_posts(slack) == [shared]


# -- cards and comparisons ------------------------------------------------------------------


def test_a_card_opens_on_a_twenty_second_summary(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", CHANNEL, "/role", "product engineer").created
    assert reply is not None and reply["ephemeral_for"] == "U0MANAGER"
    assert headers(reply) == [":rocket: Product engineer"]
    bullets = [line for line in lines_of(reply) if line.startswith("• ")]
    assert bullets == [f"• {item}" for item in load_roles().role("product_engineer").brief.items]
    assert VS_ARTICLE in everything(reply)
    assert "Focus and ownership" not in everything(reply)
    assert {"More", "Share in channel"} <= set(buttons(reply))


def test_more_opens_the_full_card_in_place_and_less_folds_it(
    slack: SlackDriver, app: Runtime
) -> None:
    reply = slack.command("U0MANAGER", CHANNEL, "/role", "pe").created
    assert reply is not None
    count = len(slack.state.messages_in(CHANNEL))
    slack.click("U0MANAGER", reply["ts"], buttons(reply)["More"], channel=CHANNEL)
    full = wait_for(
        lambda: (
            current(slack, reply["ts"])
            if "Focus and ownership" in everything(current(slack, reply["ts"]))
            else None
        ),
        message="the full card in place",
    )
    for part in ("Where the time goes", "What they're like", "Skills", "Hire one when"):
        assert part in everything(full)
    assert WHAT_IS_ARTICLE in everything(full) and VS_ARTICLE in everything(full)
    assert full["ephemeral_for"] == "U0MANAGER"
    slack.click("U0MANAGER", reply["ts"], buttons(full)["Less"], channel=CHANNEL)
    wait_for(
        lambda: "Focus and ownership" not in everything(current(slack, reply["ts"])),
        message="back to the summary",
    )
    drain(app)
    assert len(slack.state.messages_in(CHANNEL)) == count  # replaced, never added


def test_more_on_a_shared_card_answers_the_clicker_alone(slack: SlackDriver, app: Runtime) -> None:
    shared = slack.command("U0MANAGER", CHANNEL, "/role", "swe public").created
    assert shared is not None and not shared.get("ephemeral_for")
    assert "Shared by <@U0MANAGER>" in everything(shared)
    assert list(buttons(shared)) == ["More"]
    slack.click("U0TEAMMATE", shared["ts"], buttons(shared)["More"], channel=CHANNEL)
    (full,) = wait_for(lambda: slack.state.ephemeral_for("U0TEAMMATE"), message="a private card")
    assert "Focus and ownership" in everything(full) and ":gear: Software engineer" in headers(full)
    drain(app)
    (unchanged,) = channel_posts(slack)
    assert "Focus and ownership" not in everything(unchanged)
    assert "edited" not in unchanged


def test_a_comparison_opens_on_a_short_side_by_side(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", CHANNEL, "/role", "compare pe vs swe").created
    assert reply is not None
    book = load_roles()
    columns = [b for b in reply["blocks"] if b["type"] == "section" and b.get("fields")]
    labels = [b["fields"][0]["text"].split("*")[1] for b in columns]
    assert labels == [d.label for d in book.comparison.brief]
    assert all(len(b["fields"]) == 2 for b in columns)
    assert VS_ARTICLE in everything(reply)
    slack.click("U0MANAGER", reply["ts"], buttons(reply)["More"], channel=CHANNEL)
    full = wait_for(
        lambda: (
            current(slack, reply["ts"])
            if "When to hire which" in everything(current(slack, reply["ts"]))
            else None
        ),
        message="the full comparison",
    )
    columns = [b for b in full["blocks"] if b["type"] == "section" and b.get("fields")]
    assert len(columns) == len(book.comparison.dimensions)


def test_a_more_button_with_a_value_we_never_drew_is_answered(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", CHANNEL, "/role", "growth").created
    assert reply is not None
    for value in (
        '{"r":"data_scientist","v":"full"}',
        '{"a":"growth_engineer","b":"growth_engineer"}',
        "x",
    ):
        slack.click("U0MANAGER", reply["ts"], "role_more", channel=CHANNEL, value=value)
    said = wait_for(
        lambda: [m for m in slack.state.ephemeral_for("U0MANAGER") if "older version" in m["text"]][
            2:
        ],
        message="three stale answers",
    )
    assert said
    assert headers(current(slack, reply["ts"])) == [":chart_with_upwards_trend: Growth engineer"]
