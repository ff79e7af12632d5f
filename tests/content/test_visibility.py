"""The visibility rule on its own: who reads a private channel's conversation in full."""

from __future__ import annotations

from bot.core.visibility import (
    Audience,
    channels_to_check,
    private_count,
    private_from_payload,
)


def test_public_conversations_are_for_everyone_private_ones_for_their_channel() -> None:
    nobody_in_particular = Audience()
    assert nobody_in_particular.sees("C1", private=False)
    assert not nobody_in_particular.sees("G1", private=True)
    member = Audience(frozenset({"G1"}))
    assert member.sees("G1", private=True) and not member.sees("G2", private=True)
    assert Audience.operator().sees("G2", private=True)


def test_a_digest_is_read_by_its_channel_and_a_preview_by_both() -> None:
    in_exec = Audience.posted_in("G1")
    assert in_exec.sees("G1", private=True) and not in_exec.sees("G2", private=True)
    assert not Audience.posted_in(None).sees("G1", private=True)
    # Previewing #exec's digest: a member sees it, a non-member doesn't.
    assert in_exec.also_read_by(Audience(frozenset({"G1", "G2"}))).private_channels == {"G1"}
    assert not in_exec.also_read_by(Audience(frozenset({"G2"}))).sees("G1", private=True)
    failed = Audience(unchecked="ratelimited")
    assert in_exec.also_read_by(failed).unchecked == "ratelimited"
    assert Audience.operator().also_read_by(failed) == failed


def test_someone_else_s_dm_is_never_checked() -> None:
    started = [("D1", "U1"), ("D2", "U2"), ("G1", "U1"), ("C9", "U2")]
    assert channels_to_check(started, "U1") == {"D1", "G1", "C9"}
    assert channels_to_check(started, "U3") == {"G1", "C9"}


def test_what_slack_s_payload_already_says() -> None:
    assert private_from_payload("D123", "directmessage") is True
    assert private_from_payload("D123", None) is True
    assert private_from_payload("C123", "privategroup") is True
    assert private_from_payload("G123", "mpdm-maya--theo--ada-1") is True
    assert private_from_payload("C123", "hiring") is None  # only conversations.info knows


def test_counts_read_naturally() -> None:
    assert private_count(1) == "1 decision in a private channel"
    assert private_count(3) == "3 decisions in private channels"
    assert private_count(2, "conversation") == "2 conversations in private channels"
