"""Sign request bodies exactly as Slack does: v0=HMAC-SHA256(secret, "v0:{ts}:{body}")."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(body: bytes | str, signing_secret: str, timestamp: int) -> str:
    raw = body.encode() if isinstance(body, str) else body
    base = b"v0:" + str(timestamp).encode() + b":" + raw
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def sign_request(
    body: bytes | str, signing_secret: str, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(body, signing_secret, ts),
    }
