"""The recommendation as the thread shows it, through the production app: a verdict whose
answers mostly lean elsewhere, and a tie. Each is decided, then read back with `/hire show`
and `/hire export`, which word how sure it was the same way the thread did.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, Thread, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation

# The answers a user reported: the old message listed 3× product, 2× software, 1× growth
# under "Software engineer (low confidence)".
CONTRADICTORY = [
    "Startup / early-stage",
    "Balanced with stability",
    "Website, signup or billing flow",
    "Larger team of specialists",
    "Sometimes, with a PM",
    "Deep technical systems",
]
# Product and growth engineer on 10 points each: the old engine gave it to product
# engineer without a word.
TIED = [
    "Startup / early-stage",
    "Balanced with stability",
    "Website, signup or billing flow",
    "Small, multi-skilled team",
    "Sometimes, with a PM",
    "Growth metrics",
]


def recommendation_after(slack: SlackDriver, title: str, labels: list[str]) -> dict[str, Any]:
    thread: Thread = start_conversation(slack, title)
    answer_all(thread, labels)
    message = thread.last()
    assert message["text"].startswith("Recommendation for #")
    return message


def hire(slack: SlackDriver, text: str) -> dict[str, Any]:
    """`/hire <text>` as the manager; the ephemeral answer."""
    before = len(slack.state.ephemeral_for("U0MANAGER"))
    slack.command("U0MANAGER", CHANNEL, "/hire", text)
    return wait_for(lambda: slack.state.ephemeral_for("U0MANAGER")[before:], message=text)[-1]


def decide(slack: SlackDriver, recommendation: dict[str, Any], label: str) -> None:
    """Click the button labelled `label`. Two "Decide" buttons share an action id in separate
    blocks, so the click carries that button's own value, as Slack (and the sandbox) send."""
    (button,) = [
        e
        for b in recommendation["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "button" and e["text"]["text"] == label
    ]
    slack.click(
        "U0MANAGER",
        recommendation["ts"],
        button["action_id"],
        channel=CHANNEL,
        value=button["value"],
    )
    wait_for(
        lambda: (
            "Decided: "
            in everything(
                slack.state.find_message(CHANNEL, recommendation["ts"])
                or {"text": "", "blocks": []}
            )
        ),
        message="the decision recorded on the recommendation",
    )


def exported(slack: SlackDriver) -> list[dict[str, str]]:
    assert "Sent" in hire(slack, "export")["text"]
    upload = wait_for(lambda: slack.state.files, message="the exported CSV")[-1]
    return list(csv.DictReader(io.StringIO(upload["content"].decode())))


def test_a_verdict_most_answers_lean_against_says_why(slack: SlackDriver, app: Runtime) -> None:
    message = recommendation_after(slack, "Senior engineer, data platform", CONTRADICTORY)
    text = everything(message)
    assert message["text"] == "Recommendation for #1: Software engineer — slight lead"
    assert "Recommendation: Software engineer" in text
    assert (
        "Software engineer is 1 point ahead of growth engineer — a slight lead: nearly a tie."
        in text
    )
    assert "software engineer 8 · growth engineer 7 · product engineer 6" in text
    # The two answers that give every role the same are neutral, not product engineer's.
    assert "*Balanced with stability* — neutral (+1 to every role)" in text
    assert "*Sometimes, with a PM* — neutral (+1 to every role)" in text
    assert "→" not in text and "confidence" not in text and "%" not in text
    assert (
        "*Larger team of specialists* — leans software engineer (+3 software engineer, +1 growth engineer)"
        in text
    )
    assert (
        "*Startup / early-stage* — leans product engineer (+3 product engineer, +1 growth engineer)"
        in text
    )
    assert (
        "If shipping and iterating fast were critical (not “Balanced with stability”), "
        "this would be *Product engineer*."
    ) in text
    assert "Accept: Software engineer" in buttons(message)

    decide(slack, message, "Accept: Software engineer")
    assert "Software engineer — slight lead" in everything(hire(slack, "show 1"))
    (row,) = exported(slack)
    assert (row["recommendation"], row["confidence"]) == ("software_engineer", "slight lead")


def test_a_tie_is_said_and_left_to_the_person_deciding(slack: SlackDriver, app: Runtime) -> None:
    message = recommendation_after(slack, "Engineer, onboarding", TIED)
    text = everything(message)
    assert message["text"] == (
        "Recommendation for #1: too close to call between product engineer and growth engineer"
    )
    assert "Product engineer and growth engineer tie on 10 points each — too close to call." in text
    assert "I won't pick one for you" in text
    assert "*Towards product engineer*" in text and "*Towards growth engineer*" in text
    assert (
        "If shipping and iterating fast were critical (not “Balanced with stability”), this would be *Product engineer*."
        in text
    )
    assert (
        "If the company were scaling up (not “Startup / early-stage”), this would be *Growth engineer*."
        in text
    )
    # No button accepts a pick the bot didn't make: one per tied role, none preferred.
    assert "Decide: Product engineer" in buttons(message)
    assert "Decide: Growth engineer" in buttons(message)
    assert not any(label.startswith("Accept") for label in buttons(message))

    decide(slack, message, "Decide: Growth engineer")
    detail = everything(hire(slack, "show 1"))
    assert "Too close to call" in detail and "Growth engineer" in detail and "%" not in detail
    (row,) = exported(slack)
    assert (row["recommendation"], row["confidence"], row["final_outcome"]) == (
        "too_close",
        "too close to call",
        "growth_engineer",
    )
