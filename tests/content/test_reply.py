"""Reading typed replies in a hiring thread: answers, words, explicit notes, the unclear."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.criteria import load_criteria
from bot.core.reply import ExplicitNote, ReadAsAnswer, Unclear, Word, read_reply

CRITERIA = load_criteria()
TEAM = CRITERIA.question("team")
STAGE = CRITERIA.question("stage")
assert TEAM is not None and STAGE is not None


def test_an_option_by_its_name_number_or_a_loose_wording() -> None:
    assert read_reply("Larger team of specialists", TEAM) == ReadAsAnswer(
        "specialists", "Larger team of specialists", exact=True
    )
    assert read_reply("2", TEAM) == ReadAsAnswer("specialists", "Larger team of specialists", True)
    loose = read_reply("larger team", TEAM)
    assert isinstance(loose, ReadAsAnswer) and loose.option_key == "specialists"
    assert not loose.exact  # so the bot says how it read it


def test_words_do_what_they_say() -> None:
    assert read_reply("back", STAGE) == Word("back")
    assert read_reply("  Cancel ", STAGE) == Word("cancel")
    assert read_reply("help", None) == Word("help")
    assert read_reply("?", STAGE) == Word("help")


def test_notes_are_explicit() -> None:
    assert read_reply("note: ask about on-call", STAGE) == ExplicitNote("ask about on-call")
    assert read_reply("NOTE - salary band agreed", STAGE) == ExplicitNote("salary band agreed")
    assert read_reply("note:", STAGE) == Unclear()
    # A note that happens to name an option is still a note.
    assert read_reply("note: startup vibes", STAGE) == ExplicitNote("startup vibes")


def test_anything_else_is_unclear_never_a_silent_note() -> None:
    for text in ["blah", "let me think about it — we also have a data team", "no idea", ""]:
        assert read_reply(text, STAGE) == Unclear(), text
    assert read_reply("startup", None) == Unclear()  # no question open: nothing to answer


@settings(max_examples=300)
@given(text=st.text(max_size=5000), which=st.sampled_from([q.key for q in CRITERIA.questions]))
def test_any_text_reads_as_one_thing_cheaply(text: str, which: str) -> None:
    question = CRITERIA.question(which)
    assert question is not None
    started = time.thread_time()
    reply = read_reply(text, question)
    assert time.thread_time() - started < 0.05
    assert isinstance(reply, ReadAsAnswer | Word | ExplicitNote | Unclear)
    if isinstance(reply, ReadAsAnswer):
        assert question.option(reply.option_key) is not None
    if isinstance(reply, ExplicitNote):
        assert reply.text and reply.text in text
