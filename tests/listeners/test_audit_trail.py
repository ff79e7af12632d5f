"""`/hire show <id>` lists every change to a conversation as a sentence: who made it, by
name (as Slack names them), and when, dated in the reader's time zone. An answer set aside by
going back is still told, and so are going back, the decision and its changes, a cancel, the
thread found gone and the restart."""

from __future__ import annotations

import re

from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, answer_all, buttons, everything
from tests.e2e.test_hire import start as start_conversation
from tests.listeners.test_home_cancel import state_of
from tests.listeners.test_orphans import hire, orphaned_at
from tests.modals import settled_modal

DATE = r"<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+ UTC>"


def history(slack: SlackDriver, conversation_id: int, user: str = "U0MANAGER") -> list[str]:
    """The History lines of `/hire show`, in order."""
    shown = hire(slack, f"show {conversation_id}", user=user)
    texts = [
        element["text"]
        for block in shown["blocks"]
        if block["type"] == "context"
        for element in block["elements"]
    ]
    found = "\n".join(t for t in texts if t.startswith("*History*") or t.startswith("• "))
    return [line for line in found.splitlines() if line.startswith("• ")]


def test_every_change_is_listed_with_who_made_it_and_when(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS[:3])
    thread.click("U0ADMIN", "← Back")  # back from question 4 to question 3
    wait_for(
        lambda: "Question 3 of 6" in everything(thread.last()) and buttons(thread.last()),
        message="question 3 asked again",
    )
    thread.click("U0MANAGER", "Large, complex data tool or platform")
    wait_for(lambda: "Question 4 of 6" in everything(thread.last()), message="question 4")
    for label in STARTUP_ANSWERS[3:]:
        before = len(thread.replies())
        thread.click("U0MANAGER", label)
        thread.wait_replies(before + 1)
    recommendation = thread.last()
    accept = next(label for label in buttons(recommendation) if label.startswith("Accept:"))
    thread.click("U0MANAGER", accept, recommendation)
    wait_for(lambda: state_of(app, 1) == "decided", message="decided")
    decided = wait_for(
        lambda: next((m for m in thread.replies() if "Change decision…" in buttons(m)), None),
        message="the recommendation rewritten as the decision",
    )
    slack.click("U0ADMIN", decided["ts"], "hire_change", channel=CHANNEL)
    modal = settled_modal(slack.state, "U0ADMIN", "change modal")
    slack.submit_view(
        "U0ADMIN",
        modal["id"],
        {"outcome": {"value": "software_engineer"}, "reason": {"value": "Payments needs depth"}},
    )
    wait_for(lambda: "Software engineer" in everything(thread.root), message="changed")

    asked_before = len(slack.state.calls_to("users.info"))
    lines = history(slack, 1)
    # Each person is named from one users.info at most, however many lines they have.
    asked = [c.args.get("user") for c in slack.state.calls_to("users.info")[asked_before:]]
    assert sorted(asked) == sorted(set(asked)) and set(asked) <= {"U0MANAGER", "U0ADMIN"}
    assert all(re.search(rf" — {DATE}$", line) for line in lines), lines
    said = [re.sub(rf" — {DATE}$", "", line) for line in lines]
    was = accept.removeprefix("Accept: ")
    assert said == [
        "• Maya Patel started it in <#C0HIRING>",
        "• Maya Patel answered *What stage is the company at?*: Startup / early-stage",
        "• Maya Patel answered *How important is moving fast and iterating on the product?*: "
        "Critical — ship and iterate",
        "• Maya Patel answered *What kind of product will they work on?*: "
        "B2B SaaS / subscription app",
        "• Ada Okafor went back to *What kind of product will they work on?*, setting aside "
        "the answers from there on",
        "• Maya Patel answered *What kind of product will they work on?*: Large, complex data tool or platform",
        "• Maya Patel answered *What does the team look like?*: Small, multi-skilled team",
        "• Maya Patel answered *Will this person talk to users and own roadmap decisions?*: "
        "Yes — talks to users, owns roadmap",
        "• Maya Patel answered *What will the work mostly be?*: User-facing features",
        f"• Maya Patel recorded the decision: *{was}*",
        f"• Ada Okafor changed the decision from *{was}* to *Software engineer*: "
        "“Payments needs depth”",
    ]


def test_a_cancel_an_orphan_and_a_restart_are_listed_too(slack: SlackDriver, app: Runtime) -> None:
    orphaned_at(slack, app, answered=1)  # #1: Maya's click found its thread gone
    said = hire(slack, "restart 1", channel="C0GENERAL")
    assert "Restarted #1" in said["text"]
    start_conversation(slack, "Another role", user="U0TEAMMATE")  # #2
    hire(slack, "cancel 2 role filled internally", user="U0ADMIN")
    wait_for(lambda: state_of(app, 2) == "cancelled", message="cancelled")

    first = [re.sub(rf" — {DATE}$", "", line) for line in history(slack, 1)]
    assert first[-2:] == [
        "• Orphaned: thread deleted (found when Maya Patel acted)",
        "• Restarted in a new thread in <#C0GENERAL> by Maya Patel",
    ]
    assert first[0] == "• Maya Patel started it in <#C0HIRING>"
    second = history(slack, 2)
    assert re.fullmatch(
        rf"• Cancelled by Ada Okafor: “role filled internally” — {DATE}", second[-1]
    ), second
    assert second[0].startswith("• Theo Nguyen started it in <#C0HIRING>")
