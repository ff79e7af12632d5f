"""The role knowledge base: valid, complete, sourced, and in our own words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content.roles import ContentError, load_roles, load_roles_from, parse_role_book
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
    ],
)
def test_broken_files_are_rejected_clearly(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw()
    mutate(raw)
    with pytest.raises(ContentError, match=message):
        parse_role_book(raw)


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "roles.yaml"
    broken.write_text("roles: [unclosed\n")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_roles_from(broken)
