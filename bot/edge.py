"""The HTTP edge: what a request must be before any of the app sees it.

Order matters. A request is read with a size cap and a deadline, then its Slack signature
is checked on the raw bytes, and only then is the body parsed. So an unsigned or forged
request is answered 401 without being parsed, logged with its body, handed to Bolt, or
given a chance to make the bot call out (an error reply to its `response_url`, say).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

# Slack's payloads are a few kilobytes; a megabyte is already absurd.
MAX_BODY_BYTES = 1_000_000
# Slack sends a whole request at once; a body still trickling in after this is an attack
# or a broken client, and holding its connection open costs us a socket and memory.
BODY_READ_TIMEOUT_SECONDS = 10.0
# Slack's own window: a request signed more than five minutes ago (or ahead) is a replay.
SIGNATURE_MAX_AGE_SECONDS = 5 * 60
# Unix seconds are ten digits until 2286; anything much longer is not a timestamp.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class Rejection:
    """Why a request was refused: the HTTP status and a short reason for the log."""

    status: int
    reason: str


class BodyTooLarge(Exception):
    pass


async def read_capped(chunks: AsyncIterator[bytes], limit: int = MAX_BODY_BYTES) -> bytes:
    """The whole body, or BodyTooLarge as soon as it passes `limit` (never read further)."""
    received = bytearray()
    async for chunk in chunks:
        received += chunk
        if len(received) > limit:
            raise BodyTooLarge
    return bytes(received)


def declared_too_large(content_length: str | None, limit: int = MAX_BODY_BYTES) -> bool:
    """A Content-Length over the cap is refused before a byte of the body is read."""
    if content_length is None:
        return False
    value = content_length.strip()
    return value.isascii() and value.isdigit() and (len(value) > 12 or int(value) > limit)


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> str | None:
    """None if Slack signed this body recently with `secret`; otherwise the reason it fails.

    Slack signs `v0:{timestamp}:{body}` with HMAC-SHA256. Everything is checked on the raw
    bytes, and malformed headers are reasons, never exceptions.
    """
    if not timestamp or not signature:
        return "missing signature headers"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs(now - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None


def admit(
    secret: str, headers: Mapping[str, str], body: bytes, now: float
) -> VerifiedBody | Rejection:
    """The one gate every HTTP request passes: the signature (401) first, then the shape (400)."""
    problem = signature_problem(
        secret,
        headers.get("x-slack-request-timestamp"),
        headers.get("x-slack-signature"),
        body,
        now,
    )
    if problem is not None:
        return Rejection(401, problem)
    return read_verified_body(body, headers.get("content-type", ""))


@dataclass(frozen=True)
class VerifiedBody:
    """A verified body, parsed once: the text Bolt verifies again and the dict it dispatches."""

    text: str
    parsed: dict[str, Any]


def read_verified_body(body: bytes, content_type: str) -> VerifiedBody | Rejection:
    """The body parsed the way Slack means it, or a 400 saying what is wrong with its shape.

    Slash commands are form-encoded; interactivity is a form with one JSON `payload` field;
    the Events API is a JSON object. Anything else would make Bolt or a listener raise, so
    it is refused here instead of becoming a 500 later. The parse is ours, not Bolt's: Bolt
    looks for the substring "payload" anywhere in a form body, so `/hire payload team` or a
    command from #payload-infra would reach it as an empty body and be dropped silently.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or text.startswith("{"):
        event = _json_object(text)
        if event is None:
            return Rejection(400, "body is not a JSON object")
        return _verified(text, event, _event_problem(event))
    fields = _interactivity_fields(text)
    if fields is None:
        try:
            fields = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
        except ValueError:
            return Rejection(400, "body is not form-encoded")
    form = dict(fields)
    if len(form) != len(fields):
        return Rejection(400, "a form field is repeated")
    if "payload" in form:
        payload = _json_object(form["payload"])
        if payload is None:
            return Rejection(400, "payload is not a JSON object")
        return _verified(text, payload, _payload_problem(payload))
    if "ssl_check" in form:
        return VerifiedBody(text, form)
    missing = [name for name in _COMMAND_FIELDS if not form.get(name)]
    return _verified(text, form, f"slash command without {', '.join(missing)}" if missing else None)


def _interactivity_fields(text: str) -> list[tuple[str, str]] | None:
    """Every click's body, `payload=<percent-encoded JSON>`, decoded in C; None for any
    other body, or anything this shortcut is not sure of, which parse_qsl then reads.

    parse_qsl decodes each %XX in a Python loop: a few kilobytes of escaped JSON cost
    0.1-0.3 ms of the ack path, ten times this. Each %XX becomes a \\xXX escape (so the
    text must hold no backslash of its own), then bytes, then UTF-8; a bad escape or bad
    UTF-8 falls back, where parse_qsl's lenient reading answers as before.
    """
    if not text.startswith("payload=") or "&" in text or "\\" in text:
        return None
    escaped = text[len("payload=") :].replace("+", " ").replace("%", "\\x")
    try:
        octets = escaped.encode("ascii").decode("unicode_escape").encode("latin-1")
        return [("payload", octets.decode("utf-8"))]
    except (UnicodeError, ValueError):
        return None


def _verified(text: str, parsed: dict[str, Any], problem: str | None) -> VerifiedBody | Rejection:
    return Rejection(400, problem) if problem is not None else VerifiedBody(text, parsed)


def verified_bolt_request(verified: VerifiedBody, query: Any, headers: Any) -> BoltRequest:
    """A Bolt request carrying our parse (see read_verified_body) and the raw text.

    Bolt still checks the signature on `raw_body`, so the app's own verification stays on.
    """
    request = BoltRequest(body="", query=query, headers=headers)
    request.raw_body = verified.text
    request.body = verified.parsed
    request.context = build_context(BoltContext(), verified.parsed)
    return request


_COMMAND_FIELDS = ("command", "team_id", "user_id", "channel_id")


# Fields Bolt and the listeners read from events and payloads, and the types they must have
# (Slack sends ids as strings and objects as objects; Bolt calls .get() or `in` on them).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "type": (str,),
    "team_id": (str,),
    "api_app_id": (str,),
    "enterprise": (str, dict),
    "team": (str, dict),
    "user": (str, dict),
    "channel": (str, dict),
    "event": (dict,),
    "authorizations": (list,),
    "container": (dict,),
    "message": (dict,),
    "view": (dict,),
    "actions": (list,),
    "state": (dict,),
}


def _shape_problem(body: dict[str, Any]) -> str | None:
    for name, kinds in _FIELD_TYPES.items():
        value = body.get(name)
        if value is not None and not isinstance(value, kinds):
            return f"field {name} has the wrong type"
    for name in ("authorizations", "actions"):
        if not all(isinstance(item, dict) for item in body.get(name) or []):
            return f"the items of {name} are not objects"
    for name in ("enterprise", "team", "user", "channel"):
        value = body.get(name)
        if isinstance(value, dict) and not isinstance(value.get("id", ""), str):
            return f"{name} id is not a string"
    return None


def _event_problem(event: dict[str, Any]) -> str | None:
    if not isinstance(event.get("type"), str):
        return "event body without a type"
    problem = _shape_problem(event)
    if problem is None and isinstance(event.get("event"), dict):
        problem = _shape_problem(event["event"])
    if problem is not None:
        return problem
    if event["type"] == "url_verification" and not isinstance(event.get("challenge"), str):
        return "challenge is missing"
    if event["type"] == "event_callback" and not (
        isinstance(event.get("event"), dict) and isinstance(event.get("team_id"), str)
    ):
        return "event_callback without an event or a team"
    return None


def _payload_problem(payload: dict[str, Any]) -> str | None:
    if not isinstance(payload.get("type"), str):
        return "payload without a type"
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return "payload without a user"
    return _shape_problem(payload)


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, dict) else None
