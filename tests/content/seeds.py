"""The seed articles, normalised, for checking that our texts never copy their sentences."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SEEDS = REPO_ROOT.parent / "shared" / "seeds"
MIN_WORDS = 8


def normalise(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links → their text
    text = text.lower().replace("’", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


def seed_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(SEEDS.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        raw = re.sub(r"^---.*?---", "", raw, flags=re.S)  # front matter
        for piece in re.split(r"(?<=[.!?])\s+|\n+", raw):
            normalised = normalise(piece)
            if len(normalised.split()) >= MIN_WORDS:
                sentences.append(normalised)
    return sentences


def shingles(text: str, size: int = MIN_WORDS) -> set[str]:
    words = normalise(text).split()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def copied_phrases(our_text: str) -> list[str]:
    """Seed sentences of 8+ words found in our text, and any 8-word run we share with a seed."""
    ours = normalise(our_text)
    found = [s for s in seed_sentences() if s in ours]
    seed_shingles: set[str] = set()
    for sentence in seed_sentences():
        seed_shingles |= shingles(sentence)
    found += sorted(shingles(our_text) & seed_shingles)
    return found
