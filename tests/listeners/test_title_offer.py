"""`/hire <title>` where the title starts with a command word it does not fit (`Restart the
payments platform`, `Help desk engineer`): the reply says what was not understood and offers
a button that starts a conversation with exactly that title. Through the production app, as
the person sees it."""

from __future__ import annotations

from typing import Any

from bot.core.interactions import ActionId
from bot.emulator import SlackDriver, wait_for
from bot.runtime import Runtime
from tests.e2e.test_hire import CHANNEL, everything
from tests.listeners.conftest import drain


def reply_to(slack: SlackDriver, text: str) -> dict[str, Any]:
    """The ephemeral reply to `/hire <text>` from Maya in #hiring."""
    before = len(slack.state.ephemeral_for("U0MANAGER", CHANNEL))
    result = slack.command("U0MANAGER", CHANNEL, "/hire", text)
    assert result.status == 200
    return wait_for(
        lambda: slack.state.ephemeral_for("U0MANAGER", CHANNEL)[before:],
        message=f"the reply to /hire {text}",
    )[0]


def offer_button(message: dict[str, Any]) -> dict[str, Any]:
    [found] = [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ActionId.HIRE_START_TITLED
    ]
    return found


def roots(slack: SlackDriver) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.state.messages_in(CHANNEL, include_ephemeral=False)
        if m["text"].startswith("Hiring decision #")
    ]


def test_a_title_starting_with_restart_is_offered_and_started_with_exactly_that_title(
    slack: SlackDriver, app: Runtime
) -> None:
    reply = reply_to(slack, "Restart the payments platform")
    shown = everything(reply)
    assert "is not a decision number" in shown and "/hire restart <id>" in shown
    assert "Restart the payments platform" in shown
    button = offer_button(reply)
    assert button["text"]["text"] == "Start “Restart the payments platform”"
    assert roots(slack) == []  # nothing starts until the person says so

    slack.click("U0MANAGER", reply["ts"], ActionId.HIRE_START_TITLED, channel=CHANNEL)
    [root] = wait_for(lambda: roots(slack), message="the conversation's root")
    assert "Restart the payments platform" in everything(root)
    assert "<@U0MANAGER>" in everything(root)
    wait_for(
        lambda: "Question 1 of" in everything(slack.state.thread(CHANNEL, root["ts"])[-1]),
        message="the first question in its thread",
    )
    # The offer is done with: it goes.
    wait_for(
        lambda: slack.state.find_message(CHANNEL, reply["ts"]) is None,
        message="the offer taken away",
    )


def test_a_second_click_on_the_same_offer_starts_nothing_more(
    slack: SlackDriver, app: Runtime
) -> None:
    reply = reply_to(slack, "List builder engineer")
    slack.click("U0MANAGER", reply["ts"], ActionId.HIRE_START_TITLED, channel=CHANNEL)
    # The same offer clicked again from a client that still shows it (a double click).
    slack.click(
        "U0MANAGER", reply["ts"], ActionId.HIRE_START_TITLED, channel=CHANNEL, stale_copy=reply
    )
    drain(app)
    [root] = wait_for(lambda: roots(slack), message="the conversation's root")
    assert "List builder engineer" in everything(root)
    assert len(roots(slack)) == 1


def test_help_with_more_words_shows_help_and_offers_the_title(
    slack: SlackDriver, app: Runtime
) -> None:
    reply = reply_to(slack, "Help desk engineer")
    assert "/hire start <position>" in everything(reply)  # the usage
    assert offer_button(reply)["value"] == "Help desk engineer"
    assert "/hire help" not in [b.get("text", {}).get("text") for b in reply["blocks"]]


def test_the_offered_title_is_what_was_typed_and_pings_nobody(
    slack: SlackDriver, app: Runtime
) -> None:
    reply = reply_to(slack, "show <me> & @channel the way")
    assert offer_button(reply)["value"] == "show <me> & @channel the way"
    assert "<!channel>" not in everything(reply)
    slack.click("U0MANAGER", reply["ts"], ActionId.HIRE_START_TITLED, channel=CHANNEL)
    [root] = wait_for(lambda: roots(slack), message="the conversation's root")
    assert "show &lt;me&gt; &amp; @channel the way" in everything(root)
    assert "<!channel>" not in everything(root)


def test_a_command_that_fits_its_grammar_offers_nothing(slack: SlackDriver, app: Runtime) -> None:
    reply = reply_to(slack, "show 999")
    assert "#999" in everything(reply) or "999" in everything(reply)
    assert ActionId.HIRE_START_TITLED not in str(reply["blocks"])
