"""The recommendation as the thread shows it, through the production app: a verdict whose
answers mostly lean elsewhere (the job outweighs the company), a tie, and "We can hire two".
Each is decided, then read back with `/hire show` and `/hire export`, which word how sure it
was the same way the thread did.
"""

from __future__ import annotations

import copy
import csv
import io
from typing import Any

from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, Thread, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation

# Three company answers lean to product engineer, the two about the job to software
# engineer: the job weighs more, so software engineer, 5 points to 3.
CONTRADICTORY = [
    "Large company",
    "Critical — ship and iterate",
    "B2B SaaS / subscription app",
    "Small, multi-skilled team",
    "No — implements the plan",
    "Deep technical systems",
]
# Product and growth engineer on 3 points each: never handed to one of them.
TIED = [
    "Scaling up",
    "Balanced with stability",
    "Website, signup or billing flow",
    "Larger team of specialists",
    "Sometimes, with a PM",
    "User-facing features",
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
        "Software engineer is 2 points ahead of product engineer — a slight lead: nearly a tie."
        in text
    )
    assert "software engineer 5 · product engineer 3 · growth engineer 0" in text
    # The line under the verdict restates the job, so it cannot contradict an answer.
    assert (
        "The job as answered: someone who builds what others plan, and works mostly on deep "
        "technical systems." in text
    )
    # Only an answer that gives every role the same is neutral.
    assert "*Large company* — neutral (no points to any role)" in text
    assert "→" not in text and "confidence" not in text and "%" not in text
    assert "*No — implements the plan* — leans software engineer (+2 software engineer)" in text
    assert "*Small, multi-skilled team* — leans product engineer (+1 product engineer)" in text
    assert (
        "More answers lean away from this (3) than towards it (2), but the verdict follows the "
        "points, not the count: the answers about the job itself carry more points"
    ) in text
    assert (
        "If the hire shared product calls with a PM (not “No — implements the plan”), it would "
        "be too close to call."
    ) in text
    assert "Accept: Software engineer" in buttons(message)

    decide(slack, message, "Accept: Software engineer")
    assert "Software engineer — slight lead" in everything(hire(slack, "show 1"))
    (row,) = exported(slack)
    assert (row["recommendation"], row["confidence"], row["openings"]) == (
        "software_engineer",
        "slight lead",
        "1",
    )


def test_a_tie_is_said_and_left_to_the_person_deciding(slack: SlackDriver, app: Runtime) -> None:
    message = recommendation_after(slack, "Engineer, onboarding", TIED)
    text = everything(message)
    assert message["text"] == (
        "Recommendation for #1: too close to call between product engineer and growth engineer"
    )
    assert "Product engineer and growth engineer tie on 3 points each — too close to call." in text
    assert "I won't pick one for you" in text
    assert "*Towards product engineer*" in text and "*Towards growth engineer*" in text
    assert (
        "If the company were a startup or early-stage (not “Scaling up”), this would be "
        "*Product engineer*." in text
    )
    assert (
        "If the work were mostly about growth metrics (not “User-facing features”), this would "
        "be *Growth engineer*." in text
    )
    # No button accepts a pick the bot didn't make: one per tied role, none preferred; and
    # no "both" for a tie that is not between product and software engineer.
    assert "Decide: Product engineer" in buttons(message)
    assert "Decide: Growth engineer" in buttons(message)
    assert not any(label.startswith("Accept") for label in buttons(message))
    assert "We can hire two" not in buttons(message)

    decide(slack, message, "Decide: Growth engineer")
    detail = everything(hire(slack, "show 1"))
    assert "Too close to call" in detail and "Growth engineer" in detail and "%" not in detail
    (row,) = exported(slack)
    assert (row["recommendation"], row["confidence"], row["final_outcome"]) == (
        "too_close",
        "too close to call",
        "growth_engineer",
    )


def test_we_can_hire_two_makes_it_both_with_which_to_hire_first(
    slack: SlackDriver, app: Runtime
) -> None:
    """One opening gets one kind of engineer; the starter says the team can hire two, and the
    same message now says both, software engineer first. A second or stale click records
    nothing; `/hire show` and the export keep the number of openings."""
    message = recommendation_after(slack, "Senior engineer, data platform", CONTRADICTORY)
    before = copy.deepcopy(message)
    assert "both" not in message["text"].lower()
    labels = buttons(message)
    assert "We can hire two" in labels
    result = slack.click("U0MANAGER", message["ts"], labels["We can hire two"], channel=CHANNEL)
    assert result.status == 200

    def rewritten() -> dict[str, Any] | None:
        found = slack.state.find_message(CHANNEL, message["ts"])
        return found if found and "Recommendation: Both" in everything(found) else None

    both = wait_for(rewritten, message="the recommendation rewritten for two openings")
    text = everything(both)
    assert both["text"] == (
        "Recommendation for #1: both: a software engineer first, then a product engineer"
    )
    assert "hire a *software engineer* first, then a *product engineer*" in text
    assert "Only one opening" in buttons(both) and "We can hire two" not in buttons(both)
    note = "said the team can hire more than one person"
    wait_for(
        lambda: (
            any(
                note in m["text"]
                for m in slack.state.messages_in(CHANNEL, thread_ts=message["thread_ts"])
            )
            or None
        ),
        message="the thread says who recorded two openings",
    )

    # The button as a slow client still shows it: stale, so nothing more is recorded.
    seen = len(slack.state.ephemeral_for("U0MANAGER"))
    slack.click(
        "U0MANAGER",
        message["ts"],
        labels["We can hire two"],
        channel=CHANNEL,
        stale_copy=before,
    )
    refusal = wait_for(
        lambda: slack.state.ephemeral_for("U0MANAGER")[seen:], message="the stale click told"
    )[-1]
    assert "earlier step" in refusal["text"]
    notes = [
        m
        for m in slack.state.messages_in(CHANNEL, thread_ts=message["thread_ts"])
        if note in m["text"]
    ]
    assert len(notes) == 1

    detail = everything(hire(slack, "show 1"))
    assert "*Openings*\\nMore than one" in detail
    assert "Both: a product engineer and a software engineer — software engineer first" in detail
    assert "said the team can hire more than one person" in detail  # the history

    decide(slack, both, "Accept: Both")
    (row,) = exported(slack)
    assert (row["recommendation"], row["final_outcome"], row["openings"]) == ("both", "both", "2")
