"""Slack's rate limits hold back only what they limit. A post Slack refuses with a long
Retry-After is not waited out in the thread that made it: the message stays owed and is
tried again in its lane once the wait has passed, so the threads stay free for everyone
else's work. Two threads here, as on a small deployment, so two held would be all of them."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.emulator import EmulatorServer, SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import Thread, start
from tests.e2e.test_voices import dm, invite
from tests.listeners.conftest import drain
from tests.listeners.test_private_channels import roots

LIMIT_SECONDS = 20


@pytest.fixture
def extra_settings() -> dict[str, str]:
    return {"BACKGROUND_WORKERS": "2"}


def invite_as(slack: SlackDriver, user: str, thread: Thread, users: list[str]) -> None:
    """`user`, who started `thread`, asks teammates to answer for the team."""
    thread.click(user, "Ask the team…", thread.replies()[0])
    modal = wait_for(lambda: slack.state.modals.get(user), message="the invite modal")[-1]
    assert slack.submit_view(user, modal["id"], {"invitees": {"users": users}}).status == 200


def first_questions(slack: SlackDriver, user: str) -> list[dict[str, Any]]:
    return [m for m in dm(slack, user) if "Question 1 of 6" in m["text"]]


def test_direct_messages_held_back_by_slack_hold_up_nobody_else(
    slack: SlackDriver, emulator: EmulatorServer, app: Runtime
) -> None:
    assert app.services.background.workers == 2
    maya_thread = start(slack, "Staff engineer, payments")
    theo_thread = start(slack, "Data engineer", user="U0TEAMMATE")
    # Slack holds back every message to Ada's DM for a while (429, Retry-After: the rest).
    limit_ends = time.time() + LIMIT_SECONDS
    emulator.state.inject_fault(
        "chat.postMessage", "rate_limited_for", seconds=LIMIT_SECONDS, match={"channel": "D0ADMIN"}
    )
    invite(slack, maya_thread, maya_thread.replies()[0], ["U0ADMIN"])
    invite_as(slack, "U0TEAMMATE", theo_thread, ["U0ADMIN"])
    wait_for(
        lambda: (
            len([c for c in emulator.state.calls_to("chat.postMessage") if c.status == 429]) >= 2
        ),
        message="both invitations' DMs refused for now",
    )
    # Someone else, elsewhere, starts a conversation: it is not held up by Ada's DM.
    assert slack.command("U0ADMIN", "C0GENERAL", "/hire", "Growth engineer").status == 200
    wait_for(lambda: roots(slack, "C0GENERAL"), message="the other channel's /hire")
    assert time.time() < limit_ends, "the root waited for Slack's limit on someone's DM"
    assert first_questions(slack, "U0ADMIN") == []

    # Once Slack's wait has passed, each invitation reaches Ada once, with no one's help.
    asked = wait_for(
        lambda: len(first_questions(slack, "U0ADMIN")) == 2 and first_questions(slack, "U0ADMIN"),
        timeout=LIMIT_SECONDS + 20,
        message="both invitations, after the limit",
    )
    assert {m["ts"] for m in asked} == {m["ts"] for m in first_questions(slack, "U0ADMIN")}
    drain(app)
    assert len(first_questions(slack, "U0ADMIN")) == 2
