"""The role knowledge base: valid, complete, sourced, and in our own words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content.roles import (
    BRIEF_BULLET_LIMIT,
    BRIEF_BULLETS,
    BRIEF_WORD_BUDGET,
    SELF_CHECK_SIDES,
    ContentError,
    load_roles,
    parse_role_book,
    read_role_book,
)
from tests.content.seeds import SEEDS, copied_phrases

ROLES_FILE = Path(__file__).resolve().parents[2] / "bot" / "content" / "roles.yaml"
SOURCES = {
    "https://posthog.com/blog/what-is-a-product-engineer",
    "https://posthog.com/blog/product-engineer-vs-software-engineer",
}


def test_the_packaged_file_loads_and_covers_three_roles() -> None:
    book = load_roles()
    assert list(book.roles) == ["product_engineer", "software_engineer", "growth_engineer"]
    assert {s.url for s in book.sources.values()} == SOURCES
    for role in book.roles.values():
        assert role.sources, role.key
        assert all(s.url in SOURCES for s in role.sources)


def test_product_engineer_covers_what_the_articles_stress() -> None:
    pe = load_roles().role("product_engineer")
    text = " ".join(
        [pe.focus.text, pe.time.text, *pe.characteristics.items, *pe.skills.items]
    ).lower()
    for topic in (
        "customer",
        "usage data",
        "competit",
        "prototyp",
        "experiment",
        "ci/cd",
        "roadmap",
        "outcome",
    ):
        assert topic in text, topic


def test_software_engineer_covers_what_the_articles_stress() -> None:
    swe = load_roles().role("software_engineer")
    text = " ".join([swe.focus.text, swe.time.text, *swe.characteristics.items]).lower()
    for topic in (
        "owns the code",
        "technical",
        "optimis",
        "scal",
        "security",
        "risk",
        "best practice",
    ):
        assert topic in text, topic


def test_comparison_and_self_check() -> None:
    book = load_roles()
    labels = " ".join(f"{d.label} {d.values}" for d in book.comparison.dimensions).lower()
    assert "pragmatic" in labels and "idealistic" in labels and "owns" in labels
    assert 3 <= len(book.self_check.questions) <= 6


@pytest.mark.parametrize("key", ["product_engineer", "software_engineer", "growth_engineer"])
def test_every_card_has_a_twenty_second_brief_with_its_source(key: str) -> None:
    role = load_roles().role(key)
    assert len(role.brief.items) == BRIEF_BULLETS == 3
    assert all(len(item) <= BRIEF_BULLET_LIMIT for item in role.brief.items)
    assert len(" ".join([role.summary.text, *role.brief.items]).split()) <= BRIEF_WORD_BUDGET
    assert role.brief_sources and all(s.url in SOURCES for s in role.brief_sources)


def test_the_short_comparison_shows_three_known_dimensions() -> None:
    comparison = load_roles().comparison
    assert [d.label for d in comparison.brief] == ["Owns", "Mindset", "Best fit"]
    assert all(d in comparison.dimensions for d in comparison.brief)


def test_self_check_directions_point_both_ways() -> None:
    check = load_roles().self_check
    for question in check.questions:
        assert {question.yes_points_to, question.no_points_to} == set(SELF_CHECK_SIDES)
        assert question.points_to(True) == question.yes_points_to
    # The one question that leans the other way: saying yes to all is not a clean sweep.
    towards_software = [q.key for q in check.questions if q.yes_points_to == "software_engineer"]
    assert towards_software == ["deep_problems"]
    assert set(check.sides) == set(SELF_CHECK_SIDES)
    assert not any(ch.isdigit() for ch in check.intro)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the project")
def test_no_sentence_of_the_seeds_is_copied() -> None:
    raw = _raw()
    raw.pop("sources")  # the articles' titles are citations, not our text
    copied = copied_phrases(yaml.safe_dump(raw, allow_unicode=True))
    assert copied == [], f"copied from the seed articles: {copied[:5]}"


def _raw() -> dict:
    return yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["roles"].pop("growth_engineer"), "missing growth_engineer"),
        (lambda r: r["roles"]["product_engineer"].update(colour="red"), "unknown key colour"),
        (lambda r: r["roles"]["product_engineer"]["summary"].update(text=""), "non-empty"),
        (
            lambda r: r["roles"]["product_engineer"]["summary"].update(text="x" * 300),
            "more than 140",
        ),
        (lambda r: r["roles"]["software_engineer"]["aliases"].append("pe"), "also a name of"),
        (lambda r: r["roles"]["product_engineer"]["focus"].update(source="blog"), "unknown source"),
        (lambda r: r["sources"]["vs"].update(url="ftp://x"), "https URL"),
        (lambda r: r["roles"]["growth_engineer"].pop("brief"), "missing brief"),
        (
            lambda r: r["roles"]["product_engineer"]["brief"]["items"].pop(),
            "brief.items: expected 3 bullets",
        ),
        (
            lambda r: r["roles"]["product_engineer"]["brief"]["items"].append("A fourth point."),
            "brief.items: expected 3 bullets",
        ),
        (
            lambda r: r["roles"]["software_engineer"]["brief"]["items"].__setitem__(0, "x " * 51),
            "more than 100",
        ),
        (
            lambda r: r["roles"]["software_engineer"]["brief"].update(
                items=["a " * 40, "a " * 40, "a " * 40]  # short enough, but 120+ words
            ),
            "20 seconds",
        ),
        (lambda r: r["roles"]["growth_engineer"]["brief"].update(source="blog"), "unknown source"),
        (lambda r: r["comparison"].update(brief=["Owns", "Mindset"]), "expected 3 different"),
        (
            lambda r: r["comparison"]["dimensions"][0]["values"].update(
                growth_engineer={"text": "Growth", "source": "vs"}
            ),
            "only 'ours' may be given",
        ),
        (
            lambda r: r["comparison"]["dimensions"][0]["values"].update(
                growth_engineer={"text": "Growth"}
            ),
            "missing source",
        ),
        (lambda r: r["comparison"].update(source="ours"), "unknown source"),
        (lambda r: r["comparison"].update(brief=["Owns", "Owns", "Mindset"]), "3 different"),
        (
            lambda r: r["comparison"].update(brief=["Owns", "Mindset", "Salary"]),
            "no dimension labelled 'Salary'",
        ),
        (
            lambda r: r["self_check"].update(intro="Four quick questions. Answer honestly."),
            "leave the number of questions out",
        ),
        (lambda r: r["self_check"].update(intro="Answer these 5 honestly."), "says '5'"),
        (
            lambda r: r["self_check"]["questions"][0].update(yes_points_to="growth_engineer"),
            "expected one of product_engineer, software_engineer",
        ),
        (
            lambda r: r["self_check"]["questions"][0].update(no_points_to="software_engineer"),
            "unknown key no_points_to",
        ),
        (
            lambda r: r["self_check"]["questions"][-1].update(yes_points_to="product_engineer"),
            "no question where a yes points to software_engineer",
        ),
        (
            lambda r: r["self_check"]["questions"][1].update(key="customers"),
            "'customers' is used twice",
        ),
        (lambda r: r["self_check"]["sides"].pop("software_engineer"), "missing software_engineer"),
    ],
)
def test_broken_files_are_rejected_clearly(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw()
    mutate(raw)
    with pytest.raises(ContentError, match=message):
        parse_role_book(raw)


def test_invalid_yaml_is_reported() -> None:
    with pytest.raises(ContentError, match="not valid YAML"):
        read_role_book("roles: [unclosed\n")
