"""The person behind a request is resolved once (bot.slack.actor): whether they are a workspace
admin is asked of Slack (`users.info`) only when something needs to know, at most once per
request, and kept for a minute, so a demoted admin loses their rights within that minute.

People (the emulator's workspace): Ada (U0ADMIN) is an admin and owner; Maya (U0MANAGER)
is not."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import OffsetClock
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from bot.slack.actor import ADMIN_TTL_SECONDS
from tests.e2e.test_hire import CHANNEL, STARTUP_ANSWERS, start
from tests.listeners.conftest import drain
from tests.listeners.test_digest_settings import GENERAL, announcements, form, hire, open_settings
from tests.listeners.test_home_cancel import home

ADA, MAYA = "U0ADMIN", "U0MANAGER"
ADMINS_ONLY = "Only workspace admins can change the digest."
A_MINUTE_ON = timedelta(seconds=ADMIN_TTL_SECONDS + 1)


def asked_about(slack: SlackDriver, since: int) -> list[str]:
    """Whom the bot asked Slack about (users.info) since the `since`-th such call."""
    return [str(call.args.get("user")) for call in slack.state.calls_to("users.info")[since:]]


def test_a_starters_answer_click_and_typed_reply_ask_slack_nothing(
    slack: SlackDriver, app: Runtime
) -> None:
    before = len(slack.state.calls_to("users.info"))
    thread = start(slack)
    thread.click(MAYA, STARTUP_ANSWERS[0])
    thread.wait_replies(2)
    slack.message(MAYA, CHANNEL, "2", thread_ts=thread.root_ts)
    wait_for(
        lambda: sum(1 for m in thread.replies() if m.get("user") == "U0BOT") >= 3,
        message="the third question",
    )
    drain(app)
    # The starter may answer anyway: nobody asked whether Maya is an admin.
    assert asked_about(slack, before) == []


def test_a_request_that_needs_the_admin_flag_three_times_asks_slack_once(
    slack: SlackDriver, app: Runtime, clock: OffsetClock
) -> None:
    modal = open_settings(slack, ADA)
    clock.advance(A_MINUTE_ON)  # what opening the modal learnt has lapsed
    before = len(slack.state.calls_to("users.info"))
    # Saving judges the form, then the change, then draws Ada's Home tab (everyone's open
    # conversations, for an admin): three questions, one answer.
    slack.submit_view(ADA, modal["id"], form())
    wait_for(lambda: announcements(slack, GENERAL), message="the change announced")
    drain(app)
    assert asked_about(slack, before) == [ADA]


def test_a_demoted_admin_loses_the_right_within_a_minute(
    slack: SlackDriver, app: Runtime, clock: OffsetClock
) -> None:
    assert "Digest turned off." in hire(slack, ADA, "digest off")
    before = len(slack.state.calls_to("users.info"))
    slack.state.set_admin(ADA, False)
    # Within the minute the answer Slack gave stands, and Slack is not asked again.
    assert ADMINS_ONLY not in hire(slack, ADA, "digest on")
    assert asked_about(slack, before) == []
    clock.advance(A_MINUTE_ON)
    assert ADMINS_ONLY in hire(slack, ADA, "digest off")
    assert asked_about(slack, before) == [ADA]


def test_what_one_workspace_knows_of_its_admins_stays_a_minute_for_everyone(
    slack: SlackDriver, app: Runtime
) -> None:
    home(slack, ADA)  # an admin's Home tab: asked once
    before = len(slack.state.calls_to("users.info"))
    hire(slack, ADA, "digest history")
    home(slack, ADA)
    assert asked_about(slack, before) == []
