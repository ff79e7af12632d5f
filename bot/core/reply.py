"""Reading a typed reply in a hiring thread. Pure; never raises; linear in the text.

A reply is an answer (an option's name, part of it, or its number), one of a few words
(`back`, `cancel`, `help`), an explicit note (`note: …`), or unclear. Nothing is filed as a
note unless it says so: an unclear reply is answered with the options instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.content.criteria import Question, match_option

# A reply longer than this is prose, not an answer or a command word.
COMMAND_MAX_CHARS = 40
_NOTE = re.compile(r"^\s*(?:note|notes|nb)\s*[:\-–—]\s*(.*)$", re.IGNORECASE | re.DOTALL)
_WORDS: dict[str, Literal["back", "cancel", "help"]] = {
    "back": "back",
    "go back": "back",
    "undo": "back",
    "previous": "back",
    "cancel": "cancel",
    "stop": "cancel",
    "help": "help",
    "?": "help",
    "options": "help",
}


@dataclass(frozen=True)
class ReadAsAnswer:
    option_key: str
    label: str
    exact: bool  # typed exactly as the option (or its number): no need to say how it was read


@dataclass(frozen=True)
class Word:
    word: Literal["back", "cancel", "help"]


@dataclass(frozen=True)
class ExplicitNote:
    text: str


@dataclass(frozen=True)
class Unclear:
    pass


Reply = ReadAsAnswer | Word | ExplicitNote | Unclear


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w?#]+", " ", text.lower()).split())


def read_reply(text: str, question: Question | None) -> Reply:
    """What a typed reply asks for, given the question being asked (None: no question)."""
    note = _NOTE.match(text[:5000])
    if note is not None:
        body = note.group(1).strip()
        return ExplicitNote(body) if body else Unclear()
    if len(text) > COMMAND_MAX_CHARS * 4:
        return Unclear()
    plain = _plain(text)
    word = _WORDS.get(plain) or _WORDS.get(text.strip().lower())
    if word is not None:
        return Word(word)
    if question is None:
        return Unclear()
    option = match_option(question, text)
    if option is None:
        return Unclear()
    number = question.options.index(option) + 1
    exact = plain in {_plain(option.label), _plain(option.key), str(number), f"#{number}"}
    return ReadAsAnswer(option.key, option.label, exact)
