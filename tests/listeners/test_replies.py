"""A conversation that listens: typed replies through the production app, as the people in
the thread see them (the emulator's record)."""

from __future__ import annotations

from typing import Any

from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, Thread, answer_all, everything
from tests.e2e.test_hire import start as start_conversation


def say(slack: SlackDriver, thread: Thread, text: str, expect: str) -> dict[str, Any]:
    """Type `text` in the thread; the ephemeral reply that contains `expect`."""
    before = len(slack.state.ephemeral_for("U0MANAGER"))
    slack.message("U0MANAGER", CHANNEL, text, thread_ts=thread.root_ts)
    return wait_for(
        lambda: next(
            (m for m in slack.state.ephemeral_for("U0MANAGER")[before:] if expect in m["text"]),
            None,
        ),
        message=f"the reply to {text!r}",
    )


def test_loose_wording_back_unclear_and_notes(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS[:3])
    read = say(slack, thread, "larger team", "Read")
    assert "Read “larger team” as *Larger team of specialists*" in read["text"]
    wait_for(lambda: "Question 5 of 6" in everything(thread.last()), message="question 5")
    slack.message("U0MANAGER", CHANNEL, "back", thread_ts=thread.root_ts)
    wait_for(lambda: "Question 4 of 6" in everything(thread.last()), message="question 4 again")
    unclear = say(slack, thread, "blah", "didn't catch")
    assert "Small, multi-skilled team" in everything(unclear)  # the options, as buttons
    # Slack shows the blocks, not the text, so the blocks say why they are there too.
    shown = " ".join(b["text"]["text"] for b in unclear["blocks"] if b["type"] == "section")
    assert "I didn't catch that" in shown and "`note:`" in shown
    noted = say(slack, thread, "note: ask about on-call", "Noted")
    assert "kept with this decision" in noted["text"]
    # The option buttons in the ephemeral reply answer the question too.
    slack.click(
        "U0MANAGER",
        unclear["ts"],
        next(
            e["action_id"]
            for b in unclear["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["text"]["text"] == "Small, multi-skilled team"
        ),
        channel=CHANNEL,
    )
    wait_for(lambda: "Question 5 of 6" in everything(thread.last()), message="question 5 again")


def test_a_title_or_channel_with_the_word_payload_is_not_dropped(
    slack: SlackDriver, app: Runtime
) -> None:
    """Bolt's own parser reads any form body containing "payload" as an interactivity payload,
    so these commands used to arrive as an empty body and vanish without a reply."""
    thread = start_conversation(slack, title="Payload team lead")
    assert "Payload team lead" in everything(thread.root)
    slack.state.add_channel("C0PAYLOAD", "payload-infra", members=["U0MANAGER"])
    result = slack.command("U0MANAGER", "C0PAYLOAD", "/role", "payload")
    assert result.status == 200
    reply = wait_for(
        lambda: next(iter(slack.state.ephemeral_for("U0MANAGER", "C0PAYLOAD")), None),
        message="the /role reply in #payload-infra",
    )
    assert "payload" in reply["text"].lower()


def test_an_answer_also_sent_to_the_channel_counts_like_any_reply(
    slack: SlackDriver, app: Runtime
) -> None:
    """Slack's "Also send to #channel" makes the reply a thread_broadcast message: still a
    reply of the thread, and an answer like any other."""
    thread = start_conversation(slack)
    sent = slack.message("U0MANAGER", CHANNEL, "startup", thread_ts=thread.root_ts, broadcast=True)
    assert sent.delivered
    wait_for(lambda: "Question 2 of 6" in everything(thread.last()), message="question 2")
    assert "Startup / early-stage" in everything(thread.replies()[0])
    # The answer shows in the channel too, as Slack shows a broadcast reply.
    in_channel = slack.state.messages_in(CHANNEL, include_ephemeral=False)
    assert any(m["ts"] == sent.created["ts"] for m in in_channel)  # type: ignore[index]
