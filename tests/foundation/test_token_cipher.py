"""Stored tokens sealed with TOKEN_ENCRYPTION_KEY: a sealed value says so itself, plain ones
stay readable, several keys rotate, and a missing or wrong key is one clear sentence."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.token_cipher import SEALED_PREFIX, TokenCipher, TokenKeyError, parse_keys

TOKEN = "xoxe.xoxb-1-MS0yLTEyMzQ1Njc4OTAtZXhhbXBsZQ"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_sealed_token_is_marked_and_holds_no_trace_of_the_token() -> None:
    cipher = TokenCipher([NEW])
    sealed = cipher.seal(TOKEN)
    assert sealed is not None and sealed.startswith(SEALED_PREFIX)
    assert TOKEN not in sealed and "xox" not in sealed
    assert cipher.open(sealed) == TOKEN
    assert cipher.seal(TOKEN) != sealed  # a fresh IV each time: equal tokens look unrelated
    assert cipher.seal(sealed) == sealed  # sealing twice would make it unreadable
    assert cipher.seal(None) is None and cipher.open(None) is None


def test_without_a_key_tokens_stay_plain_as_before() -> None:
    cipher = TokenCipher()
    assert not cipher.enabled
    assert cipher.seal(TOKEN) == TOKEN and cipher.open(TOKEN) == TOKEN
    assert cipher.is_current(TOKEN)


def test_plain_rows_from_before_the_key_are_read_and_due_for_sealing() -> None:
    cipher = TokenCipher([NEW])
    assert cipher.open(TOKEN) == TOKEN
    assert not cipher.is_current(TOKEN)
    assert cipher.is_current(cipher.seal(TOKEN))


def test_the_first_key_seals_and_every_key_opens() -> None:
    before = TokenCipher([OLD]).seal(TOKEN)
    rotated = TokenCipher([NEW, OLD])
    assert rotated.open(before) == TOKEN
    assert not rotated.is_current(before)  # `hiring-bot migrate` seals it again with NEW
    again = rotated.seal(rotated.open(before))
    assert TokenCipher([NEW]).open(again) == TOKEN


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ((), "TOKEN_ENCRYPTION_KEY is not set"),
        ((NEW,), "encrypted with a key that is not in TOKEN_ENCRYPTION_KEY"),
    ],
)
def test_a_sealed_token_no_key_opens_is_one_clear_sentence(
    keys: tuple[str, ...], says: str
) -> None:
    sealed = TokenCipher([OLD]).seal(TOKEN)
    with pytest.raises(TokenKeyError) as refused:
        TokenCipher(keys).open(sealed)
    message = str(refused.value)
    assert says in message and "\n" not in message
    assert TOKEN not in message and OLD not in message and NEW not in message


def test_keys_are_fernet_keys_separated_by_commas() -> None:
    assert parse_keys(f" {NEW} , {OLD} ") == (NEW, OLD)
    for bad in ("", "not-a-key", f"{NEW},", NEW[:-2], "x" * 44):
        with pytest.raises(ValueError):
            parse_keys(bad)
