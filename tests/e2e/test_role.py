"""`/role` end to end: what a person in Slack sees for every form of the command."""

from __future__ import annotations

import json
import random

import pytest

from bot.emulator import EmulatorServer, SlackDriver, wait_for

ROLE_NAMES = {
    "product_engineer": "Product engineer",
    "software_engineer": "Software engineer",
    "growth_engineer": "Growth engineer",
}
ALIASES = {
    "product engineer": "Product engineer",
    "pe": "Product engineer",
    "product": "Product engineer",
    "product-minded engineer": "Product engineer",
    "Product-Engineers": "Product engineer",
    "  PRODUCT   engineer ": "Product engineer",
    "prodcut engineer": "Product engineer",
    "software engineer": "Software engineer",
    "swe": "Software engineer",
    "software": "Software engineer",
    "full-stack engineer": "Software engineer",
    "growth engineer": "Growth engineer",
    "growth": "Growth engineer",
}


def _texts(message: dict) -> str:
    return message["text"] + json.dumps(message["blocks"], ensure_ascii=False)


def _headers(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "header"]


def _buttons(message: dict) -> dict[str, str]:
    found = {}
    for block in message["blocks"]:
        elements = block.get("elements", []) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements = [*elements, block["accessory"]]
        for element in elements:
            if element.get("type") == "button":
                found[element["text"]["text"]] = element["action_id"]
    return found


def test_list_shows_every_role_and_usage(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role").created
    assert reply is not None and reply["ephemeral_for"] == "U0MANAGER"
    text = _texts(reply)
    for name in ROLE_NAMES.values():
        assert name in text
    assert "/role compare" in text and "/role fit" in text
    # The one-line summaries come from the articles, so the list links them.
    assert "<https://posthog.com/blog/what-is-a-product-engineer|" in text
    assert "<https://posthog.com/blog/product-engineer-vs-software-engineer|" in text


@pytest.mark.parametrize(("typed", "expected"), sorted(ALIASES.items()))
def test_every_name_and_alias_finds_its_card(slack: SlackDriver, typed: str, expected: str) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", typed).created
    assert reply is not None
    assert expected in _headers(reply)[0]
    assert reply["ephemeral_for"] == "U0MANAGER"
    assert "posthog.com/blog" in _texts(reply)
    assert reply["text"]  # fallback for notifications and screen readers


def test_product_engineer_card_opens_on_its_summary_and_more_shows_it_all(
    slack: SlackDriver,
) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", "product engineer").created
    assert reply is not None
    summary = _texts(reply)
    assert summary.count("• ") == 3 and "Focus and ownership" not in summary
    assert "https://posthog.com/blog/product-engineer-vs-software-engineer" in summary
    # "More" replaces the user's own ephemeral in place, through the click's response_url.
    slack.click("U0MANAGER", reply["ts"], _buttons(reply)["More"], channel="C0HIRING")

    def shown() -> dict:
        return slack.state.find_message("C0HIRING", reply["ts"]) or reply

    full = wait_for(
        lambda: shown() if "Focus and ownership" in _texts(shown()) else None,
        message="the full card",
    )
    text = _texts(full)
    for section in (
        "Focus and ownership",
        "Where the time goes",
        "What they're like",
        "Skills",
        "Hire one when",
    ):
        assert section in text
    assert "https://posthog.com/blog/what-is-a-product-engineer" in text
    assert "https://posthog.com/blog/product-engineer-vs-software-engineer" in text
    assert "Share in channel" in _buttons(full) and "Less" in _buttons(full)


@pytest.mark.parametrize(
    "text",
    [
        "compare pe vs swe",
        "compare product engineer software engineer",
        "compare Product Engineer VS Software-Engineer",
    ],
)
def test_compare_in_both_syntaxes(slack: SlackDriver, text: str) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", text).created
    assert reply is not None
    assert _headers(reply) == ["Product engineer vs Software engineer"]
    field_sections = [b for b in reply["blocks"] if b["type"] == "section" and b.get("fields")]
    assert len(field_sections) >= 3
    assert all(len(b["fields"]) == 2 for b in field_sections)  # two columns, stacked on mobile
    assert "Pragmatic" in _texts(reply) and "Idealistic" in _texts(reply)


def test_unknown_name_suggests_the_closest_roles(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", "data scientist").created
    assert reply is not None and reply["ephemeral_for"] == "U0MANAGER"
    assert "data scientist" in reply["text"]
    buttons = _buttons(reply)
    assert any("engineer" in label for label in buttons)
    label = next(label for label in buttons if "Software engineer" in label)
    slack.click("U0MANAGER", reply["ts"], buttons[label], channel="C0HIRING")
    wait_for(
        lambda: (
            "Software engineer"
            in str(_headers(slack.state.find_message("C0HIRING", reply["ts"]) or {"blocks": []}))
        ),
        message="the card replaces the suggestion",
    )


def test_empty_text_lists_the_roles(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", "   ").created
    assert reply is not None and "Engineering roles" in _headers(reply)


def test_4000_characters_of_random_unicode_get_a_clear_reply(slack: SlackDriver) -> None:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x20, 0x2FFF) if not 0xD800 <= c <= 0xDFFF]
    text = "".join(rng.choice(alphabet) for _ in range(4000))
    result = slack.command("U0MANAGER", "C0HIRING", "/role", text)
    assert result.status == 200
    assert result.created is not None and "I don't know a role" in result.created["text"]
    assert all(len(json.dumps(b)) < 3500 for b in result.created["blocks"])


def test_channel_ping_is_escaped_in_every_reply(slack: SlackDriver) -> None:
    for text in ("<!channel>", "compare <!channel> vs <!here>", "<@U0ADMIN> engineer"):
        reply = slack.command("U0MANAGER", "C0HIRING", "/role", text).created
        assert reply is not None
        everything = _texts(reply)
        assert "<!channel>" not in everything and "<!here>" not in everything
        assert "<@U0ADMIN>" not in everything


def test_share_posts_the_card_in_the_channel_and_says_who(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", "pe").created
    assert reply is not None
    slack.click("U0MANAGER", reply["ts"], "role_share", channel="C0HIRING")
    # The share happens after the click is acknowledged, as in Slack.
    public = wait_for(
        lambda: slack.state.messages_in("C0HIRING", include_ephemeral=False), message="shared card"
    )
    assert len(public) == 1
    assert "Product engineer" in _headers(public[0])[0]
    assert "Shared by <@U0MANAGER>" in _texts(public[0])
    assert "Share in channel" not in _buttons(public[0])
    wait_for(
        lambda: (
            "Shared in" in (slack.state.find_message("C0HIRING", reply["ts"]) or {}).get("text", "")
        ),
        message="the ephemeral confirms the share",
    )


def test_public_posts_directly(slack: SlackDriver) -> None:
    reply = slack.command("U0MANAGER", "C0HIRING", "/role", "growth public").created
    assert reply is not None and not reply.get("ephemeral_for")
    assert "Shared by <@U0MANAGER>" in _texts(reply)


def test_fit_self_check_through_its_buttons(slack: SlackDriver) -> None:
    reply = slack.command("U0TEAMMATE", "C0GENERAL", "/role", "fit").created
    assert reply is not None
    ts = reply["ts"]

    def current() -> dict:
        message = slack.state.find_message("C0GENERAL", ts)
        assert message is not None
        return message

    for step, answer in enumerate(["yes", "yes", "yes", "yes", "no"], start=1):
        slack.click("U0TEAMMATE", ts, f"role_fit_answer:{answer}", channel="C0GENERAL")
        if step < 5:  # wait for the next question before answering it
            wait_for(
                lambda s=step: f"{s + 1} of 5" in current()["text"], message=f"question {step + 1}"
            )
    wait_for(lambda: _headers(current()) != [], message="the result")
    result = current()
    assert result is not None
    assert _headers(result) == ["Product engineering suits you"]
    assert "All 5 answers point to product engineering" in result["text"]


def test_role_answers_without_any_web_api_call(
    slack: SlackDriver, emulator: EmulatorServer
) -> None:
    before = len(emulator.state.calls_to())
    slack.command("U0MANAGER", "C0HIRING", "/role", "swe")
    assert [c.method for c in emulator.state.calls_to()[before:]] == []
