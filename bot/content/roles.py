"""Loads and validates roles.yaml into typed, immutable objects."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

ROLE_KEYS = ("product_engineer", "software_engineer", "growth_engineer")
SUMMARY_LIMIT = 140
BULLET_LIMIT = 120
PARAGRAPH_LIMIT = 600
# A card opens on its brief: the one-line summary and three short bullets. People read
# about four words a second, so 80 words is the 20 seconds the card promises.
BRIEF_BULLETS = 3
BRIEF_BULLET_LIMIT = 100
BRIEF_WORD_BUDGET = 80
# The short side-by-side a comparison opens on shows this many dimensions.
COMPARISON_BRIEF_DIMENSIONS = 3
# The self-check weighs these two roles against each other, as the source article does.
SELF_CHECK_SIDES = ("product_engineer", "software_engineer")
# A stated count ("Four quick questions") goes stale when a question is added; the bot
# counts the questions itself, so the intro must not.
_STATED_COUNT = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|a few)\b", re.IGNORECASE
)


# `source: ours` marks a passage, a list or a comparison value that is our own guidance, where
# the articles say nothing: it is shown as ours, never cited to them.
OUR_OWN = "ours"


class ContentError(ValueError):
    """The content file is broken; the message says where and how."""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Passage:
    text: str
    source: Source | None  # None: our own guidance (`source: ours`)


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    source: Source | None  # None: our own guidance (`source: ours`)


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    emoji: str
    aliases: tuple[str, ...]
    summary: Passage
    brief: BulletList
    focus: Passage
    time: Passage
    characteristics: BulletList
    skills: BulletList
    when_to_hire: BulletList

    @property
    def sources(self) -> tuple[Source, ...]:
        seen: dict[str, Source] = {}
        for part in (
            self.summary,
            self.brief,
            self.focus,
            self.time,
            self.characteristics,
            self.skills,
            self.when_to_hire,
        ):
            if part.source is not None:
                seen.setdefault(part.source.key, part.source)
        return tuple(seen.values())

    @property
    def brief_sources(self) -> tuple[Source, ...]:
        """Where the summary card's facts come from (it shows only summary and brief)."""
        parts = (self.summary, self.brief)
        return tuple({p.source.key: p.source for p in parts if p.source is not None}.values())


@dataclass(frozen=True)
class Dimension:
    label: str
    values: dict[str, str]
    ours: frozenset[str] = frozenset()  # roles whose value is our own guidance, uncited


@dataclass(frozen=True)
class Comparison:
    dimensions: tuple[Dimension, ...]
    brief: tuple[Dimension, ...]  # the short side-by-side: a few of `dimensions`, in order
    shared: str
    source: Source


@dataclass(frozen=True)
class SelfCheckQuestion:
    key: str
    text: str
    yes_points_to: str  # one of SELF_CHECK_SIDES
    no_points_to: str  # the other one

    def points_to(self, said_yes: bool) -> str:
        return self.yes_points_to if said_yes else self.no_points_to


@dataclass(frozen=True)
class SelfCheck:
    intro: str
    sides: dict[str, str]  # role key -> how the read-out names it ("product engineering")
    questions: tuple[SelfCheckQuestion, ...]
    results: dict[str, str]
    source: Source


@dataclass(frozen=True)
class RoleBook:
    roles: dict[str, Role]
    comparison: Comparison
    self_check: SelfCheck
    sources: dict[str, Source]

    def role(self, key: str) -> Role:
        return self.roles[key]


class _Reader:
    """Walks the raw YAML with a path for error messages."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.sources = sources

    @staticmethod
    def mapping(
        value: Any,
        where: str,
        required: set[str],
        optional: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ContentError(f"{where}: expected a mapping")
        missing = required - value.keys()
        if missing:
            raise ContentError(f"{where}: missing {', '.join(sorted(missing))}")
        unknown = value.keys() - required - optional
        if unknown:
            raise ContentError(f"{where}: unknown key {', '.join(sorted(unknown))}")
        return value

    @staticmethod
    def text(value: Any, where: str, limit: int) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{where}: expected non-empty text")
        text = " ".join(value.split())
        if len(text) > limit:
            raise ContentError(f"{where}: {len(text)} characters, more than {limit}")
        return text

    def source(self, value: Any, where: str) -> Source:
        """A source the text is cited to: one of the articles."""
        if value not in self.sources:
            raise ContentError(f"{where}: unknown source {value!r}")
        return self.sources[value]

    def source_or_ours(self, value: Any, where: str) -> Source | None:
        """An article, or None for our own guidance (`source: ours`)."""
        return None if value == OUR_OWN else self.source(value, where)

    def passage(self, value: Any, where: str, limit: int) -> Passage:
        raw = self.mapping(value, where, {"text", "source"})
        return Passage(
            self.text(raw["text"], f"{where}.text", limit),
            self.source_or_ours(raw["source"], f"{where}.source"),
        )

    def bullets(
        self,
        value: Any,
        where: str,
        count: tuple[int, int] = (2, 7),
        limit: int = BULLET_LIMIT,
    ) -> BulletList:
        raw = self.mapping(value, where, {"items", "source"})
        items = raw["items"]
        low, high = count
        if not isinstance(items, list) or not low <= len(items) <= high:
            wanted = f"{low}" if low == high else f"{low} to {high}"
            raise ContentError(f"{where}.items: expected {wanted} bullets")
        return BulletList(
            tuple(self.text(item, f"{where}.items[{i}]", limit) for i, item in enumerate(items)),
            self.source_or_ours(raw["source"], f"{where}.source"),
        )


def normalise_name(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def parse_role_book(raw: Any) -> RoleBook:
    top = _Reader.mapping(raw, "roles.yaml", {"sources", "roles", "comparison", "self_check"})
    sources: dict[str, Source] = {}
    for key, value in _Reader.mapping(top["sources"], "sources", set(), {"what_is", "vs"}).items():
        entry = _Reader.mapping(value, f"sources.{key}", {"title", "url"})
        url = str(entry["url"])
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc:
            raise ContentError(f"sources.{key}.url: expected an https URL")
        sources[key] = Source(key, _Reader.text(entry["title"], f"sources.{key}.title", 200), url)
    reader = _Reader(sources)

    roles: dict[str, Role] = {}
    raw_roles = _Reader.mapping(top["roles"], "roles", set(ROLE_KEYS))
    taken: dict[str, str] = {}
    for key in ROLE_KEYS:
        where = f"roles.{key}"
        entry = _Reader.mapping(
            raw_roles[key],
            where,
            {
                "name",
                "emoji",
                "aliases",
                "summary",
                "brief",
                "focus",
                "time",
                "characteristics",
                "skills",
                "when_to_hire",
            },
        )
        name = _Reader.text(entry["name"], f"{where}.name", 40)
        aliases_raw = entry["aliases"]
        if not isinstance(aliases_raw, list) or not aliases_raw:
            raise ContentError(f"{where}.aliases: expected a list of names")
        aliases = tuple(_Reader.text(a, f"{where}.aliases", 60) for a in aliases_raw)
        for alias in (name, *aliases):
            normalised = normalise_name(alias)
            if taken.get(normalised, key) != key:
                raise ContentError(
                    f"{where}.aliases: {alias!r} is also a name of {taken[normalised]}"
                )
            taken[normalised] = key
        summary = reader.passage(entry["summary"], f"{where}.summary", SUMMARY_LIMIT)
        brief = reader.bullets(
            entry["brief"],
            f"{where}.brief",
            count=(BRIEF_BULLETS, BRIEF_BULLETS),
            limit=BRIEF_BULLET_LIMIT,
        )
        words = len(" ".join([summary.text, *brief.items]).split())
        if words > BRIEF_WORD_BUDGET:
            raise ContentError(
                f"{where}.brief: summary and brief are {words} words, more than "
                f"{BRIEF_WORD_BUDGET} (about 20 seconds of reading)"
            )
        roles[key] = Role(
            key=key,
            name=name,
            emoji=_Reader.text(entry["emoji"], f"{where}.emoji", 40),
            aliases=aliases,
            summary=summary,
            brief=brief,
            focus=reader.passage(entry["focus"], f"{where}.focus", PARAGRAPH_LIMIT),
            time=reader.passage(entry["time"], f"{where}.time", PARAGRAPH_LIMIT),
            characteristics=reader.bullets(entry["characteristics"], f"{where}.characteristics"),
            skills=reader.bullets(entry["skills"], f"{where}.skills"),
            when_to_hire=reader.bullets(entry["when_to_hire"], f"{where}.when_to_hire"),
        )

    comparison_raw = _Reader.mapping(
        top["comparison"], "comparison", {"source", "dimensions", "brief", "shared"}
    )
    dimensions = []
    for i, dim in enumerate(comparison_raw["dimensions"] or []):
        entry = _Reader.mapping(dim, f"comparison.dimensions[{i}]", {"label", "values"})
        values = _Reader.mapping(
            entry["values"], f"comparison.dimensions[{i}].values", set(ROLE_KEYS)
        )
        texts: dict[str, str] = {}
        ours: set[str] = set()
        for k in ROLE_KEYS:
            vwhere = f"comparison.dimensions[{i}].values.{k}"
            value = values[k]
            if isinstance(value, dict):  # {text, source: ours}: our guidance, not cited
                value = _Reader.mapping(value, vwhere, {"text", "source"})
                if value["source"] != OUR_OWN:
                    raise ContentError(
                        f"{vwhere}.source: a value is cited to the comparison's source; "
                        f"only {OUR_OWN!r} may be given here"
                    )
                ours.add(k)
                value = value["text"]
            texts[k] = _Reader.text(value, vwhere, 80)
        dimensions.append(
            Dimension(
                _Reader.text(entry["label"], f"comparison.dimensions[{i}].label", 40),
                texts,
                frozenset(ours),
            )
        )
    if len(dimensions) < 3:
        raise ContentError("comparison.dimensions: expected at least 3")
    by_label = {d.label: d for d in dimensions}
    if len(by_label) != len(dimensions):
        raise ContentError("comparison.dimensions: two dimensions share a label")
    brief_labels = comparison_raw["brief"]
    if (
        not isinstance(brief_labels, list)
        or len(brief_labels) != COMPARISON_BRIEF_DIMENSIONS
        or len(set(map(str, brief_labels))) != len(brief_labels)
    ):
        raise ContentError(
            f"comparison.brief: expected {COMPARISON_BRIEF_DIMENSIONS} different dimension labels"
        )
    for label in brief_labels:
        if label not in by_label:
            raise ContentError(f"comparison.brief: no dimension labelled {label!r}")
    comparison = Comparison(
        tuple(dimensions),
        tuple(by_label[label] for label in brief_labels),
        _Reader.text(comparison_raw["shared"], "comparison.shared", 200),
        reader.source(comparison_raw["source"], "comparison.source"),
    )

    check_raw = _Reader.mapping(
        top["self_check"], "self_check", {"source", "intro", "sides", "questions", "results"}
    )
    intro = _Reader.text(check_raw["intro"], "self_check.intro", 200)
    stated = _STATED_COUNT.search(intro)
    if stated:
        raise ContentError(
            f"self_check.intro: says {stated.group(0)!r}; leave the number of questions out, "
            "the bot counts them"
        )
    sides_raw = _Reader.mapping(check_raw["sides"], "self_check.sides", set(SELF_CHECK_SIDES))
    sides = {k: _Reader.text(sides_raw[k], f"self_check.sides.{k}", 40) for k in SELF_CHECK_SIDES}
    questions: list[SelfCheckQuestion] = []
    for i, q in enumerate(check_raw["questions"] or []):
        where = f"self_check.questions[{i}]"
        entry = _Reader.mapping(q, where, {"key", "text", "yes_points_to"})
        yes = entry["yes_points_to"]
        if yes not in SELF_CHECK_SIDES:
            raise ContentError(
                f"{where}.yes_points_to: expected one of {', '.join(SELF_CHECK_SIDES)}, not {yes!r}"
            )
        key = _Reader.text(entry["key"], f"{where}.key", 40)
        if any(other.key == key for other in questions):
            raise ContentError(f"{where}.key: {key!r} is used twice")
        no = next(side for side in SELF_CHECK_SIDES if side != yes)
        questions.append(
            SelfCheckQuestion(key, _Reader.text(entry["text"], f"{where}.text", 150), yes, no)
        )
    if not 3 <= len(questions) <= 6:
        raise ContentError("self_check.questions: expected 3 to 6 questions")
    for side in SELF_CHECK_SIDES:
        # With every "yes" pointing one way, agreeing with everything would read as a clear
        # answer; a question asked the other way round keeps the tally honest.
        if not any(q.yes_points_to == side for q in questions):
            raise ContentError(
                f"self_check.questions: no question where a yes points to {side}; "
                "ask at least one the other way round"
            )
    results = _Reader.mapping(
        check_raw["results"],
        "self_check.results",
        {"product_engineer", "software_engineer", "mixed"},
    )
    self_check = SelfCheck(
        intro,
        sides,
        tuple(questions),
        {
            k: _Reader.text(v, f"self_check.results.{k}", PARAGRAPH_LIMIT)
            for k, v in results.items()
        },
        reader.source(check_raw["source"], "self_check.source"),
    )
    return RoleBook(roles=roles, comparison=comparison, self_check=self_check, sources=sources)


def read_role_book(text: str) -> RoleBook:
    """roles.yaml's text as a role book; a file that is not YAML is a ContentError too."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ContentError(f"roles.yaml: not valid YAML ({error})") from None
    return parse_role_book(raw)


@functools.cache
def load_roles() -> RoleBook:
    """The packaged role book, parsed once per process."""
    text = resources.files("bot.content").joinpath("roles.yaml").read_text(encoding="utf-8")
    return read_role_book(text)
