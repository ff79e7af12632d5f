"""Loads and validates criteria.yaml: the questions of the guided hiring conversation."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from bot.content.roles import ContentError

OUTCOME_KEYS = ("product_engineer", "software_engineer", "growth_engineer")
# What a question is about: the job itself decides the verdict, the company tunes it.
ABOUT = ("job", "company")
LABEL_LIMIT = 40  # fits a Slack button (75) with room to spare on mobile
REASON_LIMIT = 200
# `source: ours` marks a reason that is our own judgement, not a claim of the articles: it
# is shown without a citation.
OUR_OWN = "ours"
SAID_LIMIT = 60  # a job answer in a few words: "builds what others plan"
CONDITION_LIMIT = 80  # one clause of a sentence: "If <condition>, this would be …"
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
}


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    synonyms: tuple[str, ...]
    weights: dict[str, int]
    reason: str
    source_url: str | None  # None: our own judgement (`source: ours`), never cited
    # Reads after "If": "the team were small and multi-skilled" (what would turn a verdict).
    condition: str
    # A job question's answer in a few words, as the line under a verdict restates the job:
    # "builds what others plan", "deep technical systems". None for company questions.
    said: str | None = None


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    help: str | None
    options: tuple[Option, ...]
    about: str = "company"  # one of ABOUT

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Criteria:
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def __len__(self) -> int:
        return len(self.questions)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w#]+", " ", text.lower()).split())


def parse_criteria(raw: Any) -> Criteria:
    if not isinstance(raw, dict) or set(raw) != {"sources", "questions"}:
        raise ContentError("criteria.yaml: expected exactly the keys sources and questions")
    sources = raw["sources"]
    if not isinstance(sources, dict) or not all(
        isinstance(u, str) and u.startswith("https://") for u in sources.values()
    ):
        raise ContentError("criteria.yaml sources: expected https URLs")
    questions: list[Question] = []
    seen_questions: set[str] = set()
    for qi, q in enumerate(raw["questions"] or []):
        where = f"questions[{qi}]"
        if not isinstance(q, dict) or not {"key", "prompt", "about", "options"} <= q.keys():
            raise ContentError(f"{where}: needs key, prompt, about and options")
        if set(q) - {"key", "prompt", "about", "help", "options"}:
            unknown = sorted(set(q) - {"key", "prompt", "about", "help", "options"})
            raise ContentError(f"{where}: unknown key {unknown}")
        if q["about"] not in ABOUT:
            raise ContentError(f"{where}.about: expected one of {', '.join(ABOUT)}")
        job = q["about"] == "job"
        if q["key"] in seen_questions:
            raise ContentError(f"{where}: duplicate question key {q['key']!r}")
        seen_questions.add(q["key"])
        options: list[Option] = []
        names: dict[str, str] = {}
        raw_options = q["options"] or []
        if not 2 <= len(raw_options) <= 4:
            raise ContentError(f"{where}: expected 2 to 4 options")
        for oi, o in enumerate(raw_options):
            owhere = f"{where}.options[{oi}]"
            required = {"key", "label", "synonyms", "weights", "reason", "source", "condition"}
            if job:  # the line under a verdict restates the job's answers
                required.add("said")
            if not isinstance(o, dict) or set(o) != required:
                raise ContentError(f"{owhere}: expected exactly {', '.join(sorted(required))}")
            if job and not (isinstance(o["said"], str) and 0 < len(o["said"]) <= SAID_LIMIT):
                raise ContentError(f"{owhere}.said: expected 1 to {SAID_LIMIT} characters")
            if len(o["label"]) > LABEL_LIMIT:
                raise ContentError(f"{owhere}.label: longer than {LABEL_LIMIT} characters")
            if len(o["reason"]) > REASON_LIMIT or not o["reason"].strip():
                raise ContentError(f"{owhere}.reason: expected 1 to {REASON_LIMIT} characters")
            if (
                not isinstance(o["condition"], str)
                or not 0 < len(o["condition"]) <= CONDITION_LIMIT
            ):
                raise ContentError(
                    f"{owhere}.condition: expected 1 to {CONDITION_LIMIT} characters"
                )
            weights = o["weights"]
            if (
                not isinstance(weights, dict)
                or set(weights) != set(OUTCOME_KEYS)
                or not all(isinstance(w, int) and 0 <= w <= 3 for w in weights.values())
            ):
                raise ContentError(
                    f"{owhere}.weights: need 0..3 for each of {', '.join(OUTCOME_KEYS)}"
                )
            top = max(weights.values())
            if 1 < list(weights.values()).count(top) < len(OUTCOME_KEYS):
                # Neutral means the same points for every role; anything else must lean
                # one way, or the message could not say which.
                raise ContentError(
                    f"{owhere}.weights: two roles share the top; give every role the same "
                    "points (neutral) or one role the most"
                )
            if not isinstance(o["synonyms"], list) or not all(
                isinstance(x, str) for x in o["synonyms"]
            ):
                raise ContentError(
                    f"{owhere}.synonyms: expected a list of text (quote yes/no in YAML)"
                )
            if o["source"] not in sources and o["source"] != OUR_OWN:
                raise ContentError(f"{owhere}.source: unknown source {o['source']!r}")
            for name in (o["key"], o["label"], *o["synonyms"]):
                normalised = _words(str(name))
                if names.get(normalised, o["key"]) != o["key"]:
                    raise ContentError(
                        f"{owhere}: {name!r} also names option {names[normalised]!r}"
                    )
                names[normalised] = o["key"]
            options.append(
                Option(
                    o["key"],
                    o["label"],
                    tuple(o["synonyms"]),
                    dict(weights),
                    " ".join(o["reason"].split()),
                    sources.get(o["source"]),
                    " ".join(o["condition"].split()),
                    " ".join(o["said"].split()) if job else None,
                )
            )
        questions.append(Question(q["key"], q["prompt"], q.get("help"), tuple(options), q["about"]))
    if len(questions) < 3:
        raise ContentError("criteria.yaml: expected at least 3 questions")
    return Criteria(tuple(questions))


@functools.cache
def load_criteria() -> Criteria:
    text = resources.files("bot.content").joinpath("criteria.yaml").read_text(encoding="utf-8")
    return parse_criteria(yaml.safe_load(text))


def match_option(question: Question, text: str) -> Option | None:
    """The option a typed thread reply names, or None when it is not clearly an answer.

    Accepts the option's number ("2", "#2", "option 2", "the second"), its key, label or a
    synonym, with small typos. A longer message that merely mentions a word is a note,
    not an answer, so only short replies are matched by the words they contain.
    """
    typed = _words(text)[:200]
    if not typed:
        return None
    number = re.fullmatch(r"(?:option |answer |number |no |the )?#?([0-9]+|\w+)", typed)
    if number:
        token = number.group(1)
        index = int(token) if token.isascii() and token.isdigit() else NUMBER_WORDS.get(token)
        if index is not None and 1 <= index <= len(question.options):
            return question.options[index - 1]
    names = {_words(n): o for o in question.options for n in (o.key, o.label, *o.synonyms)}
    if typed in names:
        return names[typed]
    close = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.84)
    if close:
        return names[close[0]]
    if len(typed.split()) > 4:
        return None
    # Part of one option's label ("larger team" for "Larger team of specialists").
    if len(typed) >= 3:
        partial = {
            o.key: o
            for o in question.options
            if re.search(rf"\b{re.escape(typed)}\b", _words(o.label))
        }
        if len(partial) == 1:
            return next(iter(partial.values()))
    contained = {
        o.key: o for name, o in names.items() if re.search(rf"\b{re.escape(name)}\b", typed)
    }
    return next(iter(contained.values())) if len(contained) == 1 else None
