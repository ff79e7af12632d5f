"""Every modal opens within Slack's trigger window: `views.open` is the first Web API call the
click makes (a trigger_id works once, for 3 seconds: the emulator refuses it after, as Slack
does). What needs Slack's answer first (is this person an admin?) is asked after the modal is
open, which then shows the form or who may use it.

A Web API call before `views.open` (users.info to judge an admin, conversations.list for the
digest's channels) made these modals miss the window on a slow Slack or a busy bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.core.interactions import ConversationValue
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, answer_all, everything
from tests.e2e.test_hire import start as start_conversation
from tests.listeners.conftest import drain
from tests.listeners.test_home_cancel import home
from tests.modals import is_checking, settled_modal

MAYA, THEO, ADA = "U0MANAGER", "U0TEAMMATE", "U0ADMIN"


def calls_of(slack: SlackDriver, app: Runtime, act: Callable[[], object], user: str) -> list[str]:
    """The Web API methods the bot called because of `act`, which opens a modal for `user`:
    everything from the click until that modal shows what it was opened for, and the work
    it started has finished."""
    drain(app)
    before = len(slack.state.calls)
    stack = slack.state.modals.get(user) or []
    old = stack[-1]["id"] if stack else None

    def opened() -> bool:
        top = (slack.state.modals.get(user) or [None])[-1]
        return top is not None and top["id"] != old and not is_checking(top)

    act()
    # The click's ack comes back before its listener has opened the modal and handed its
    # work to the background: wait for what the person sees, then for that work.
    wait_for(opened, message=f"{user}'s modal, filled in")
    drain(app)
    return [call.method for call in slack.state.calls[before:]]


def modal_text(slack: SlackDriver, user: str) -> str:
    modal = settled_modal(slack.state, user)
    return everything({"text": "", "blocks": modal["blocks"]}) + str(modal.get("submit"))


@pytest.mark.parametrize(
    ("user", "shows"),
    [(ADA, "Digest managers"), (THEO, "Only workspace admins can change the digest.")],
)
def test_the_digest_settings_modal_opens_before_any_other_call(
    slack: SlackDriver, app: Runtime, user: str, shows: str
) -> None:
    tab = home(slack, user)
    methods = calls_of(
        slack, app, lambda: slack.click_view(user, tab["id"], "home_digest_settings"), user
    )
    assert methods[0] == "views.open", methods
    assert "views.update" in methods
    # Slack's own channel menu lists the channels: no conversations.list to fetch them.
    assert "conversations.list" not in methods
    assert shows in modal_text(slack, user)


def test_the_digest_channel_is_picked_from_slacks_conversations_menu(
    slack: SlackDriver, app: Runtime
) -> None:
    tab = home(slack, ADA)
    slack.click_view(ADA, tab["id"], "home_digest_settings")
    modal = settled_modal(slack.state, ADA)
    channel = next(b for b in modal["blocks"] if b.get("block_id") == "channel")["element"]
    assert channel["type"] == "conversations_select"
    assert channel["filter"] == {"include": ["public", "private"], "exclude_bot_users": True}


def test_a_decision_modal_opens_first_for_an_admin_and_says_no_to_a_teammate(
    slack: SlackDriver, app: Runtime
) -> None:
    thread = start_conversation(slack)
    answer_all(thread, STARTUP_ANSWERS)
    recommendation = thread.last()
    for user, shows in ((ADA, "Why"), (THEO, "Only <@U0MANAGER>, who started")):
        methods = calls_of(
            slack,
            app,
            lambda u=user: slack.click(u, recommendation["ts"], "hire_override", channel=CHANNEL),
            user,
        )
        assert methods[0] == "views.open", methods
        assert shows in modal_text(slack, user)
    # The starter's needs no check at all: the form opens at once.
    assert calls_of(
        slack,
        app,
        lambda: slack.click(MAYA, recommendation["ts"], "hire_not_hiring", channel=CHANNEL),
        MAYA,
    ) == ["views.open"]


def test_ask_the_team_opens_first_for_an_admin(slack: SlackDriver, app: Runtime) -> None:
    thread = start_conversation(slack)
    question = thread.last()
    methods = calls_of(
        slack, app, lambda: slack.click(ADA, question["ts"], "voices_invite", channel=CHANNEL), ADA
    )
    assert methods[0] == "views.open", methods
    assert "Ask them" in modal_text(slack, ADA)


def test_cancel_from_home_opens_first_for_an_admin(slack: SlackDriver, app: Runtime) -> None:
    start_conversation(slack)  # Maya's #1
    tab = home(slack, ADA)
    methods = calls_of(
        slack,
        app,
        lambda: slack.click_view(
            ADA, tab["id"], "home_cancel", value=ConversationValue(1).encode()
        ),
        ADA,
    )
    assert methods[0] == "views.open", methods
    assert "Cancel it" in modal_text(slack, ADA)


def test_a_modal_opened_after_its_trigger_expired_is_refused(
    slack: SlackDriver, app: Runtime
) -> None:
    """What the window means: a views.open that reaches Slack more than 3 s after the click
    opens nothing (here Slack is slow to take it)."""
    thread = start_conversation(slack)
    slack.state.inject_fault("views.open", "delay", seconds=3.2)
    slack.click(MAYA, thread.last()["ts"], "voices_invite", channel=CHANNEL)
    opened: list[dict[str, Any]] = wait_for(
        lambda: [c for c in slack.state.calls_to("views.open") if c.response],
        message="the late views.open",
        timeout=15,
    )
    assert opened[0].response == {"ok": False, "error": "expired_trigger_id"}
    assert not slack.state.modals.get(MAYA)
