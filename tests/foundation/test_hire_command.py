"""The /hire grammar: every form of the SPEC, and no input that makes it raise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.hire_command import (
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


def test_text_longer_than_slack_allows_is_refused_politely() -> None:
    result = parse_hire_command("x" * 4001)
    assert isinstance(result, Invalid) and "4,000" in result.problem
    at_the_limit = parse_hire_command("x" * 4000)
    assert isinstance(at_the_limit, Start) and len(at_the_limit.title) == 4000


@pytest.mark.parametrize("text", ["show ²", "show ⑴", "show ٣", "show 1234567890", "show -1"])
def test_decision_numbers_are_ascii_digits_that_fit_a_column(text: str) -> None:
    assert isinstance(parse_hire_command(text), Invalid)


@given(st.text(max_size=5000))
def test_never_raises(text: str) -> None:
    parse_hire_command(text)
