"""The /hire grammar: every form of the SPEC, and no input that makes it raise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.hire_command import (
    CancelConversation,
    Digest,
    DigestManagers,
    Export,
    Help,
    Invalid,
    ListConversations,
    Show,
    Start,
    parse_hire_command,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("   ", Help()),
        ("help", Help()),
        ("Senior engineer, checkout team", Start("Senior engineer, checkout team")),
        ("start list of things engineer", Start("list of things engineer")),
        ("  Staff   engineer  ", Start("Staff engineer")),
        ("list", ListConversations()),
        ("list open", ListConversations(filter="open")),
        (
            "list DECIDED <@U123|maya> since 2026-01-01",
            ListConversations(filter="decided", user_id="U123", since="2026-01-01"),
        ),
        ("list @Maya Patel", ListConversations(user_name="Maya Patel")),
        (
            "list open @maya  patel since 2026-01-01",
            ListConversations(filter="open", since="2026-01-01", user_name="maya patel"),
        ),
        ("list @Maya Patel decided", ListConversations(filter="decided", user_name="Maya Patel")),
        ("list <@U123>", ListConversations(user_id="U123")),
        # Slack made `@maya` of `@maya Perez` a mention of someone else: the name decides.
        ("list <@U123|maya> Perez", ListConversations(user_name="maya Perez")),
        ("show 12", Show(12)),
        ("show #7", Show(7)),
        ("export", Export()),
        ("export since 2026-01-01", Export(since="2026-01-01")),
        ("digest", Digest("preview")),
        ("digest now", Digest("now")),
        ("digest off", Digest("off")),
        ("digest channel <#C123|hiring>", Digest("channel", ("<#C123|hiring>",))),
        (
            "digest schedule monday 09:00 Europe/Paris",
            Digest("schedule", ("monday", "09:00", "Europe/Paris")),
        ),
        ("digest history", Digest("history")),
        ("digest managers", DigestManagers()),
        ("digest managers none", DigestManagers(clear=True)),
        ("digest managers Nobody", DigestManagers(clear=True)),
        (
            "digest managers <@U1|ada>, <@U2> and <@U1>",
            DigestManagers(user_ids=("U1", "U2")),
        ),
        # A name typed without picking it runs to the next person.
        (
            "digest managers @Maya Patel <@U2|theo>",
            DigestManagers(user_ids=("U2",), names=("Maya Patel",)),
        ),
    ],
)
def test_grammar(text: str, expected: object) -> None:
    assert parse_hire_command(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "show abc",
        "show",
        "show 99999999999999999",
        "list someday",
        "list <@U123> Perez",
        "start",
        "digest bogus",
        "digest history please",
        "digest managers ada",
        "digest managers <@U1> theo",
        "digest managers none <@U1>",
    ],
)
def test_bad_details_say_what_was_not_understood(text: str) -> None:
    result = parse_hire_command(text)
    assert isinstance(result, Invalid)
    assert result.problem and result.usage.startswith("/hire")
    # Each starts with a command word it does not fit: it may be a title (`start` alone
    # names none).
    assert result.title == (None if text == "start" else " ".join(text.split()))


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Restart the payments platform", "Restart the payments platform"),
        ("List  builder engineer", "List builder engineer"),
        ("Export compliance engineer", "Export compliance engineer"),
        ("show 12 engineers", "show 12 engineers"),
        ("Digest pipeline engineer", "Digest pipeline engineer"),
        ("checkin flow engineer", "checkin flow engineer"),
    ],
)
def test_a_title_that_starts_with_a_command_word_is_offered_as_a_title(
    text: str, title: str
) -> None:
    result = parse_hire_command(text)
    assert isinstance(result, Invalid) and result.title == title


def test_help_with_more_words_is_help_and_maybe_a_title() -> None:
    assert parse_hire_command("Help desk engineer") == Help(title="Help desk engineer")
    assert parse_hire_command("help") == Help()


@pytest.mark.parametrize("text", ["list open", "show 12", "digest now", "cancel 3 filled"])
def test_a_command_that_fits_its_grammar_offers_no_title(text: str) -> None:
    assert not isinstance(parse_hire_command(text), Invalid)


def test_text_longer_than_slack_allows_is_refused_politely() -> None:
    result = parse_hire_command("x" * 4001)
    assert isinstance(result, Invalid) and "4,000" in result.problem
    at_the_limit = parse_hire_command("x" * 4000)
    assert isinstance(at_the_limit, Start) and len(at_the_limit.title) == 4000


def test_the_limit_counts_what_was_typed_not_slacks_escaping() -> None:
    """3,900 characters typed with a few `<`, `&` and an @channel: Slack delivers more than
    4,000 characters, and the title is still taken whole."""
    typed = "Staff engineer @channel " + "<a&b> " * 646  # 24 + 3,876 characters
    assert len(typed) == 3900
    delivered = (
        typed.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("@channel", "<!channel>")
    )
    assert len(delivered) > 4000
    result = parse_hire_command(delivered)
    assert isinstance(result, Start) and result.title == delivered.strip()
    too_long = parse_hire_command("&lt;" * 4001)  # 4,001 typed
    assert isinstance(too_long, Invalid) and "4,000" in too_long.problem


def test_text_far_past_anything_slack_delivers_is_refused_before_any_parsing() -> None:
    result = parse_hire_command("<@U1>" * 20_000)
    assert isinstance(result, Invalid) and "4,000" in result.problem


@pytest.mark.parametrize("text", ["show ²", "show ⑴", "show ٣", "show 1234567890", "show -1"])
def test_decision_numbers_are_ascii_digits_that_fit_a_column(text: str) -> None:
    assert isinstance(parse_hire_command(text), Invalid)


@given(st.text(max_size=5000))
def test_never_raises(text: str) -> None:
    parse_hire_command(text)


def test_a_cancel_reason_is_kept_whole_never_cut_inside_slacks_escaping() -> None:
    """Cutting the delivered text at a fixed length could split `&amp;` and store `&am`; the
    whole command is within Slack's limit as typed, so the reason is kept as it came."""
    reason = "role filled internally & " * 60  # 1,500 characters typed
    delivered = reason.replace("&", "&amp;")
    result = parse_hire_command(f"cancel 3 {delivered}")
    assert isinstance(result, CancelConversation)
    assert result.reason == delivered.strip()
