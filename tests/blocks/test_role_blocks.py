"""`/role` messages as Slack would receive them: within Block Kit's limits (checked by
slack_sdk's models), every card sourced, and the self-check's words following the data."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_sdk.models.blocks import Block

from bot.blocks import role as role_blocks
from bot.blocks.common import Message
from bot.content.roles import ROLE_KEYS, RoleBook, load_roles, parse_role_book

BOOK = load_roles()
TOTAL = len(BOOK.self_check.questions)
ROLES_FILE = Path(__file__).resolve().parents[2] / "bot" / "content" / "roles.yaml"


def every_message() -> Iterator[tuple[str, Message]]:
    yield "list", role_blocks.role_list(BOOK)
    yield "unknown", role_blocks.unknown_role(BOOK, "<!channel>", list(ROLE_KEYS), "unknown_role")
    for key, full, by in itertools.product(ROLE_KEYS, (False, True), (None, "U1")):
        yield (
            f"card {key} full={full} by={by}",
            role_blocks.role_card(BOOK, BOOK.role(key), shared_by=by, full=full),
        )
    for (a, b), full, by in itertools.product(
        itertools.permutations(ROLE_KEYS, 2), (False, True), (None, "U1")
    ):
        yield (
            f"compare {a} {b} full={full} by={by}",
            role_blocks.comparison(BOOK, BOOK.role(a), BOOK.role(b), shared_by=by, full=full),
        )
    for step, public in itertools.product(range(TOTAL), (False, True)):
        yield (
            f"fit step {step} public={public}",
            role_blocks.fit_question(BOOK, "y" * step, public=public),
        )
    for answers, by in itertools.product(itertools.product("yn", repeat=TOTAL), (None, "U1")):
        text = "".join(answers)
        yield f"fit result {text} by={by}", role_blocks.fit_result(BOOK, text, shared_by=by)


MESSAGES = list(every_message())


def sections(message: Message) -> list[str]:
    return [b["text"]["text"] for b in message.blocks if b["type"] == "section" and b.get("text")]


def buttons(message: Message) -> list[dict[str, Any]]:
    found = []
    for block in message.blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


@pytest.mark.parametrize(("name", "message"), MESSAGES, ids=[n for n, _ in MESSAGES])
def test_within_slack_limits(name: str, message: Message) -> None:
    assert 0 < len(message.blocks) <= 50
    # Parsed back into slack_sdk's models and serialised again: its validators raise on
    # any text, id or element count over Slack's limits.
    assert [b.to_dict() for b in Block.parse_all(message.blocks)] == message.blocks
    assert 0 < len(message.text) <= 3000
    assert all(len(text) <= 3000 for text in sections(message))
    for block in message.blocks:
        ids = [e["action_id"] for e in block.get("elements", []) if "action_id" in e]
        assert len(ids) == len(set(ids)), block
        assert len(block.get("elements", [])) <= 25
    for element in buttons(message):
        assert len(element["action_id"]) <= 255 and len(element.get("value", "")) <= 2000
        assert len(element["text"]["text"]) <= 75


@pytest.mark.parametrize(("name", "message"), MESSAGES, ids=[n for n, _ in MESSAGES])
def test_every_card_comparison_and_check_links_its_source(name: str, message: Message) -> None:
    if name == "unknown":
        return
    assert "<https://posthog.com/blog/" in json.dumps(message.blocks)


def test_the_role_list_links_both_articles() -> None:
    (listed,) = [m for n, m in MESSAGES if n == "list"]
    text = json.dumps(listed.blocks)
    for source in BOOK.sources.values():
        assert f"<{source.url}|{source.title}>" in text


def test_our_own_guidance_is_shown_as_ours_and_never_cited() -> None:
    """The growth engineer's time, skills and when-to-hire, and three of its comparison
    values, are not in the articles: each says it is our guidance, and a card of nothing but
    our guidance would cite no article for it."""
    growth = BOOK.role("growth_engineer")
    full = json.dumps(role_blocks.role_card(BOOK, growth, full=True).blocks, ensure_ascii=False)
    for part in (growth.time, growth.skills, growth.when_to_hire):
        assert part.source is None
    assert full.count(role_blocks.OURS) == 3
    for part in (BOOK.role("product_engineer"), BOOK.role("software_engineer")):
        shown = json.dumps(role_blocks.role_card(BOOK, part, full=True).blocks)
        assert role_blocks.OURS not in shown
    compared = role_blocks.comparison(BOOK, BOOK.role("product_engineer"), growth, full=True).blocks
    cells = [f["text"] for b in compared if b["type"] == "section" for f in b.get("fields", [])]
    marked = [c.split("\n", 1)[0] for c in cells if "_(our guidance)_" in c]
    assert marked == [
        "*Mindset* · :chart_with_upwards_trend: Growth engineer",
        "*Time outside code* · :chart_with_upwards_trend: Growth engineer",
        "*Best fit* · :chart_with_upwards_trend: Growth engineer",
    ]


@pytest.mark.parametrize("key", ROLE_KEYS)
def test_the_summary_is_one_line_three_bullets_and_more(key: str) -> None:
    role = BOOK.role(key)
    card = role_blocks.role_card(BOOK, role)
    (body,) = sections(card)
    lines = body.split("\n")
    assert lines[0] == f"_{role.summary.text}_"
    assert lines[1:] == [f"• {item}" for item in role.brief.items]
    labels = [b["text"]["text"] for b in buttons(card)]
    assert labels[0] == "More" and "Share in channel" in labels
    full = role_blocks.role_card(BOOK, role, full=True)
    assert "Less" in [b["text"]["text"] for b in buttons(full)]
    assert len(full.blocks) > len(card.blocks)


def test_a_shared_summary_offers_only_more() -> None:
    role = BOOK.role("growth_engineer")
    (more,) = buttons(role_blocks.role_card(BOOK, role, shared_by="U1"))
    assert more["text"]["text"] == "More"
    # "c": the click comes from the channel's copy, so the answer goes to the clicker alone.
    assert json.loads(more["value"]) == {"c": 1, "r": "growth_engineer", "v": "full"}
    assert buttons(role_blocks.role_card(BOOK, role, shared_by="U1", full=True)) == []


def _book_with(questions: int) -> RoleBook:
    """The packaged book with `questions` questions: product-leaning ones (one made up
    when needed), then the one that leans towards software engineering."""
    raw = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    have = raw["self_check"]["questions"]
    towards_product = [q for q in have if q["yes_points_to"] == "product_engineer"]
    towards_software = [q for q in have if q["yes_points_to"] == "software_engineer"]
    extra = copy.deepcopy(towards_product[0]) | {"key": "demos", "text": "Do you like demos?"}
    raw["self_check"]["questions"] = [*towards_product, extra][: questions - 1] + towards_software
    return parse_role_book(raw)


@pytest.mark.parametrize(("count", "words"), [(4, "Four"), (5, "Five"), (6, "Six")])
def test_the_intro_counts_whatever_the_data_holds(count: int, words: str) -> None:
    book = _book_with(count)
    assert len(book.self_check.questions) == count
    first = role_blocks.fit_question(book, "")
    assert sections(first)[0].startswith(f"{words} quick yes/no questions.")
    assert f"1 of {count}" in first.text
    last = role_blocks.fit_question(book, "y" * (count - 1))
    assert f"*{count} of {count}*" in sections(last)[0]


def test_one_answer_is_singular() -> None:
    tally = sections(role_blocks.fit_result(BOOK, "y" * TOTAL))[0]
    assert "*1 answer* to software engineering" in tally
    assert "1 answers" not in tally


def test_an_even_split_is_said_openly() -> None:
    book = _book_with(4)
    # Yes, yes (product), no on a product question and yes on the software one: two each.
    result = role_blocks.fit_result(book, "yyny")
    assert result.blocks[0]["text"]["text"] == "You could go either way"
    assert "2 answers point to product engineering and 2 answers to software" in result.text
    assert "too close to call" in result.text
