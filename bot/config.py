"""Settings from the environment and `.env`, validated once at start-up.

A missing or malformed setting raises `ConfigError` whose message is one line that
names the setting and says what is expected; the CLI prints it and exits with 2.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.token_cipher import parse_keys

SLACK_DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///hiring_bot.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# What each entry point needs on top of the optional settings.
REQUIRED_FOR_HTTP = ("signing_secret", "bot_token_or_oauth")
REQUIRED_FOR_SOCKET = ("bot_token", "app_token")
REQUIRED_FOR_WEB_API = ("bot_token_or_oauth",)


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"  # noqa: S104 - a server in a container listens on all interfaces
    port: int = 3000
    log_level: str = "INFO"
    # Product settings with safe defaults.
    nudge_after_seconds: int = 2 * 24 * 3600
    digest_grace_seconds: int = 24 * 3600
    scheduler_enabled: bool = True
    scheduler_tick_seconds: int = 60
    # Threads that do the work after an ack. Few on purpose: see bot/services.py.
    background_workers: int = 4
    oauth_scopes: tuple[str, ...] = ()
    # TOKEN_ENCRYPTION_KEY: Fernet keys sealing the stored tokens, the sealing one first.
    token_keys: tuple[str, ...] = field(default=(), repr=False)

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.client_id and self.client_secret)

    def secrets(self) -> list[str]:
        """Every secret value, so the log filter can redact them."""
        values = [
            self.bot_token,
            self.signing_secret,
            self.app_token,
            self.client_secret,
            *self.token_keys,
        ]
        password = urlsplit(self.database_url).password
        if password:
            values.append(password)
        return [v for v in values if v]


DEFAULT_BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:join",
    "channels:read",
    "channels:history",
    "groups:history",
    "groups:read",
    "im:read",
    "mpim:read",
    "im:write",
    "im:history",
    "files:write",
    "users:read",
)


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _check_prefix(name: str, value: str | None, prefixes: Iterable[str], what: str) -> None:
    if value is not None and not value.startswith(tuple(prefixes)):
        raise ConfigError(f"{name} is malformed: expected {what}")


def _parse_int(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(
            f"{name} is malformed: expected a whole number from {low} to {high}"
        ) from None
    if not low <= value <= high:
        raise ConfigError(f"{name} is out of range: expected a whole number from {low} to {high}")
    return value


def _parse_bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} is malformed: expected true or false")


def _parse_api_url(raw: str | None) -> str:
    if raw is None:
        return SLACK_DEFAULT_API_URL
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            "SLACK_API_URL is malformed: expected an http(s) URL such as https://slack.com/api/"
        )
    return raw if raw.endswith("/") else raw + "/"


_DATABASE_SCHEMES = re.compile(r"^(sqlite|postgresql|postgres)(\+\w+)?://")


def _parse_database_url(raw: str | None) -> str:
    if raw is None:
        return DEFAULT_DATABASE_URL
    malformed = ConfigError(
        "DATABASE_URL is malformed: expected sqlite:///path.db or "
        "postgresql://user:password@host:5432/dbname"
    )
    if not _DATABASE_SCHEMES.match(raw):
        raise malformed
    try:
        url = make_url(raw)
        url.port  # noqa: B018 - parsing the port is the check ("host:abc" fails here)
    except (ArgumentError, ValueError):
        raise malformed from None
    # A PostgreSQL URL without a host is a Unix socket (libpq's default): whether it can be
    # reached is checked when a command starts, like any other address.
    if url.get_backend_name() == "sqlite":
        _check_sqlite_path(url.database)
    return raw


def _parse_token_keys(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    try:
        return parse_keys(raw)
    except ValueError:
        # Never echo the value: it is (or was meant to be) a key.
        raise ConfigError(
            "TOKEN_ENCRYPTION_KEY is malformed: expected a Fernet key (44 characters of "
            'URL-safe base64; generate one with `python -c "from cryptography.fernet import '
            'Fernet; print(Fernet.generate_key().decode())"`), or several separated by '
            "commas, the newest first"
        ) from None


def _check_sqlite_path(database: str | None) -> None:
    if (
        not database
        or database == ":memory:"
        or "mode=memory" in database
        or (database.startswith("file::memory:"))
    ):
        raise ConfigError(
            "DATABASE_URL is an in-memory SQLite database, which forgets everything and is not "
            "shared between connections: use a file, e.g. sqlite:///hiring_bot.db"
        )
    folder = Path(database.removeprefix("file:").split("?", 1)[0]).expanduser().parent
    if not folder.is_dir():
        raise ConfigError(
            f"DATABASE_URL points at a SQLite file in a folder that does not exist: {folder}"
        )


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    dotenv_path: str | Path | None = ".env",
    require: Iterable[str] = (),
) -> Settings:
    """Build settings from `.env` overlaid by the environment (the environment wins)."""
    merged: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        merged.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    merged.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        return _blank_to_none(merged.get(name))

    bot_token = get("SLACK_BOT_TOKEN")
    _check_prefix("SLACK_BOT_TOKEN", bot_token, ["xoxb-"], "a bot token that starts with xoxb-")
    app_token = get("SLACK_APP_TOKEN")
    _check_prefix("SLACK_APP_TOKEN", app_token, ["xapp-"], "an app-level token starting xapp-")
    signing_secret = get("SLACK_SIGNING_SECRET")
    if signing_secret is not None and not re.fullmatch(r"[0-9A-Za-z_-]{8,}", signing_secret):
        raise ConfigError(
            "SLACK_SIGNING_SECRET is malformed: expected the app's signing secret "
            "(letters and digits, from Basic Information → App Credentials)"
        )
    client_id, client_secret = get("SLACK_CLIENT_ID"), get("SLACK_CLIENT_SECRET")
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise ConfigError(
            f"{missing} is missing: SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together "
            "(set both for multi-workspace OAuth, or neither)"
        )
    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL is malformed: expected one of {', '.join(LOG_LEVELS)}")
    scopes_raw = get("SLACK_SCOPES")
    scopes = (
        tuple(s.strip() for s in scopes_raw.split(",") if s.strip())
        if scopes_raw
        else DEFAULT_BOT_SCOPES
    )

    settings = Settings(
        bot_token=bot_token,
        signing_secret=signing_secret,
        app_token=app_token,
        client_id=client_id,
        client_secret=client_secret,
        slack_api_url=_parse_api_url(get("SLACK_API_URL")),
        database_url=_parse_database_url(get("DATABASE_URL")),
        host=get("HOST") or "0.0.0.0",  # noqa: S104
        port=_parse_int("PORT", get("PORT"), 3000, 1, 65535),
        log_level=log_level,
        nudge_after_seconds=_parse_int(
            "NUDGE_AFTER_SECONDS", get("NUDGE_AFTER_SECONDS"), 2 * 24 * 3600, 1, 365 * 24 * 3600
        ),
        digest_grace_seconds=_parse_int(
            "DIGEST_GRACE_SECONDS", get("DIGEST_GRACE_SECONDS"), 24 * 3600, 0, 30 * 24 * 3600
        ),
        scheduler_enabled=_parse_bool("SCHEDULER_ENABLED", get("SCHEDULER_ENABLED"), True),
        scheduler_tick_seconds=_parse_int(
            "SCHEDULER_TICK_SECONDS", get("SCHEDULER_TICK_SECONDS"), 60, 1, 3600
        ),
        background_workers=_parse_int("BACKGROUND_WORKERS", get("BACKGROUND_WORKERS"), 4, 2, 64),
        oauth_scopes=scopes,
        token_keys=_parse_token_keys(get("TOKEN_ENCRYPTION_KEY")),
    )
    for requirement in require:
        _require(settings, requirement)
    return settings


def _require(settings: Settings, requirement: str) -> None:
    if requirement == "signing_secret" and not settings.signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is missing: set it to the app's signing secret "
            "(Basic Information → App Credentials)"
        )
    if requirement == "bot_token" and not settings.bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is missing: set it to the bot token (xoxb-…)")
    if requirement == "bot_token_or_oauth" and not (settings.bot_token or settings.oauth_enabled):
        raise ConfigError(
            "SLACK_BOT_TOKEN is missing: set it to the bot token (xoxb-…), "
            "or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for multi-workspace OAuth"
        )
    if requirement == "app_token" and not settings.app_token:
        raise ConfigError(
            "SLACK_APP_TOKEN is missing: Socket Mode needs an app-level token (xapp-…) "
            "with the connections:write scope"
        )


# Slack tokens: xoxb-/xoxp-/xapp-…, rotating ones (xoxe.xoxb-…) and refresh tokens (xoxe-…).
_TOKEN_PATTERN = re.compile(r"\b(xox[a-z](?:\.xox[a-z])?-|xapp-)[0-9A-Za-z_=-]+")
# Our own sealed tokens (bot.token_cipher): no key in the log, but no ciphertext either.
_SEALED_PATTERN = re.compile(r"\b(fernet:)[0-9A-Za-z_=-]+")
# Fields whose value is a secret, wherever a library prints them: a query string or form
# body (code=…), JSON or a Python dict ('code': '…'), Bolt's "with code: …". An OAuth code
# and state, tokens, the client secret, and a response_url (whoever holds one can post as the
# app, 5 times in 30 minutes: https://api.slack.com/interactivity/handling#message_responses).
_REDACTED_FIELDS = (
    "code|state|token|access_token|refresh_token|bot_token|bot_refresh_token|user_token"
    "|user_refresh_token|client_secret|response_url|response_urls"
)
_SECRET_FIELD_PATTERNS = (
    re.compile(rf"(?<![\w.-])((?:{_REDACTED_FIELDS})=)[^&\s\"',)]+"),
    re.compile(rf"(['\"](?:{_REDACTED_FIELDS})['\"]\s*:\s*)(?:\[[^\]]*\]|(['\"])(?:(?!\2).)*\2)"),
    re.compile(r"(\bwith code: )\S+"),
)
# A response_url or incoming webhook on its own (slack_sdk's webhook client logs its URL):
# Slack's are on hooks.slack.com; the emulator's (sandbox, tests) end in /response/<secret>.
_HOOK_URL_PATTERNS = (
    re.compile(r"(https://hooks\.slack(?:-gov)?\.com/)[^\s\"'<>,]+"),
    re.compile(r"(https?://[^\s\"'<>/]+/response/)[^\s\"'<>,]+"),
)


class SecretRedactingFilter(logging.Filter):
    """Replaces known secret values, anything shaped like a Slack token, OAuth codes,
    response_urls and other secret fields in log records, at every level."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        for pattern in (*_SECRET_FIELD_PATTERNS, *_HOOK_URL_PATTERNS):
            text = pattern.sub(lambda m: m.group(1) + "[redacted]", text)
        text = _SEALED_PATTERN.sub(lambda m: m.group(1) + "[redacted]", text)
        return _TOKEN_PATTERN.sub(lambda m: m.group(1) + "[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(settings: Settings) -> None:
    """Log to stderr at LOG_LEVEL with every secret redacted, whoever logs it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretRedactingFilter(settings.secrets()))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # slack_sdk's WebClient formats its debug lines (each request's and response's whole
    # body) whenever its own logger's level is unset, and only then does logging drop them:
    # with the level set it skips that work unless LOG_LEVEL=DEBUG (8% of a Web API call).
    logging.getLogger("bot.slack").setLevel(settings.log_level)
    # Uvicorn's own handlers would bypass ours; route them through the root logger.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
