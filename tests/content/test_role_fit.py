"""The self-check's tally and the values /role buttons carry: pure, so tested directly."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.roles import ROLE_KEYS, SELF_CHECK_SIDES, load_roles
from bot.core.interactions import RoleViewValue, SelfCheckValue, Stale, parse
from bot.core.role_fit import FitProgress, Strength, read_fit
from bot.core.role_lookup import CompareRoles, RoleButton, ShowRole

CHECK = load_roles().self_check
TOTAL = len(CHECK.questions)
answer_strings = st.text(alphabet="yn", min_size=TOTAL, max_size=TOTAL)


def progress_in(value: dict[str, object]) -> FitProgress | None:
    """What a self-check button carrying `value` is read as."""
    drawn = parse(json.dumps(value), SelfCheckValue)
    return None if isinstance(drawn, Stale) else FitProgress.from_value(drawn, TOTAL)


def role_button_in(value: dict[str, object]) -> RoleButton | None:
    """What a card or comparison button carrying `value` is read as."""
    drawn = parse(json.dumps(value), RoleViewValue)
    return None if isinstance(drawn, Stale) else RoleButton.from_value(drawn, ROLE_KEYS)


@given(answer_strings)
def test_every_answer_is_counted_once_towards_the_way_it_points(answers: str) -> None:
    reading = read_fit(CHECK, answers)
    assert sum(reading.counts.values()) == TOTAL
    for given_answer, question, raw in zip(reading.answers, CHECK.questions, answers, strict=True):
        assert given_answer.said_yes == (raw == "y")
        assert given_answer.towards == question.points_to(raw == "y")


@given(answer_strings)
def test_the_verdict_matches_the_margin(answers: str) -> None:
    reading = read_fit(CHECK, answers)
    first, second = (reading.counts[side] for side in SELF_CHECK_SIDES)
    if abs(first - second) < 2:
        assert reading.leader is None and reading.strength is Strength.SPLIT
        assert reading.verdict == "mixed"
    else:
        assert reading.leader == (SELF_CHECK_SIDES[0] if first > second else SELF_CHECK_SIDES[1])
        all_one_way = 0 in (first, second)
        assert reading.strength is (Strength.ALL if all_one_way else Strength.MOST)


@given(answer_strings)
def test_answering_everything_the_other_way_mirrors_the_verdict(answers: str) -> None:
    flipped = answers.translate(str.maketrans("yn", "ny"))
    one, other = read_fit(CHECK, answers), read_fit(CHECK, flipped)
    assert one.strength is other.strength
    assert [one.counts[s] for s in SELF_CHECK_SIDES] == [
        other.counts[s] for s in reversed(SELF_CHECK_SIDES)
    ]


def test_yes_to_everything_is_not_a_clean_sweep() -> None:
    reading = read_fit(CHECK, "y" * TOTAL)
    assert reading.strength is not Strength.ALL
    assert reading.counts["software_engineer"] >= 1


@pytest.mark.parametrize("answers", ["", "y", "y" * (TOTAL + 1), "yyyyx"])
def test_read_fit_wants_one_answer_per_question(answers: str) -> None:
    with pytest.raises(ValueError, match="answers"):
        read_fit(CHECK, answers)


@given(st.dictionaries(st.sampled_from(["a", "p", "r"]), st.one_of(st.text(), st.integers())))
def test_fit_values_parse_only_when_well_formed(value: dict[str, object]) -> None:
    progress = progress_in(value)
    if progress is not None:
        assert 0 < len(progress.answers) <= TOTAL and set(progress.answers) <= {"y", "n"}
        assert progress_in(json.loads(progress.to_value().encode())) == progress


@given(
    st.one_of(
        st.builds(ShowRole, st.sampled_from(ROLE_KEYS), full=st.booleans()),
        st.tuples(st.sampled_from(ROLE_KEYS), st.sampled_from(ROLE_KEYS), st.booleans())
        .filter(lambda t: t[0] != t[1])
        .map(lambda t: CompareRoles(t[0], t[1], full=t[2])),
    ),
    st.booleans(),
)
def test_role_buttons_round_trip(view: ShowRole | CompareRoles, on_copy: bool) -> None:
    button = RoleButton(view, on_copy)
    assert role_button_in(json.loads(button.to_value().encode())) == button


@pytest.mark.parametrize(
    "value",
    [{}, {"r": "cto"}, {"a": "product_engineer"}, {"a": "growth_engineer", "b": "growth_engineer"}],
)
def test_role_buttons_we_never_drew_are_refused(value: dict[str, object]) -> None:
    assert role_button_in(value) is None


def test_values_from_messages_before_the_summary_still_work() -> None:
    assert role_button_in({"r": "software_engineer"}) == RoleButton(ShowRole("software_engineer"))
    assert progress_in({"a": "yyn"}) == FitProgress("yyn")
