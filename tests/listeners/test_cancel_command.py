"""`/hire cancel <id> [reason]`: the starter or an admin closes a conversation, from any
channel, even one whose thread is gone; nothing is deleted and the history says why."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import DecisionEvent, HiringConversation
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, everything
from tests.e2e.test_hire import start as start_conversation


def cancel(slack: SlackDriver, user: str, text: str) -> str:
    before = len(slack.state.ephemeral_for(user))
    assert slack.command(user, "C0GENERAL", "/hire", f"cancel {text}").status == 200
    replies = wait_for(lambda: slack.state.ephemeral_for(user)[before:], message="the reply")
    return str(replies[-1]["text"])


def state_of(app: Runtime) -> str:
    with app.session_factory() as session:
        return str(session.scalar(select(HiringConversation.state)))


def test_the_starter_cancels_with_a_reason_from_another_channel(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    said = cancel(slack, "U0MANAGER", "1 role filled internally")
    assert "Cancelled #1" in said and "with your reason" in said
    assert state_of(app) == "cancelled"
    wait_for(lambda: "Cancelled" in everything(thread.root), message="the root says so")
    with app.session_factory() as session:
        event = session.execute(select(DecisionEvent.kind, DecisionEvent.reason)).one()
    assert tuple(event) == ("cancelled", "role filled internally")
    assert "already cancelled" in cancel(slack, "U0MANAGER", "1")


def test_a_teammate_is_refused_and_an_admin_may(slack: SlackDriver, app: Runtime) -> None:
    start_conversation(slack)
    refused = cancel(slack, "U0TEAMMATE", "1")
    assert "Only <@U0MANAGER>" in refused and state_of(app) == "in_progress"
    assert "Cancelled #1" in cancel(slack, "U0ADMIN", "1 duplicate")
    assert state_of(app) == "cancelled"


def test_a_conversation_whose_thread_is_gone_can_still_be_closed(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    for message in slack.state.thread(CHANNEL, thread.root_ts):  # deleted in Slack
        slack.state.delete_message(message)
    assert "Cancelled #1" in cancel(slack, "U0MANAGER", "1 thread deleted")
    assert state_of(app) == "cancelled"
    assert not slack.state.messages_in(CHANNEL, include_ephemeral=False)


def test_unknown_and_malformed_numbers_are_answered(slack: SlackDriver) -> None:
    assert "no hiring conversation #99" in cancel(slack, "U0MANAGER", "99")
    bad = slack.command("U0MANAGER", CHANNEL, "/hire", "cancel ²").created
    assert bad is not None and "not a decision number" in everything(bad)
