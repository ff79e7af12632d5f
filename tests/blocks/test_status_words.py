"""One status vocabulary: a conversation's status reads the same on every surface that
shows it (the root message, `/hire list`, `/hire show`, the Home tab, the digest), and
the words come from one place (`bot.blocks.common.STATUS_LABELS`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.blocks.common import STATUS_LABELS, Message, status_label
from bot.blocks.digest import digest_message
from bot.blocks.hire import ConversationSummary, hire_help_message, root_message
from bot.blocks.home import home_view
from bot.blocks.log import log_page
from bot.core.digest import Schedule, WaitingConversation, build_digest
from bot.core.interactions import LogPageValue
from bot.core.log_views import HomeView, LogPage, LogRow, SettingsView

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
STATES = ("in_progress", "awaiting_decision", "decided", "cancelled")
# Words that once named these statuses on one surface or another.
RETIRED = ("Recommendation ready", "awaiting decision", "Decision recorded", "Waiting for input")


def shown(message: Message | dict[str, object]) -> str:
    if isinstance(message, Message):
        return message.text + json.dumps(message.blocks, ensure_ascii=False)
    return json.dumps(message, ensure_ascii=False)


def row(state: str) -> LogRow:
    decided = state == "decided"
    return LogRow(
        id=7,
        title="Senior engineer",
        state=state,
        started_by="U1",
        created_at=NOW,
        link=None,
        final_outcome="product_engineer" if decided else None,
        decided_by="U1" if decided else None,
        decided_at=NOW if decided else None,
    )


def surfaces(state: str) -> dict[str, str]:
    outcome = "product_engineer" if state == "decided" else None
    settings = SettingsView(1, None, Schedule(0, 9, 0), True, True, None, None, None)
    return {
        "root": shown(
            root_message(ConversationSummary(7, "Senior engineer", "U1", state, 6, outcome))
        ),
        "list and show": shown(
            log_page(LogPage((row(state),), 0, False), "all", LogPageValue("all", 0))
        ),
        "home": shown(home_view("U1", HomeView((row(state),), (), {}, settings))),
    }


@pytest.mark.parametrize("state", STATES)
def test_every_surface_names_a_status_in_the_same_words(state: str) -> None:
    expected = status_label(state, "product_engineer" if state == "decided" else None)
    for surface, text in surfaces(state).items():
        assert expected in text, surface
        assert not any(word in text for word in RETIRED), surface


@pytest.mark.parametrize("state", ["in_progress", "awaiting_decision"])
def test_the_digest_lists_open_conversations_in_the_same_words(state: str) -> None:
    waiting = WaitingConversation(7, "Senior engineer", "U1", NOW, "question 3", None, state)
    digest = build_digest((NOW, NOW), [], [waiting], [], label="Nov 16 – Nov 23")
    text = shown(digest_message(digest, NOW))
    assert STATUS_LABELS[state].lower() in text
    assert "Open conversations (1)" in text
    assert not any(word in text for word in RETIRED)


def test_help_says_what_open_means_in_the_status_words() -> None:
    text = shown(hire_help_message())
    assert "open: in progress or waiting for the decision" in text
