"""Role names as people type them, and the /role grammar."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.roles import load_roles
from bot.core.role_lookup import (
    CompareRoles,
    ListRoles,
    NameIndex,
    SelfCheck,
    ShowRole,
    Unknown,
    find_role,
    parse_role_command,
)

BOOK = load_roles()
INDEX = NameIndex.build((r.key, r.name, r.aliases) for r in BOOK.roles.values())


@pytest.mark.parametrize("role", list(BOOK.roles.values()), ids=lambda r: r.key)
def test_every_alias_matches(role) -> None:  # type: ignore[no-untyped-def]
    for alias in (role.name, *role.aliases):
        for variant in (alias, alias.upper(), f"  {alias}  ", alias.replace(" ", "-")):
            assert find_role(INDEX, variant).role == role.key, variant


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("prodcut engineer", "product_engineer"),
        ("sofware", "software_engineer"),
        ("growht engineer", "growth_engineer"),
        ("product engineers", "product_engineer"),
        ("Software-Engineers!", "software_engineer"),
    ],
)
def test_typos_and_plurals(typed: str, role: str) -> None:
    assert find_role(INDEX, typed).role == role


def test_unknown_names_get_ordered_suggestions() -> None:
    match = find_role(INDEX, "growth hacking lead")
    assert match.role is None
    assert match.suggestions[0] == "growth_engineer"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ListRoles()),
        ("help", ListRoles()),
        ("fit", SelfCheck()),
        ("fit public", SelfCheck(public=True)),
        ("Fit share", SelfCheck(public=True)),
        ("pe", ShowRole("product_engineer")),
        ("swe public", ShowRole("software_engineer", True)),
        ("compare pe vs swe", CompareRoles("product_engineer", "software_engineer")),
        (
            "compare product engineer software engineer",
            CompareRoles("product_engineer", "software_engineer"),
        ),
        (
            "compare growth engineer product engineer",
            CompareRoles("growth_engineer", "product_engineer"),
        ),
        ("product engineer vs growth", CompareRoles("product_engineer", "growth_engineer")),
    ],
)
def test_grammar(text: str, expected: object) -> None:
    assert parse_role_command(INDEX, text) == expected


def test_compare_needs_two_different_roles() -> None:
    assert isinstance(parse_role_command(INDEX, "compare pe"), Unknown)
    result = parse_role_command(INDEX, "compare pe vs product")
    assert isinstance(result, Unknown) and result.problem == "same_role"


@given(st.text(max_size=4000))
def test_parser_never_raises(text: str) -> None:
    result = parse_role_command(INDEX, text)
    assert isinstance(result, ListRoles | ShowRole | CompareRoles | SelfCheck | Unknown)
