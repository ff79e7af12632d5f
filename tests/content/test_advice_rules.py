"""The argument of the articles, as rules the verdict keeps over every answer set: the job
decides when its answers agree, the company tunes only what they leave open, company size
alone favours no one, growth engineer gets points only from the growth answers, and one
opening gets one kind of engineer.

The engine follows the points and nothing else (test_recommendation_honest.py), so these
rules are facts about the weights in criteria.yaml: change a weight and the failing test
lists the answer sets it broke.
"""

from __future__ import annotations

from bot.content.criteria import OUTCOME_KEYS
from bot.core.recommendation import BOTH, recommend
from tests.content.test_recommendation_honest import CRITERIA, EVERY_ANSWER_SET

# When the two answers about the job agree, the role they agree on.
AGREEING_JOB = {
    ("implements", "systems"): "software_engineer",
    ("owns", "features"): "product_engineer",
}
# A signup or billing flow with growth work: the growth engineer's ground, whoever owns it.
GROWTH_PAIR = ("funnel", "growth")


def job_says(answers: dict[str, str]) -> str | None:
    """The role the job answers agree on, or None where they leave it open."""
    if (answers["product"], answers["work"]) == GROWTH_PAIR:
        return "growth_engineer"
    return AGREEING_JOB.get((answers["ownership"], answers["work"]))


def test_the_rules_cover_the_cases_the_issue_names() -> None:
    ruled = [a for a in EVERY_ANSWER_SET if job_says(a)]
    # 54 company answer sets for each agreeing job pair, 54 for funnel + growth work
    # (any stage, pace, team and ownership): 162 answer sets the job decides on its own.
    assert len(ruled) == 3 * 54


def test_the_job_decides_when_its_answers_agree() -> None:
    """One opening: that role, whatever the company answers. Two openings: that role goes
    first (alone, or ahead of the other in "both")."""
    wrong = []
    for answers in EVERY_ANSWER_SET:
        role = job_says(answers)
        if role is None:
            continue
        one = recommend(CRITERIA, answers)
        two = recommend(CRITERIA, answers, openings=2)
        if one.outcome != role or not (
            two.outcome == role or (two.outcome == BOTH and two.hire_first == role)
        ):
            wrong.append((answers, one.outcome, two.outcome, dict(one.scores)))
    assert wrong == []


def test_the_company_tunes_only_what_the_job_leaves_open() -> None:
    """Where the job answers agree, no company answer changes the verdict; where they leave
    it open, the company answers decide (they are not dead weight)."""
    verdicts: dict[tuple[str, str, bool], set[str]] = {}
    for answers in EVERY_ANSWER_SET:
        job = (answers["ownership"], answers["work"], answers["product"] == "funnel")
        verdicts.setdefault(job, set()).add(recommend(CRITERIA, answers).outcome)
    for (ownership, work, funnel), found in verdicts.items():
        decided = (ownership, work) in AGREEING_JOB or (funnel and work == "growth")
        assert (len(found) == 1) == decided, (ownership, work, funnel, found)


def test_company_size_alone_is_no_argument_for_software_engineers() -> None:
    stage = CRITERIA.question("stage")
    assert stage is not None
    for option in stage.options:
        weights = option.weights
        assert weights["software_engineer"] == min(weights.values()), option.key
    large = stage.option("large")
    assert large is not None and len(set(large.weights.values())) == 1


def test_growth_engineer_gets_points_only_from_the_growth_answers() -> None:
    """The articles tie growth engineers to growth metrics (signups, subscriptions and
    revenue) and to nothing else."""
    giving = {
        (q.key, o.key)
        for q in CRITERIA.questions
        for o in q.options
        if o.weights["growth_engineer"] > min(o.weights.values())
    }
    assert giving == {("product", "funnel"), ("work", "growth")}


def test_the_job_questions_carry_the_most_points() -> None:
    """Each job answer can move the gap between product and software engineer more than any
    company answer (the funnel answer aside: it is the growth engineer's own ground, see
    criteria.yaml)."""

    def reach(about: str) -> int:
        return min(
            max(o.weights[k] for o in q.options) - min(o.weights[k] for o in q.options)
            for q in CRITERIA.questions
            if q.about == about
            for k in ("product_engineer", "software_engineer")
        )

    company_most = max(
        o.weights[k] - min(o.weights.values())
        for q in CRITERIA.questions
        if q.about == "company" and q.key != "product"
        for o in q.options
        for k in OUTCOME_KEYS
    )
    assert reach("job") > company_most


def test_one_opening_gets_one_kind_of_engineer() -> None:
    assert [a for a in EVERY_ANSWER_SET if recommend(CRITERIA, a).outcome == BOTH] == []
    both = [a for a in EVERY_ANSWER_SET if recommend(CRITERIA, a, openings=2).outcome == BOTH]
    assert both  # "both" exists, for teams that can hire more than one
    for answers in both:
        one = recommend(CRITERIA, answers)
        assert one.both_if_two_openings  # the one-opening message offers it
