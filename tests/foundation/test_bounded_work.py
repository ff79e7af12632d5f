"""The work done before an ack is bounded whatever the text: a CPU-time budget, measured.

Each case measures the CPU time of this thread (not wall-clock time, so a busy machine does
not make it flaky) for everything a request does before its ack: decoding Slack's text,
parsing the grammar and rendering the reply. Before the caps, `/role compare a a a …` at
4,000 characters took 12.9 s of CPU; the budget here is a few milliseconds with headroom.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.criteria import load_criteria, match_option
from bot.core.digest import parse_timezone
from bot.core.hire_command import parse_hire_command
from bot.core.interactions import VALUE_OF, parse
from bot.core.typed_text import from_slack
from bot.edge import read_verified_body
from bot.slack.role import role_reply

CPU_BUDGET_SECONDS = 0.05
SLACK_TEXT_LIMIT = 4000

# Words that make the grammars branch: role names, separators, mentions, escapes.
VOCABULARY = [
    "a", "compare", "vs", "vs.", "versus", "and", "with", "product", "engineer", "software",
    "growth", "pe", "swe", "full-stack", "public", "share", "fit", "<@U1|maya>", "<#C1|x>",
    "&amp;", "&lt;", "show", "list", "digest", "schedule", "since", "#12", "²", "⑴", "-",
]  # fmt: skip
ADVERSARIAL = st.lists(st.sampled_from(VOCABULARY), max_size=1500).map(" ".join)
ANY_TEXT = st.one_of(
    ADVERSARIAL, st.text(max_size=SLACK_TEXT_LIMIT), st.just("compare " + "a " * 1996)
)


def cpu_seconds(work: Callable[[], object], runs: int = 3) -> float:
    """This thread's CPU time for `work`, the least of a few runs with the garbage collector
    held off: a collection of the whole test process's heap can land in any one run and cost
    far more than the work itself; an input that really is slow is slow every time."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(runs):
            started = time.thread_time()
            work()
            best = min(best, time.thread_time() - started)
    finally:
        gc.enable()
    return best


@pytest.fixture(scope="module", autouse=True)
def warm_caches() -> None:
    """Content and rendered cards load once per process, before the first request."""
    role_reply("", "U1")
    role_reply("pe", "U1")
    parse_timezone("UTC")
    load_criteria()


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_role_before_its_ack(text: str) -> None:
    text = text[: SLACK_TEXT_LIMIT + 10]
    assert cpu_seconds(lambda: role_reply(from_slack(text), "U1")) < CPU_BUDGET_SECONDS


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_hire_before_its_ack(text: str) -> None:
    assert cpu_seconds(lambda: parse_hire_command(from_slack(text))) < CPU_BUDGET_SECONDS


@settings(max_examples=100, deadline=None)
@given(ANY_TEXT)
def test_a_typed_reply_is_matched_in_bounded_time(text: str) -> None:
    questions = load_criteria().questions
    assert (
        cpu_seconds(lambda: [match_option(q, from_slack(text)) for q in questions])
        < CPU_BUDGET_SECONDS
    )


@settings(max_examples=100, deadline=None)
@given(st.one_of(ANY_TEXT, st.text(max_size=300)))
def test_values_and_zones_are_read_in_bounded_time(text: str) -> None:
    kinds = set(VALUE_OF.values())
    read = cpu_seconds(lambda: ([parse(text, kind) for kind in kinds], parse_timezone(text)))
    assert read < CPU_BUDGET_SECONDS


def test_the_biggest_body_allowed_is_checked_in_bounded_time() -> None:
    nested = b'{"type": "x", "a": ' + b"[" * 400 + b"]" * 400 + b"}"
    padded = b'{"type": "event_callback", "pad": "' + b"a" * 999_900 + b'"}'
    for body in (nested, padded, b"payload=" + b"%7B" * 300_000):
        assert cpu_seconds(lambda body=body: read_verified_body(body, "")) < 4 * CPU_BUDGET_SECONDS
