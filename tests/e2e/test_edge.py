"""The HTTP edge, probed as an attacker would, against the running `hiring-bot serve`.

Nothing runs for an unverified request (no handler, no error reply, no outbound call);
garbage gets 401 or 400, never a 500; bodies are capped and timed out while being read;
odd but signed input gets a clear answer.
"""

from __future__ import annotations

import http.server
import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.db.models import HiringConversation, Note
from bot.db.session import make_engine
from bot.edge import BODY_READ_TIMEOUT_SECONDS, MAX_BODY_BYTES
from bot.emulator import EmulatorServer, SlackDriver, sign_request, wait_for
from tests.e2e.harness import BotProcess
from tests.e2e.test_hire import CHANNEL, buttons, everything, start
from tests.modals import settled_modal

FORM = "application/x-www-form-urlencoded"


class Catcher:
    """A local server that records every request made to it: the attacker's target."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        catcher = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                catcher.requests.append(self.path)
                self.send_response(200)
                self.end_headers()

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/anything"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def log_start(bot: BotProcess) -> int:
    """Where this test's part of the (session-long) bot log begins."""
    return len(bot.logs())


def assert_no_errors(bot: BotProcess, log_start: int) -> None:
    """Nothing in this test's part of the log says a handler failed."""
    since = bot.logs()[log_start:]
    assert "error while handling" not in since and "Traceback" not in since, since[-3000:]


@pytest.fixture
def catcher() -> Iterator[Catcher]:
    server = Catcher()
    yield server
    server.close()


def _command_body(command: str, text: str, response_url: str) -> str:
    return urlencode(
        {
            "command": command,
            "text": text,
            "team_id": "T0HIRING",
            "channel_id": CHANNEL,
            "user_id": "U0MANAGER",
            "response_url": response_url,
            "trigger_id": "1.2",
        }
    )


UNVERIFIED_HEADERS: dict[str, dict[str, str | bytes]] = {
    "non-numeric timestamp": {
        "X-Slack-Request-Timestamp": "x",
        "X-Slack-Signature": "v0=" + "0" * 64,
    },
    "timestamp only": {"X-Slack-Request-Timestamp": "x"},
    "no headers": {},
    "arabic-indic digits": {
        "X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠".encode(),
        "X-Slack-Signature": "v0=1",
    },
    "huge timestamp": {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=1"},
    "stale": {"X-Slack-Request-Timestamp": "1000000000", "X-Slack-Signature": "v0=" + "0" * 64},
    "wrong signature": {"X-Slack-Signature": "v0=" + "a" * 64},
    "garbage signature": {"X-Slack-Signature": "v0=☃".encode()},
}


@pytest.mark.parametrize("variant", list(UNVERIFIED_HEADERS))
def test_an_unverified_request_gets_401_and_reaches_nobody(
    variant: str, slack: SlackDriver, bot: BotProcess, emulator: EmulatorServer, catcher: Catcher
) -> None:
    body = _command_body("/hire", "", catcher.url)
    headers: dict[str, str | bytes] = {"Content-Type": FORM, **UNVERIFIED_HEADERS[variant]}
    headers.setdefault("X-Slack-Request-Timestamp", str(int(time.time())))
    calls_before = len(emulator.state.calls)
    response = httpx.post(f"{bot.url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401
    # Before the fix the error handler had already POSTed its apology to the catcher by the
    # time the 500 came back; now nothing runs, so nothing can call out later either.
    assert catcher.requests == []
    assert len(emulator.state.calls) == calls_before
    # A real request right after is still served as usual.
    assert slack.command("U0MANAGER", CHANNEL, "/role", "pe").status == 200
    assert catcher.requests == []


def test_many_unverified_requests_never_call_out(
    slack: SlackDriver, bot: BotProcess, catcher: Catcher
) -> None:
    body = _command_body("/hire", "", catcher.url)
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": "x"}
    with httpx.Client(base_url=bot.url) as http:
        statuses = {
            http.post("/slack/events", content=body, headers=headers).status_code for _ in range(60)
        }
    assert statuses == {401}
    reply = slack.command("U0MANAGER", CHANNEL, "/role", "growth")
    assert reply.status == 200 and reply.created is not None
    assert catcher.requests == []


def test_a_refusal_is_logged_with_its_reason_and_size_never_its_body(bot: BotProcess) -> None:
    marker = "do-not-log-" + "z" * 40
    body = _command_body("/hire", marker, "http://127.0.0.1:9/x")
    httpx.post(
        f"{bot.url}/slack/events",
        content=body,
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": "x",
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    line = f"refused a request to /slack/events: malformed timestamp ({len(body)} bytes)"
    wait_for(lambda: line in bot.logs(), message="the refusal in the log")
    assert marker not in bot.logs()


def _signed_post(bot: BotProcess, body: bytes, content_type: str) -> int:
    headers = {"Content-Type": content_type, **sign_request(body, bot.signing_secret)}
    return httpx.post(f"{bot.url}/slack/events", content=body, headers=headers).status_code


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"command=/role&text=\xff\xfe", FORM),
        (b"payload=not-json", FORM),
        (b"payload=%5B1%2C2%5D", FORM),
        (b"payload=%7B%7D&payload=%7B%7D", FORM),
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"{" * 5000 + b"}" * 5000, "application/json"),
    ],
)
def test_a_signed_malformed_body_gets_400(
    body: bytes, content_type: str, bot: BotProcess, emulator: EmulatorServer
) -> None:
    calls_before = len(emulator.state.calls)
    assert _signed_post(bot, body, content_type) == 400
    assert len(emulator.state.calls) == calls_before


def test_fuzzed_bodies_get_401_unsigned_and_never_500_signed(
    bot: BotProcess, log_start: int
) -> None:
    rng = random.Random(1123)
    shapes = [
        lambda: rng.randbytes(rng.randint(0, 400)),
        lambda: b"payload=" + rng.randbytes(rng.randint(0, 200)),
        lambda: b"{" + rng.randbytes(rng.randint(0, 200)),
        lambda: urlencode(
            {"command": "/hire", "text": "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(50))}
        ).encode(),
        lambda: json.dumps(
            {"type": rng.choice(["event_callback", "block_actions", "x"]), "event": rng.random()}
        ).encode(),
    ]
    with httpx.Client(base_url=bot.url) as http:
        for _ in range(150):
            body = rng.choice(shapes)()
            content_type = rng.choice([FORM, "application/json", "text/plain"])
            unsigned = http.post(
                "/slack/events",
                content=body,
                headers={"Content-Type": content_type, "X-Slack-Request-Timestamp": "1"},
            )
            assert unsigned.status_code == 401
            signed = http.post(
                "/slack/events",
                content=body,
                headers={"Content-Type": content_type, **sign_request(body, bot.signing_secret)},
            )
            assert signed.status_code in {200, 400, 404}, (body[:80], signed.status_code)
    assert_no_errors(bot, log_start)


def _raw_request(bot: BotProcess, head: str, body: bytes = b"") -> socket.socket:
    port = urlparse(bot.url).port
    assert port is not None
    conn = socket.create_connection(("127.0.0.1", port), timeout=BODY_READ_TIMEOUT_SECONDS + 20)
    conn.sendall(head.encode("ascii") + b"\r\n" + body)
    return conn


def _status_of(conn: socket.socket) -> int:
    received = conn.recv(4096)
    conn.close()
    return int(received.split(b" ", 2)[1])


def test_a_declared_oversized_body_gets_413_before_it_is_sent(bot: BotProcess) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {300 * MAX_BODY_BYTES}\r\n"
    )
    # Not one byte of the 300 MB body is sent: the answer comes from the headers alone.
    assert _status_of(_raw_request(bot, head)) == 413


def _resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_chunked_body_over_the_limit_is_refused_without_being_kept(bot: BotProcess) -> None:
    assert bot.process is not None
    before = _resident_bytes(bot.process.pid)
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
        f"Content-Type: {FORM}\r\nTransfer-Encoding: chunked\r\n"
    )
    conn = _raw_request(bot, head)
    chunk = f"{MAX_BODY_BYTES:x}\r\n".encode() + b"a" * MAX_BODY_BYTES + b"\r\n"
    try:  # 300 MB, as in the attack; the server may hang up on us before the end
        for _ in range(300):
            conn.sendall(chunk)
    except OSError:
        pass
    assert _status_of(conn) == 413
    # The server stopped keeping the body at the limit: 300 MB did not become 300 MB of memory.
    assert _resident_bytes(bot.process.pid) - before < 50 * MAX_BODY_BYTES
    assert httpx.get(f"{bot.url}/healthz").status_code == 200


def test_a_stalled_body_is_timed_out(bot: BotProcess) -> None:
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: bot\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: 1000\r\n"
    )
    conn = _raw_request(bot, head, b"command=/ro")  # ...and then nothing more
    assert _status_of(conn) == 408


# -- odd but signed input -------------------------------------------------------------------


@pytest.mark.parametrize("ident", ["²", "⑴", "٣", "99999999999999999999999", "1e9"])
def test_odd_decision_numbers_get_a_clear_answer(
    ident: str, slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    result = slack.command("U0MANAGER", CHANNEL, "/hire", f"show {ident}")
    assert result.status == 200 and result.created is not None
    assert "is not a decision number" in everything(result.created)
    assert_no_errors(bot, log_start)


def test_the_worst_role_text_is_answered_at_once(slack: SlackDriver) -> None:
    result = slack.command("U0MANAGER", CHANNEL, "/role", "compare " + "a " * 1996)
    assert result.status == 200 and result.created is not None
    assert "two different roles" in everything(result.created)
    too_long = slack.command("U0MANAGER", CHANNEL, "/role", "x" * 4001)
    assert too_long.status == 200 and too_long.created is not None
    assert "longer than any role name" in everything(too_long.created)


@pytest.mark.parametrize("zone", ["America", "Europe/", "../../etc/passwd", "x" * 300, "UTC\x00"])
def test_odd_time_zones_get_a_clear_answer(
    zone: str, slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    before = len(slack.state.ephemeral_for("U0ADMIN"))
    result = slack.command("U0ADMIN", CHANNEL, "/hire", f"digest schedule monday 09:00 {zone}")
    assert result.status == 200
    reply = wait_for(
        lambda: slack.state.ephemeral_for("U0ADMIN")[before:], message="the digest reply"
    )[0]
    assert "is not a time zone I know" in everything(reply)
    assert_no_errors(bot, log_start)


def test_time_zones_are_read_in_any_case(slack: SlackDriver) -> None:
    slack.command("U0ADMIN", CHANNEL, "/hire", "digest schedule friday 16:00 europe/berlin")
    reply = wait_for(lambda: slack.state.ephemeral_for("U0ADMIN"), message="the digest reply")[0]
    assert "Europe/Berlin" in everything(reply)


def test_the_settings_modal_refuses_a_folder_as_a_time_zone(
    slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    slack.open_home("U0ADMIN")
    home = wait_for(lambda: slack.state.home_views.get("U0ADMIN"), message="the Home tab")
    slack.click_view("U0ADMIN", home["id"], "home_digest_settings")
    modal = settled_modal(slack.state, "U0ADMIN", "settings modal")
    values = {
        "channel": {"value": "C0GENERAL"},
        "weekday": {"value": "4"},
        "time": {"value": "16:30"},
        "timezone": {"value": "America"},
        "enabled": {"value": "on"},
    }
    refused = slack.submit_view("U0ADMIN", modal["id"], values)
    assert refused.status == 200 and "timezone" in refused.json["errors"]
    values["timezone"] = {"value": "y" * 300}
    refused = slack.submit_view("U0ADMIN", modal["id"], values)
    assert refused.status == 200 and "timezone" in refused.json["errors"]
    assert_no_errors(bot, log_start)


def test_a_forged_huge_number_in_a_button_is_out_of_date_not_a_crash(
    slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    thread = start(slack)
    question = thread.last()
    action_id = buttons(question)["Startup / early-stage"]
    forged = json.dumps({"c": 10**30, "s": 0, "o": "startup"})
    result = slack.click("U0MANAGER", question["ts"], action_id, channel=CHANNEL, value=forged)
    assert result.status == 200
    wait_for(lambda: slack.state.ephemeral_for("U0MANAGER"), message="an explanation")
    assert_no_errors(bot, log_start)
    assert len(thread.replies()) == 1  # nothing was answered


def _stored(bot: BotProcess, column: Any) -> list[str]:
    engine = make_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(column)).scalars())
    finally:
        engine.dispose()


def test_nul_and_control_characters_are_stripped_not_lost(
    slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    thread = start(slack, title="Staff\x00 engineer\x07, data")
    assert "Staff engineer, data" in everything(thread.root)
    slack.message(
        "U0TEAMMATE", CHANNEL, "note: ask about\x00 on-call\x1b", thread_ts=thread.root_ts
    )
    wait_for(lambda: _stored(bot, Note.text), message="the note stored")
    assert _stored(bot, HiringConversation.title) == ["Staff engineer, data"]
    assert _stored(bot, Note.text) == ["ask about on-call"]
    assert_no_errors(bot, log_start)


# -- anything at all, at every grammar -------------------------------------------------------

ODD_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.sampled_from(["", " ", "\x00", "²", "⑴", "<!channel>", "&amp;", "a " * 2000, "ʼ" * 4000])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(["/role", "/hire"]),
    prefix=st.sampled_from(
        [
            "",
            "compare ",
            "show ",
            "list ",
            "digest ",
            "digest schedule monday 09:00 ",
            "export since ",
        ]
    ),
    text=ODD_TEXT,
)
def test_every_command_grammar_answers_anything(
    command: str, prefix: str, text: str, slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    result = slack.command("U0MANAGER", CHANNEL, command, (prefix + text)[:4000])
    assert result.status == 200
    assert_no_errors(bot, log_start)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.one_of(
        ODD_TEXT,
        st.dictionaries(
            st.sampled_from(["c", "s", "o", "r", "a"]),
            st.one_of(st.integers(), st.text(max_size=50), st.none(), st.floats(allow_nan=False)),
            max_size=4,
        ).map(json.dumps),
    )
)
def test_every_button_answers_any_value(
    value: str, slack: SlackDriver, bot: BotProcess, log_start: int
) -> None:
    reply = slack.command("U0MANAGER", CHANNEL, "/role", "compare pe vs swe").created
    assert reply is not None
    for action_id in buttons(reply).values():
        assert (
            slack.click("U0MANAGER", reply["ts"], action_id, channel=CHANNEL, value=value).status
            == 200
        )
    assert_no_errors(bot, log_start)


def test_a_command_with_the_word_payload_in_it_is_answered(
    slack: SlackDriver, bot: BotProcess
) -> None:
    """Bolt would read this form as an interactivity payload and drop it; the edge parses it."""
    thread = start(slack, title="payload team lead")
    assert "payload team lead" in everything(thread.root)
    assert "Question 1 of 6" in everything(thread.last())
