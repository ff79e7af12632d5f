"""The edge's own reading of a verified body must be exactly what parse_qsl would read."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote_plus, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.edge import VerifiedBody, _interactivity_fields, read_verified_body

FORM = "application/x-www-form-urlencoded"
ESCAPES = st.sampled_from(["%", "%2", "%zz", "%E2%82", "%e2%82%ac", "+", "\\", "\\x41", "&", "="])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=20), ESCAPES), max_size=12).map("".join))
def test_the_click_shortcut_reads_what_parse_qsl_reads(value: str) -> None:
    for text in ("payload=" + value, "payload=" + quote_plus(value)):
        fields = _interactivity_fields(text)
        if fields is not None:
            assert fields == parse_qsl(text, keep_blank_values=True)


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=30), min_size=1, max_size=5))
def test_a_click_payload_arrives_whole(extra: dict[str, str]) -> None:
    payload = {"type": "block_actions", "user": {"id": "U1"}, "extra": extra}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert _interactivity_fields(body.decode()) is not None
    verified = read_verified_body(body, FORM)
    assert isinstance(verified, VerifiedBody) and verified.parsed == payload


def test_a_body_the_shortcut_does_not_take_is_still_read() -> None:
    payload = json.dumps({"type": "block_actions", "user": {"id": "U1"}, "text": "a\\b"})
    for body in (urlencode({"payload": payload}), "payload=" + payload.replace('"', "%22")):
        verified = read_verified_body(body.encode(), FORM)
        assert isinstance(verified, VerifiedBody) and verified.parsed["text"] == "a\\b"
