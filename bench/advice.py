"""`python -m bench.advice`: what the recommendation says over every answer set, before
(main at 62cc2fc: its criteria.yaml, engine and team rule, read from git) and after (this
checkout), side by side as a Markdown table.

Nothing here is product code: it only counts. The counts the issue asks to be zero are
asserted over every answer set by tests/content/test_advice_rules.py and
test_recommendation_honest.py; the team figures by the property tests of
tests/content/test_voices_core.py. Team groups are drawn at random with a fixed seed.
"""

from __future__ import annotations

import argparse
import itertools
import random
import subprocess
import sys
import types
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.blocks.hire import job_line
from bot.content import criteria as criteria_now
from bot.core import recommendation as engine_now
from bot.core import voices as voices_now

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "62cc2fc"
SEED = 26
ROLES = ("product_engineer", "software_engineer", "growth_engineer")
# The job answers agree: the role they agree on (issue 26, "The job decides").
AGREEING = {
    ("ownership", "implements", "work", "systems"): "software_engineer",
    ("ownership", "owns", "work", "features"): "product_engineer",
    ("product", "funnel", "work", "growth"): "growth_engineer",
}


def _git_show(path: str) -> str:
    return subprocess.check_output(["git", "show", f"{BEFORE}:{path}"], cwd=ROOT, text=True)


@contextmanager
def _modules(replacing: Mapping[str, types.ModuleType]) -> Iterator[None]:
    """`replacing` stands in for those modules while an old module is executed."""
    saved = {name: sys.modules.get(name) for name in replacing}
    sys.modules.update(replacing)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _old_module(path: str, name: str, replacing: Mapping[str, types.ModuleType]) -> Any:
    module = types.ModuleType(name)
    module.__file__ = f"{BEFORE}:{path}"
    # Dataclasses look their module up while the class body runs.
    with _modules({**replacing, name: module}):
        exec(compile(_git_show(path), module.__file__, "exec"), module.__dict__)
    return module


@dataclass(frozen=True)
class Version:
    """One side of the table: how to recommend, how to combine a team, and the words."""

    name: str
    criteria: Any
    recommend: Callable[..., Any]
    combine: Callable[[list[tuple[str, dict[str, str]]]], Any]
    # The team's verdict and whether it is a voice's own (the same advice).
    team_outcome: Callable[[Any], str]
    same: Callable[[Any, Any], bool]
    # Why an answer is shown as neutral.
    neutral: Callable[[Any], bool]
    # The line under the verdict contradicts an answer.
    contradicts: Callable[[dict[str, str], Any], bool]


def before() -> Version:
    criteria_module = _old_module(
        "bot/content/criteria.py",
        "before_criteria",
        {"bot.content.roles": sys.modules["bot.content.roles"]},
    )
    criteria = criteria_module.parse_criteria(
        yaml.safe_load(_git_show("bot/content/criteria.yaml"))
    )
    engine = _old_module(
        "bot/core/recommendation.py",
        "before_recommendation",
        {"bot.content.criteria": criteria_module},
    )
    voices = _old_module(
        "bot/core/voices.py",
        "before_voices",
        {"bot.content.criteria": criteria_module, "bot.core.recommendation": engine},
    )

    def contradicts(answers: dict[str, str], rec: Any) -> bool:
        # The product engineer's card line, "owns a slice of the product", shown under a
        # hire who does not own it.
        return rec.outcome == "product_engineer" and answers["ownership"] == "implements"

    return Version(
        f"before ({BEFORE})",
        criteria,
        lambda answers, openings=1: engine.recommend(criteria, answers),
        lambda voices_: voices.combine(criteria, voices_, voices_[0][0]),
        lambda team: team.combined.outcome,
        lambda a, b: a.outcome == b.outcome,
        lambda reason: reason.towards is None,
        contradicts,
    )


def after() -> Version:
    criteria = criteria_now.load_criteria()

    def contradicts(answers: dict[str, str], rec: Any) -> bool:
        line = job_line(rec)
        said = {
            o.said for q in criteria.questions for o in q.options if q.about == "job" and o.said
        }
        given = {criteria.question(k).option(answers[k]).said for k in ("ownership", "work")}
        return not all(s in line for s in given) or any(s in line for s in said - given)

    return Version(
        "after",
        criteria,
        lambda answers, openings=1: engine_now.recommend(criteria, answers, openings),
        lambda voices_: voices_now.combine(criteria, voices_),
        lambda team: team.combined.outcome,
        lambda a, b: voices_now.same_verdict(a, b),
        lambda reason: reason.towards is None,
        contradicts,
    )


def answer_sets(criteria: Any) -> list[dict[str, str]]:
    keys = [q.key for q in criteria.questions]
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*[[o.key for o in q.options] for q in criteria.questions])
    ]


def job_says(answers: dict[str, str]) -> str | None:
    for (q1, o1, q2, o2), role in AGREEING.items():
        if answers[q1] == o1 and answers[q2] == o2:
            return role
    return None


def _key(rec: Any) -> tuple[str, str | None]:
    return rec.outcome, getattr(rec, "hire_first", None)


def _turned_by_one(version: Version, answers: dict[str, str], openings: int) -> bool:
    rec = version.recommend(answers, openings)
    return any(
        _key(version.recommend({**answers, q.key: o.key}, openings)) != _key(rec)
        for q in version.criteria.questions
        for o in q.options
        if o.key != answers[q.key]
    )


def single_figures(version: Version, openings: int = 1) -> dict[str, str]:
    sets = answer_sets(version.criteria)
    recs = [(a, version.recommend(a, openings)) for a in sets]
    counts = Counter(rec.outcome for _, rec in recs)
    agreeing = [(a, r) for a, r in recs if job_says(a)]
    # Two openings: the job's role must come first (alone, or first in "both").
    overruled = sum(
        1
        for a, r in agreeing
        if not (r.outcome == job_says(a) or getattr(r, "hire_first", None) == job_says(a))
    )
    clear = [a for a, r in recs if r.lead == "clear lead"]
    clear_turned = sum(1 for a in clear if _turned_by_one(version, a, openings))
    neutral_options = {
        (r.question_key, r.option_key)
        for _, rec in recs
        for r in rec.reasons
        if version.neutral(r) and len(set(r.weights.values())) > 1
    }
    neutral_sets = sum(
        1
        for _, rec in recs
        if any(version.neutral(r) and len(set(r.weights.values())) > 1 for r in rec.reasons)
    )
    return {
        "verdicts": ", ".join(f"{k} {counts[k]}" for k in (*ROLES, "both", "too_close")),
        "job answers agree, verdict differs (two openings: their role not first)": (
            f"{overruled} of {len(agreeing)}"
        ),
        '"both" for one opening': str(counts["both"]) if openings == 1 else "n/a (two openings)",
        '"clear" leads one changed answer turns': f"{clear_turned} of {len(clear)}",
        '"neutral" answers with unequal points': (
            f"{len(neutral_options)} options, shown in {neutral_sets} sets"
        ),
        "line under the verdict contradicts an answer": str(
            sum(1 for a, r in recs if version.contradicts(a, r))
        ),
    }


def team_figures(version: Version, groups: int) -> dict[str, str]:
    rng = random.Random(SEED)
    sets = answer_sets(version.criteria)
    own = {tuple(a.values()): version.recommend(a) for a in sets}

    def team_of(members: list[dict[str, str]]) -> Any:
        return version.combine([(f"U{i}", m) for i, m in enumerate(members)])

    nobody = 0
    against_most = said_first = 0
    for _ in range(groups):
        members = [rng.choice(sets) for _ in range(3)]
        team = team_of(members)
        agreeing = sum(version.same(own[tuple(m.values())], team.combined) for m in members)
        if agreeing == 0:
            nobody += 1
        if agreeing < 2:
            against_most += 1
            # Only the new message says so (first); the old one had no word for it.
            said_first += bool(getattr(team, "against_most", False))
    by_advice: dict[tuple[Any, ...], list[dict[str, str]]] = {}
    for a in sets:
        rec = own[tuple(a.values())]
        tied = frozenset(rec.contenders) if rec.outcome == "too_close" else frozenset()
        by_advice.setdefault((rec.outcome, tied), []).append(a)
    # In a fixed order (a frozenset's own order changes with the hash seed).
    classes = sorted(by_advice, key=lambda advice: (advice[0], sorted(advice[1])))
    unanimous_other = 0
    for _ in range(groups):
        advice = rng.choice(classes)
        members = [rng.choice(by_advice[advice]) for _ in range(3)]
        team = team_of(members)
        if not version.same(own[tuple(members[0].values())], team.combined):
            unanimous_other += 1
    starters = 0
    split = 0
    for _ in range(groups):
        pair = [rng.choice(sets), rng.choice(sets)]
        first, second = (own[tuple(m.values())] for m in pair)
        if version.same(first, second):
            continue
        split += 1
        if version.same(first, team_of(pair).combined):
            starters += 1
    return {
        "3 voices: team verdict is nobody's own": f"{100 * nobody / groups:.1f}%",
        "3 voices: team differs from most, and the message says so first": (
            f"{said_first} of {against_most}"
        ),
        "3 like-minded voices: team gets another verdict": f"{unanimous_other} of {groups}",
        "2 voices who differ: team takes the starter's": (
            f"{100 * starters / split:.1f}% of {split}"
        ),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5000, help="random teams per figure")
    args = parser.parse_args(argv)
    old, new = before(), after()
    rows: dict[str, list[str]] = {}
    for version in (old, new):
        for label, value in {
            **single_figures(version),
            **team_figures(version, args.groups),
        }.items():
            rows.setdefault(label, []).append(value)
    two = single_figures(new, openings=2)
    print(
        f"| over all {len(answer_sets(new.criteria))} answer sets | {old.name} | after, one opening | after, two openings |"
    )
    print("|---|---|---|---|")
    for label, (was, now) in rows.items():
        print(f"| {label} | {was} | {now} | {two.get(label, '—')} |")


if __name__ == "__main__":
    main()
