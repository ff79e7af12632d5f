"""Settings: clear one-line errors at start, and secrets that never reach the logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import (
    REQUIRED_FOR_HTTP,
    ConfigError,
    SecretRedactingFilter,
    Settings,
    configure_logging,
    load_settings,
)

GOOD = {
    "SLACK_BOT_TOKEN": "xoxb-1111-2222-abcdefghijkl",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
}
KEY = Fernet.generate_key().decode()


def test_defaults_are_the_embedded_ones() -> None:
    settings = load_settings({}, dotenv_path=None)
    assert settings.database_url == "sqlite:///hiring_bot.db"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.log_level == "INFO"
    assert not settings.oauth_enabled


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nLOG_LEVEL=debug\nSLACK_API_URL=http://127.0.0.1:9/api\n")
    settings = load_settings({"PORT": "5000"}, dotenv_path=env_file)
    assert settings.port == 5000
    assert settings.log_level == "DEBUG"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET"),
        ({"SCHEDULER_ENABLED": "maybe"}, "SCHEDULER_ENABLED"),
        # One thread would let one rate-limited channel hold up every other one.
        ({"BACKGROUND_WORKERS": "1"}, "BACKGROUND_WORKERS"),
        ({"TOKEN_ENCRYPTION_KEY": "hunter2"}, "TOKEN_ENCRYPTION_KEY"),
        ({"TOKEN_ENCRYPTION_KEY": f"{KEY},"}, "TOKEN_ENCRYPTION_KEY"),
    ],
)
def test_malformed_settings_name_the_setting(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(environ, dotenv_path=None)
    message = str(raised.value)
    assert message.startswith(named)
    assert "\n" not in message


def test_token_keys_are_read_first_one_sealing_and_kept_out_of_repr() -> None:
    other = Fernet.generate_key().decode()
    settings = load_settings({"TOKEN_ENCRYPTION_KEY": f"{KEY}, {other}"}, dotenv_path=None)
    assert settings.token_keys == (KEY, other)
    assert KEY not in repr(settings) and KEY in settings.secrets()
    assert load_settings({}, dotenv_path=None).token_keys == ()


def test_http_mode_requires_the_signing_secret() -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is missing"):
        load_settings(
            {"SLACK_BOT_TOKEN": GOOD["SLACK_BOT_TOKEN"]},
            dotenv_path=None,
            require=REQUIRED_FOR_HTTP,
        )


def test_repr_hides_secrets() -> None:
    settings = load_settings(GOOD, dotenv_path=None)
    assert GOOD["SLACK_BOT_TOKEN"] not in repr(settings)
    assert GOOD["SLACK_SIGNING_SECRET"] not in repr(settings)


def _run_cli(*args: str, environ: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SLACK_BOT_TOKEN": GOOD["SLACK_BOT_TOKEN"]}, "SLACK_SIGNING_SECRET"),
        ({**GOOD, "PORT": "-1"}, "PORT"),
        ({**GOOD, "DATABASE_URL": "oracle://nope"}, "DATABASE_URL"),
        ({**GOOD, "TOKEN_ENCRYPTION_KEY": "correct-horse-battery-staple"}, "TOKEN_ENCRYPTION_KEY"),
    ],
)
def test_serve_stops_with_one_clear_line_and_exit_2(
    tmp_path: Path, environ: dict[str, str], named: str
) -> None:
    result = _run_cli("serve", environ=environ, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
    assert "correct-horse" not in result.stderr  # a malformed key is still not printed


BAD_DATABASE_URLS = {
    "unreachable": "postgresql://hiring:pw@127.0.0.1:1/hiring",
    "port not a number": "postgresql://hiring:pw@127.0.0.1:abc/hiring",
    "no server at the socket": "postgresql:///hiring?host=/no/such/socket/dir",
    "missing folder": "sqlite:////no/such/folder/bot.db",
    "in memory": "sqlite://",
    "in memory, named": "sqlite:///:memory:",
}


@pytest.mark.parametrize("command", ["migrate", "serve", "digest"])
@pytest.mark.parametrize("case", list(BAD_DATABASE_URLS))
def test_every_bad_database_url_is_one_line_and_exit_2(
    tmp_path: Path, command: str, case: str
) -> None:
    result = _run_cli(
        command, environ={**GOOD, "DATABASE_URL": BAD_DATABASE_URLS[case]}, cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATABASE_URL" in lines[0], result.stderr
    assert "pw@" not in lines[0]  # the password never reaches the terminal


def test_socket_mode_names_the_app_token(tmp_path: Path) -> None:
    result = _run_cli("socket", environ=GOOD, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SLACK_APP_TOKEN" in result.stderr


def test_log_filter_redacts_secrets_and_token_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(
        bot_token=GOOD["SLACK_BOT_TOKEN"],
        signing_secret=GOOD["SLACK_SIGNING_SECRET"],
        database_url="postgresql://hiring:hunter2hunter2@db/hiring",
    )
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    configure_logging(settings)
    assert isinstance(root.handlers[0].filters[0], SecretRedactingFilter)
    logger = logging.getLogger("bot.test")
    logger.warning("token %s secret %s", GOOD["SLACK_BOT_TOKEN"], GOOD["SLACK_SIGNING_SECRET"])
    logger.warning("db password hunter2hunter2 and a stray xoxp-9999-8888-secret")
    try:
        raise RuntimeError(f"boom with {GOOD['SLACK_BOT_TOKEN']}")
    except RuntimeError:
        logger.exception("failed")
    text = capsys.readouterr().err
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    assert "boom with" in text
    for secret in (
        GOOD["SLACK_BOT_TOKEN"],
        GOOD["SLACK_SIGNING_SECRET"],
        "hunter2hunter2",
        "xoxp-9999-8888-secret",
    ):
        assert secret not in text
    assert "[redacted]" in text


# What Bolt, slack_sdk and uvicorn print at DEBUG (and some at INFO/WARNING), with the
# secret each line carries. The e2e test (tests/e2e/test_oauth.py) checks a real run's log.
LIBRARY_LINES = {
    "GET /slack/oauth_redirect?code=4242.9191.0a1b2c&state=st4te-value HTTP/1.1": [
        "4242.9191.0a1b2c",
        "st4te-value",
    ],
    "Failed to fetch oauth.v2.access result with code: 4242.9191.0a1b2c - error: x": [
        "4242.9191.0a1b2c"
    ],
    "body_params: {'client_id': '1.2', 'code': '4242.9191.0a1b2c', 'grant_type': None}": [
        "4242.9191.0a1b2c"
    ],
    'Received: {"ok": true, "access_token": "xoxe.xoxb-1-QUJDREVG", "expires_in": 43200, '
    '"refresh_token": "xoxe-1-R0hJSktM"}': ["QUJDREVG", "R0hJSktM"],
    "token=verif1cation&team_id=T1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    "%2FT1%2F1%2Fs3cretpath&trigger_id=1.2": ["verif1cation", "s3cretpath"],
    "Sending a request - url: https://hooks.slack.com/actions/T1/2/s3cretpath, body: {}": [
        "s3cretpath"
    ],
    "Sending a request - url: http://127.0.0.1:4000/response/s3cretpath, body: {}": ["s3cretpath"],
    "{'response_urls': [{'response_url': 'https://hooks.slack.com/app/T1/2/s3cretpath'}]}": [
        "s3cretpath"
    ],
    "row ('fernet:gAAAAABmQUJD', 'T1')": ["gAAAAABmQUJD"],
}


@pytest.mark.parametrize("line", list(LIBRARY_LINES))
def test_log_filter_redacts_codes_response_urls_and_rotating_tokens(line: str) -> None:
    redacted = SecretRedactingFilter().redact(line)
    for secret in LIBRARY_LINES[line]:
        assert secret not in redacted
    assert "[redacted]" in redacted


def test_log_filter_leaves_ordinary_lines_alone() -> None:
    line = "chat.postMessage to C0HIRING answered ok (status code: 200) for workspace T0HIRING"
    assert SecretRedactingFilter().redact(line) == line
