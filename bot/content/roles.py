"""Loads and validates roles.yaml into typed, immutable objects."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROLE_KEYS = ("product_engineer", "software_engineer", "growth_engineer")
SUMMARY_LIMIT = 140
BULLET_LIMIT = 120
PARAGRAPH_LIMIT = 600


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
    source: Source


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    emoji: str
    aliases: tuple[str, ...]
    summary: Passage
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
            self.focus,
            self.time,
            self.characteristics,
            self.skills,
            self.when_to_hire,
        ):
            seen.setdefault(part.source.key, part.source)
        return tuple(seen.values())


@dataclass(frozen=True)
class Dimension:
    label: str
    values: dict[str, str]


@dataclass(frozen=True)
class Comparison:
    dimensions: tuple[Dimension, ...]
    shared: str
    source: Source


@dataclass(frozen=True)
class SelfCheckQuestion:
    key: str
    text: str
    yes_points_to: str
    no_points_to: str


@dataclass(frozen=True)
class SelfCheck:
    intro: str
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
        if value not in self.sources:
            raise ContentError(f"{where}: unknown source {value!r}")
        return self.sources[value]

    def passage(self, value: Any, where: str, limit: int) -> Passage:
        raw = self.mapping(value, where, {"text", "source"})
        return Passage(
            self.text(raw["text"], f"{where}.text", limit),
            self.source(raw["source"], f"{where}.source"),
        )

    def bullets(self, value: Any, where: str) -> BulletList:
        raw = self.mapping(value, where, {"items", "source"})
        items = raw["items"]
        if not isinstance(items, list) or not 2 <= len(items) <= 7:
            raise ContentError(f"{where}.items: expected 2 to 7 bullets")
        return BulletList(
            tuple(
                self.text(item, f"{where}.items[{i}]", BULLET_LIMIT) for i, item in enumerate(items)
            ),
            self.source(raw["source"], f"{where}.source"),
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
        roles[key] = Role(
            key=key,
            name=name,
            emoji=_Reader.text(entry["emoji"], f"{where}.emoji", 40),
            aliases=aliases,
            summary=reader.passage(entry["summary"], f"{where}.summary", SUMMARY_LIMIT),
            focus=reader.passage(entry["focus"], f"{where}.focus", PARAGRAPH_LIMIT),
            time=reader.passage(entry["time"], f"{where}.time", PARAGRAPH_LIMIT),
            characteristics=reader.bullets(entry["characteristics"], f"{where}.characteristics"),
            skills=reader.bullets(entry["skills"], f"{where}.skills"),
            when_to_hire=reader.bullets(entry["when_to_hire"], f"{where}.when_to_hire"),
        )

    comparison_raw = _Reader.mapping(
        top["comparison"], "comparison", {"source", "dimensions", "shared"}
    )
    dimensions = []
    for i, dim in enumerate(comparison_raw["dimensions"] or []):
        entry = _Reader.mapping(dim, f"comparison.dimensions[{i}]", {"label", "values"})
        values = _Reader.mapping(
            entry["values"], f"comparison.dimensions[{i}].values", set(ROLE_KEYS)
        )
        dimensions.append(
            Dimension(
                _Reader.text(entry["label"], f"comparison.dimensions[{i}].label", 40),
                {
                    k: _Reader.text(values[k], f"comparison.dimensions[{i}].values.{k}", 80)
                    for k in ROLE_KEYS
                },
            )
        )
    if len(dimensions) < 3:
        raise ContentError("comparison.dimensions: expected at least 3")
    comparison = Comparison(
        tuple(dimensions),
        _Reader.text(comparison_raw["shared"], "comparison.shared", 200),
        reader.source(comparison_raw["source"], "comparison.source"),
    )

    check_raw = _Reader.mapping(
        top["self_check"], "self_check", {"source", "intro", "questions", "results"}
    )
    questions = []
    for i, q in enumerate(check_raw["questions"] or []):
        where = f"self_check.questions[{i}]"
        entry = _Reader.mapping(q, where, {"key", "text", "yes_points_to", "no_points_to"})
        for side in ("yes_points_to", "no_points_to"):
            if entry[side] not in ROLE_KEYS:
                raise ContentError(f"{where}.{side}: unknown role {entry[side]!r}")
        questions.append(
            SelfCheckQuestion(
                _Reader.text(entry["key"], f"{where}.key", 40),
                _Reader.text(entry["text"], f"{where}.text", 150),
                entry["yes_points_to"],
                entry["no_points_to"],
            )
        )
    if not 3 <= len(questions) <= 6:
        raise ContentError("self_check.questions: expected 3 to 6 questions")
    results = _Reader.mapping(
        check_raw["results"],
        "self_check.results",
        {"product_engineer", "software_engineer", "mixed"},
    )
    self_check = SelfCheck(
        _Reader.text(check_raw["intro"], "self_check.intro", 200),
        tuple(questions),
        {
            k: _Reader.text(v, f"self_check.results.{k}", PARAGRAPH_LIMIT)
            for k, v in results.items()
        },
        reader.source(check_raw["source"], "self_check.source"),
    )
    return RoleBook(roles=roles, comparison=comparison, self_check=self_check, sources=sources)


def load_roles_from(path: Path) -> RoleBook:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(f"{path.name}: not valid YAML ({error})") from None
    return parse_role_book(raw)


@functools.cache
def load_roles() -> RoleBook:
    """The packaged role book, parsed once per process."""
    text = resources.files("bot.content").joinpath("roles.yaml").read_text(encoding="utf-8")
    return parse_role_book(yaml.safe_load(text))
