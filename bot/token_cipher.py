"""Slack tokens at rest: sealed with TOKEN_ENCRYPTION_KEY when it is set, plain when not.

A sealed value is `fernet:` followed by a Fernet token (AES-128-CBC + HMAC-SHA256, from
`cryptography`). No Slack token starts with that prefix (they start `xox`), so a stored value
says for itself whether it is sealed: rows written before the key was set stay readable, and
a sealed row read without the key is a clear error instead of a token sent to Slack.

Several keys, comma-separated, rotate the key: the first seals, every one of them opens
(MultiFernet). `hiring-bot migrate` re-seals every stored token with the first key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

SEALED_PREFIX = "fernet:"
KEY_SETTING = "TOKEN_ENCRYPTION_KEY"


class TokenKeyError(Exception):
    """A stored token is sealed and no configured key opens it; the message is one line for
    the operator, and never contains the token."""


def parse_keys(raw: str) -> tuple[str, ...]:
    """The keys of a TOKEN_ENCRYPTION_KEY value, first (sealing) key first; ValueError
    for anything that is not one or more Fernet keys."""
    keys = tuple(part.strip() for part in raw.split(","))
    if not keys or any(not key for key in keys):
        raise ValueError("empty key")
    for key in keys:
        Fernet(key)  # raises ValueError (or binascii.Error, a ValueError) when malformed
    return keys


class TokenCipher:
    """Seals and opens stored tokens. With no keys it leaves new values plain (as before
    the setting existed) and can still read plain ones."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        self._fernets = [Fernet(key) for key in keys]
        self._all = MultiFernet(self._fernets) if self._fernets else None

    @property
    def enabled(self) -> bool:
        return self._all is not None

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(SEALED_PREFIX)

    def seal(self, value: str | None) -> str | None:
        """The value as it is stored: sealed with the first key, or plain with no key.
        A value that is already sealed is kept as it is."""
        if value is None or self._all is None or self.is_sealed(value):
            return value
        return SEALED_PREFIX + self._fernets[0].encrypt(value.encode()).decode("ascii")

    def open(self, stored: str | None) -> str | None:
        """The token a stored value holds."""
        if stored is None or not self.is_sealed(stored):
            return stored
        if self._all is None:
            raise TokenKeyError(
                f"a stored Slack token is encrypted, but {KEY_SETTING} is not set: set it to "
                "the key the tokens were encrypted with (see the README, 'Secrets at rest')"
            )
        try:
            return self._all.decrypt(stored.removeprefix(SEALED_PREFIX).encode("ascii")).decode()
        except (InvalidToken, UnicodeError):
            raise TokenKeyError(
                f"a stored Slack token was encrypted with a key that is not in {KEY_SETTING}: "
                "add that key after the current one (see the README, 'Secrets at rest')"
            ) from None

    def is_current(self, stored: str | None) -> bool:
        """Whether `stored` is as this cipher would write it now: sealed with the first key
        when there is a key (plain values and other keys' seals are not), anything without."""
        if stored is None or self._all is None:
            return True
        if not self.is_sealed(stored):
            return False
        try:
            self._fernets[0].decrypt(stored.removeprefix(SEALED_PREFIX).encode("ascii"))
        except InvalidToken:
            return False
        return True


class SealedToken(TypeDecorator[str]):
    """A token column as the installation store sees it: sealed on the way in, opened on
    the way out. Bound to one cipher, so each store's tables carry the process's keys."""

    impl = Text
    cache_ok = True

    def __init__(self, cipher: TokenCipher) -> None:
        super().__init__()
        self.cipher = cipher

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return self.cipher.seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return self.cipher.open(value)
