""" "Ask the team", the pure rules (bot.core.voices): who may be invited, and how several
people's answers combine into one verdict, an agreement table and what to discuss."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.voices import team_message
from bot.content.criteria import load_criteria
from bot.core.conversation import State
from bot.core.hire import Owed, round_key, team_key, voice_key
from bot.core.recommendation import recommend
from bot.core.voices import (
    MAX_INVITEES,
    TO_DISCUSS,
    RoundView,
    VoiceView,
    check_invitees,
    combine,
    may_manage,
    question_owed,
    round_line_owed,
    team_message_owed,
)

CRITERIA = load_criteria()
STARTER = "U_STARTER"

answer_sets = st.fixed_dictionaries(
    {q.key: st.sampled_from([o.key for o in q.options]) for q in CRITERIA.questions}
)
teams = st.lists(answer_sets, min_size=1, max_size=11).map(
    lambda sets: [(STARTER if i == 0 else f"U{i}", answers) for i, answers in enumerate(sets)]
)


@settings(max_examples=200)
@given(teams)
def test_every_voice_gets_its_own_recommendation_and_the_team_one_like_a_single(
    voices: list[tuple[str, dict[str, str]]],
) -> None:
    team = combine(CRITERIA, voices, STARTER)
    assert [v.user for v in team.voices] == [user for user, _ in voices]
    for verdict, (_, answers) in zip(team.voices, voices, strict=True):
        assert verdict.recommendation == recommend(CRITERIA, answers)
    # The combined verdict is the engine's, on the team's answers: the same wording rules.
    assert team.combined == recommend(CRITERIA, team.team_answers)


@settings(max_examples=200)
@given(teams)
def test_the_team_answer_is_a_most_chosen_one_and_a_tie_is_said(
    voices: list[tuple[str, dict[str, str]]],
) -> None:
    team = combine(CRITERIA, voices, STARTER)
    for row in team.agreement:
        counts = Counter(answers[row.question_key] for _, answers in voices)
        top = max(counts.values())
        assert counts[row.team_option] == top == row.agreeing
        assert row.voices == len(voices) == sum(count for _, _, count in row.chosen)
        assert row.split == (sum(1 for c in counts.values() if c == top) > 1)
        if row.split and voices[0][1][row.question_key] in {
            key for key, count in counts.items() if count == top
        }:
            assert row.team_option == voices[0][1][row.question_key]  # the starter's


@settings(max_examples=200)
@given(teams)
def test_what_to_discuss_is_the_most_divided_and_never_unanimous(
    voices: list[tuple[str, dict[str, str]]],
) -> None:
    team = combine(CRITERIA, voices, STARTER)
    divided = [row for row in team.agreement if not row.unanimous]
    assert len(team.to_discuss) == min(TO_DISCUSS, len(divided))
    assert all(not row.unanimous for row in team.to_discuss)
    shown_share = [row.agreeing / row.voices for row in team.to_discuss]
    for row in divided:
        if row not in team.to_discuss and shown_share:
            assert row.agreeing / row.voices >= max(shown_share)
    assert team.turning <= {row.question_key for row in team.to_discuss}


@settings(max_examples=100)
@given(answer_sets, st.integers(min_value=1, max_value=10))
def test_a_unanimous_team_is_the_single_verdict_with_nothing_to_discuss(
    answers: dict[str, str], size: int
) -> None:
    voices = [(f"U{i}", answers) for i in range(size)]
    team = combine(CRITERIA, voices, "U0")
    assert team.combined == recommend(CRITERIA, answers)
    assert team.to_discuss == () and all(row.unanimous for row in team.agreement)


@settings(max_examples=100)
@given(teams)
def test_the_team_message_is_one_valid_message_naming_every_voice(
    voices: list[tuple[str, dict[str, str]]],
) -> None:
    round_ = RoundView(1, 1, "<!channel> & co", STARTER, "C1", "1.1", "revealed", ())
    message = team_message(round_, combine(CRITERIA, voices, STARTER), CRITERIA)
    text = "".join(str(b) for b in message.blocks)
    assert "&lt;!channel&gt; &amp; co" in text and "<!channel>" not in text
    for user, _ in voices:
        assert f"<@{user}>" in text


@given(st.lists(st.sampled_from(["U1", "U2", "U3", STARTER, "UBOT", ""]), max_size=30))
def test_invitees_are_checked_in_order_and_never_twice(requested: list[str]) -> None:
    invitees = check_invitees(requested, starter=STARTER, bot_user="UBOT", already=["U3"])
    assert STARTER not in invitees.accepted and "UBOT" not in invitees.accepted
    assert "U3" not in invitees.accepted
    assert len(set(invitees.accepted)) == len(invitees.accepted)
    assert [u for u in dict.fromkeys(requested) if u in {"U1", "U2"}] == list(invitees.accepted)


def test_a_round_holds_at_most_ten_teammates() -> None:
    invitees = check_invitees(
        [f"U{i}" for i in range(15)], starter=STARTER, bot_user=None, already=["X1", "X2"]
    )
    assert len(invitees.accepted) == MAX_INVITEES - 2
    assert {why for _, why in invitees.refused} == {"full"}


def test_only_the_starter_or_an_admin_manages_the_round() -> None:
    assert may_manage(STARTER, STARTER, is_admin=False)
    assert may_manage("U1", STARTER, is_admin=True)
    assert not may_manage("U1", STARTER, is_admin=False)


def test_an_owed_question_is_due_only_while_the_invitee_is_on_it_and_it_is_unrecorded() -> None:
    # On question 3, asked for the second time: answered 3, went back once, answered again.
    asked = VoiceView(7, 1, "U1", "answering", 2, "D1", None, version=4)
    open_round = RoundView(1, 1, "t", STARTER, "C1", "1.1", "open", (asked,))
    assert question_owed(open_round, asked, 4)
    assert not question_owed(open_round, asked, 2)  # its first ask, before going back
    assert not question_owed(open_round, asked, 3)  # moved on past it
    assert not question_owed(open_round, replace(asked, question_ts="9.9"), 4)  # asked already
    assert not question_owed(open_round, replace(asked, status="unreachable"), 4)
    for state in ("revealed", "closed"):
        assert not question_owed(replace(open_round, state=state), asked, 4)


def test_going_back_is_possible_only_while_answering_past_the_first_question() -> None:
    on_two = VoiceView(7, 1, "U1", "answering", 1, "D1", None, version=1)
    assert on_two.may_go_back
    assert not replace(on_two, step=0).may_go_back
    assert not replace(on_two, status="answered", step=6).may_go_back
    assert not replace(on_two, status="unreachable").may_go_back


def test_the_team_message_is_due_while_its_conversation_keeps_its_thread() -> None:
    revealed = RoundView(1, 1, "t", STARTER, "C1", "1.1", "revealed", ())
    for state in (State.IN_PROGRESS, State.AWAITING_DECISION, State.DECIDED):
        assert team_message_owed(revealed, state)
    for state in (State.CANCELLED, State.ORPHANED):
        assert not team_message_owed(revealed, state)
    assert not team_message_owed(replace(revealed, state="closed"), State.IN_PROGRESS)


def test_owed_keys_name_one_message_per_round_and_per_question() -> None:
    assert team_key(3, 5) == "team:3:5"
    owed = Owed(1, "voice", voice_key(42, 3), 3, 3, datetime(2026, 11, 24, tzinfo=UTC))
    assert owed.key == "voice:42:3" and owed.voice_id == 42


def test_the_rounds_line_is_due_while_the_round_is_open_in_a_live_thread() -> None:
    open_round = RoundView(1, 1, "t", STARTER, "C1", "1.1", "open", ())
    for state in (State.IN_PROGRESS, State.AWAITING_DECISION, State.DECIDED):
        assert round_line_owed(open_round, state)
    for state in (State.CANCELLED, State.ORPHANED):
        assert not round_line_owed(open_round, state)
    for over in ("revealed", "closed"):
        assert not round_line_owed(replace(open_round, state=over), State.IN_PROGRESS)


def test_round_line_keys_name_one_line_per_invite_and_per_later_refusal() -> None:
    assert round_key(5, "asked", 42) == "round:5:asked:42"
    assert round_key(5, "unreachable", 42) != round_key(5, "asked", 42)
