"""The criteria data and the recommendation engine: valid, sourced, deterministic."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.content.criteria import load_criteria, match_option, parse_criteria
from bot.content.roles import ContentError
from bot.core.recommendation import (
    IncompleteAnswers,
    UnknownOption,
    recommend,
)
from tests.content.seeds import SEEDS, copied_phrases

CRITERIA_FILE = Path(__file__).resolve().parents[2] / "bot" / "content" / "criteria.yaml"
CRITERIA = load_criteria()
ONE_OPENING = {"product_engineer", "software_engineer", "growth_engineer", "too_close"}
OUTCOMES = {*ONE_OPENING, "both"}


def test_criteria_cover_the_articles_questions() -> None:
    assert [q.key for q in CRITERIA.questions] == [
        "stage",
        "pace",
        "product",
        "team",
        "ownership",
        "work",
    ]
    product = CRITERIA.question("product")
    assert product is not None
    labels = " ".join(o.label for o in product.options).lower()
    assert "saas" in labels and "data tool" in labels
    # The two questions about the job itself decide; the others are about the company.
    assert {q.key: q.about for q in CRITERIA.questions} == {
        "stage": "company",
        "pace": "company",
        "product": "company",
        "team": "company",
        "ownership": "job",
        "work": "job",
    }
    for question in CRITERIA.questions:
        for option in question.options:
            # Cited to an article, or our own judgement (never cited).
            assert option.source_url is None or option.source_url.startswith(
                "https://posthog.com/blog/"
            )
            assert len(option.label) <= 40
            assert (option.said is not None) == (question.about == "job")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the project")
def test_criteria_are_in_our_own_words() -> None:
    raw = yaml.safe_load(CRITERIA_FILE.read_text(encoding="utf-8"))
    raw.pop("sources")
    assert copied_phrases(yaml.safe_dump(raw, allow_unicode=True)) == []


def _raw() -> dict:
    return yaml.safe_load(CRITERIA_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["questions"][0]["options"][0]["weights"].pop("growth_engineer"), "weights"),
        (lambda r: r["questions"][0]["options"][0].update(label="x" * 60), "longer than"),
        (lambda r: r["questions"][0]["options"][0].pop("condition"), "expected exactly"),
        (lambda r: r["questions"][0]["options"][0].update(condition="x" * 81), "condition"),
        (lambda r: r["questions"][1].update(key="stage"), "duplicate question"),
        (lambda r: r["questions"][0]["options"][1]["synonyms"].append("startup"), "also names"),
        (lambda r: r["questions"][0]["options"][0].update(synonyms=[True]), "quote yes/no"),
        (lambda r: r["questions"][0]["options"][0].update(source="nowhere"), "unknown source"),
        (lambda r: r["questions"][0].update(options=r["questions"][0]["options"][:1]), "2 to 4"),
        (lambda r: r["questions"][0].pop("about"), "needs key, prompt, about"),
        (lambda r: r["questions"][0].update(about="mood"), "about: expected one of"),
        (lambda r: r["questions"][5]["options"][0].pop("said"), "expected exactly"),
        (lambda r: r["questions"][0]["options"][0].update(said="x"), "expected exactly"),
        (
            lambda r: r["questions"][0]["options"][0].update(
                weights={"product_engineer": 2, "software_engineer": 2, "growth_engineer": 0}
            ),
            "two roles share the top",
        ),
    ],
)
def test_broken_criteria_are_rejected(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    raw = _raw()
    mutate(raw)
    with pytest.raises(ContentError, match=message):
        parse_criteria(raw)


answer_sets = st.fixed_dictionaries(
    {q.key: st.sampled_from([o.key for o in q.options]) for q in CRITERIA.questions}
)


@given(answer_sets, st.sampled_from([1, 2]))
def test_every_complete_answer_set_gives_one_outcome_with_a_reason(
    answers: dict[str, str], openings: int
) -> None:
    result = recommend(CRITERIA, answers, openings)
    assert result.outcome in (OUTCOMES if openings > 1 else ONE_OPENING)
    assert result.reasons and any(r.supports for r in result.reasons)
    assert 0.0 <= result.confidence <= 1.0
    assert result.lead in {"clear lead", "moderate lead", "slight lead", "too close to call"}


@given(answer_sets, st.randoms())
def test_the_order_of_answers_does_not_matter(answers: dict[str, str], rng) -> None:  # type: ignore[no-untyped-def]
    items = list(answers.items())
    rng.shuffle(items)
    assert recommend(CRITERIA, dict(items)) == recommend(CRITERIA, answers)


@pytest.mark.parametrize(("openings", "outcomes"), [(1, ONE_OPENING), (2, OUTCOMES)])
def test_every_outcome_is_reachable(openings: int, outcomes: set[str]) -> None:
    """ "Both" only when the team can hire more than one person."""
    keys = [q.key for q in CRITERIA.questions]
    seen = {
        recommend(CRITERIA, dict(zip(keys, combo, strict=True)), openings).outcome
        for combo in itertools.product(*[[o.key for o in q.options] for q in CRITERIA.questions])
    }
    assert seen == outcomes


@pytest.mark.parametrize(
    ("answers", "openings", "expected"),
    [
        (
            {
                "stage": "startup",
                "pace": "critical",
                "product": "saas",
                "team": "small",
                "ownership": "owns",
                "work": "features",
            },
            1,
            "product_engineer",
        ),
        (
            {
                "stage": "large",
                "pace": "stability",
                "product": "complex",
                "team": "specialists",
                "ownership": "implements",
                "work": "systems",
            },
            1,
            "software_engineer",
        ),
        (
            {
                "stage": "scaleup",
                "pace": "balanced",
                "product": "funnel",
                "team": "small",
                "ownership": "sometimes",
                "work": "growth",
            },
            1,
            "growth_engineer",
        ),
        (
            {
                "stage": "scaleup",
                "pace": "critical",
                "product": "saas",
                "team": "specialists",
                "ownership": "implements",
                "work": "features",
            },
            1,
            "product_engineer",
        ),
        (
            # The same with two openings: product 5, software 3, close enough for both.
            {
                "stage": "scaleup",
                "pace": "critical",
                "product": "saas",
                "team": "specialists",
                "ownership": "implements",
                "work": "features",
            },
            2,
            "both",
        ),
    ],
)
def test_worked_examples(answers: dict[str, str], openings: int, expected: str) -> None:
    assert recommend(CRITERIA, answers, openings).outcome == expected


def test_incomplete_or_unknown_answers_are_errors() -> None:
    with pytest.raises(IncompleteAnswers):
        recommend(CRITERIA, {"stage": "startup"})
    full = {q.key: q.options[0].key for q in CRITERIA.questions}
    with pytest.raises(UnknownOption):
        recommend(CRITERIA, {**full, "stage": "moon"})


@pytest.mark.parametrize(
    ("question", "typed", "expected"),
    [
        ("stage", "1", "startup"),
        ("stage", "#2", "scaleup"),
        ("stage", "option 3", "large"),
        ("stage", "the second", "scaleup"),
        ("stage", "Startup", "startup"),
        ("stage", "strtup", "startup"),
        ("stage", "we're a startup", "startup"),
        ("ownership", "yes", "owns"),
        ("ownership", "No", "implements"),
        ("work", "databases", "systems"),
        ("product", "data tool", "complex"),
        ("stage", "let me think about it", None),
        ("stage", "9", None),
        ("stage", "", None),
        ("stage", "I think we are a startup but growing quickly", None),
    ],
)
def test_typed_replies(question: str, typed: str, expected: str | None) -> None:
    q = CRITERIA.question(question)
    assert q is not None
    option = match_option(q, typed)
    assert (option.key if option else None) == expected


@given(st.text(max_size=4000))
def test_typed_reply_matching_never_raises(text: str) -> None:
    for question in CRITERIA.questions:
        match_option(question, text)
