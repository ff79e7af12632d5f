""" "Ask the team", the pure rules (bot.core.voices): who may be invited, and how several
people's answers combine into one verdict (the sum of their points, each voice once), the
agreement per question and the disagreements that matter."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks.voices import team_message
from bot.content.criteria import load_criteria
from bot.core.conversation import State
from bot.core.hire import Owed, round_key, team_key, voice_key
from bot.core.recommendation import recommend, verdict
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
    same_verdict,
    team_message_owed,
)

CRITERIA = load_criteria()
STARTER = "U_STARTER"
EVERY_ANSWER_SET = [
    dict(zip([q.key for q in CRITERIA.questions], combo, strict=True))
    for combo in itertools.product(*[[o.key for o in q.options] for q in CRITERIA.questions])
]

answer_sets = st.fixed_dictionaries(
    {q.key: st.sampled_from([o.key for o in q.options]) for q in CRITERIA.questions}
)
openings = st.sampled_from([1, 2])
teams = st.lists(answer_sets, min_size=1, max_size=11).map(
    lambda sets: [(STARTER if i == 0 else f"U{i}", answers) for i, answers in enumerate(sets)]
)


def _advice(answers: dict[str, str], count: int) -> tuple[str, str | None, frozenset[str]]:
    """What "the same verdict" means: outcome, who goes first, and for a tie the tied roles."""
    rec = recommend(CRITERIA, answers, count)
    tied = frozenset(rec.contenders) if rec.outcome == "too_close" else frozenset()
    return rec.outcome, rec.hire_first, tied


# Every answer set, grouped by the advice it gets on its own, for one opening and for two.
BY_ADVICE = {
    count: {
        advice: [a for a in EVERY_ANSWER_SET if _advice(a, count) == advice]
        for advice in {_advice(a, count) for a in EVERY_ANSWER_SET}
    }
    for count in (1, 2)
}


@st.composite
def like_minded(draw: st.DrawFn, size: st.SearchStrategy[int]) -> tuple[int, list[dict[str, str]]]:
    """Voices whose own answers, however different, each get the same advice."""
    count = draw(openings)
    groups = BY_ADVICE[count]
    advice = draw(st.sampled_from(sorted(groups, key=str)))
    members = groups[advice]
    return count, [draw(st.sampled_from(members)) for _ in range(draw(size))]


@settings(max_examples=300)
@given(like_minded(st.just(3)))
def test_three_voices_with_the_same_verdict_always_give_it_together(
    group: tuple[int, list[dict[str, str]]],
) -> None:
    count, answer_sets_ = group
    team = combine(CRITERIA, [(f"U{i}", a) for i, a in enumerate(answer_sets_)], count)
    assert all(same_verdict(v.recommendation, team.combined) for v in team.voices)
    assert team.agreeing_voices == 3 and not team.against_most


@settings(max_examples=200)
@given(like_minded(st.integers(min_value=1, max_value=11)))
def test_any_number_of_like_minded_voices_give_their_verdict_together(
    group: tuple[int, list[dict[str, str]]],
) -> None:
    count, answer_sets_ = group
    team = combine(CRITERIA, [(f"U{i}", a) for i, a in enumerate(answer_sets_)], count)
    assert same_verdict(team.voices[0].recommendation, team.combined)


@settings(max_examples=200)
@given(teams, openings)
def test_the_team_is_the_sum_of_its_voices_points_each_counted_once(
    voices: list[tuple[str, dict[str, str]]], count: int
) -> None:
    team = combine(CRITERIA, voices, count)
    assert [v.user for v in team.voices] == [user for user, _ in voices]
    for voice, (_, answers) in zip(team.voices, voices, strict=True):
        assert voice.recommendation == recommend(CRITERIA, answers, count)
    summed = {k: sum(v.recommendation.scores[k] for v in team.voices) for k in team.scores}
    assert dict(team.scores) == summed
    assert team.combined == verdict(summed, count)
    # Who started it, and in which order the voices came, change nothing.
    reordered = combine(CRITERIA, list(reversed(voices)), count)
    assert (reordered.combined, reordered.lead) == (team.combined, team.lead)


@settings(max_examples=200)
@given(teams, openings)
def test_a_tie_is_said_as_a_tie_never_broken_for_one_role(
    voices: list[tuple[str, dict[str, str]]], count: int
) -> None:
    team = combine(CRITERIA, voices, count)
    top = max(team.scores.values())
    tied = {k for k, points in team.scores.items() if points == top}
    if team.combined.outcome not in {"too_close", "both"}:
        assert tied == {team.combined.outcome}
    if team.combined.outcome == "too_close":
        assert set(team.combined.contenders) == tied and len(tied) > 1


@settings(max_examples=100)
@given(teams, openings)
def test_clear_only_where_no_one_answer_of_anyone_turns_it(
    voices: list[tuple[str, dict[str, str]]], count: int
) -> None:
    team = combine(CRITERIA, voices, count)
    own = [recommend(CRITERIA, answers, count).scores for _, answers in voices]
    turned = False
    for index, (_, answers) in enumerate(voices):
        for question in CRITERIA.questions:
            for option in question.options:
                changed = recommend(CRITERIA, {**answers, question.key: option.key}).scores
                scores = {
                    k: sum(changed[k] if i == index else s[k] for i, s in enumerate(own))
                    for k in team.scores
                }
                if not same_verdict(verdict(scores, count), team.combined):
                    turned = True
    assert (team.lead == "clear lead") == (team.combined.margin > 0 and not turned)


@settings(max_examples=200)
@given(teams, openings)
def test_the_team_says_when_it_differs_from_most_of_its_voices(
    voices: list[tuple[str, dict[str, str]]], count: int
) -> None:
    team = combine(CRITERIA, voices, count)
    differing = [v for v in team.voices if not same_verdict(v.recommendation, team.combined)]
    assert team.against_most == (len(differing) > len(voices) / 2)
    round_ = RoundView(1, 1, "t", STARTER, "C1", "1.1", "revealed", (), {}, count)
    message = team_message(round_, team, CRITERIA)
    first = message.blocks[0]["text"]["text"]
    assert ("not what most of you got" in first) == team.against_most


@settings(max_examples=200)
@given(teams, openings)
def test_the_disagreements_shown_are_the_ones_that_matter(
    voices: list[tuple[str, dict[str, str]]], count: int
) -> None:
    team = combine(CRITERIA, voices, count)
    divided = [row for row in team.agreement if not row.unanimous]
    assert len(team.to_discuss) == min(TO_DISCUSS, len(divided))
    for row in team.agreement:
        assert sum(n for _, _, n in row.chosen) == row.voices == len(voices)
    for shown in team.to_discuss:
        assert not shown.agreement.unanimous
        # What each answer given would make the team's verdict, if everyone gave it.
        for option_key, _, if_all in shown.if_all:
            everyone = [(u, {**a, shown.question_key: option_key}) for u, a in voices]
            assert if_all == combine(CRITERIA, everyone, count).combined
        assert shown.turns == any(not same_verdict(v, team.combined) for _, _, v in shown.if_all)
    # A disagreement that would turn the verdict is never left out for one that would not.
    if any(not d.turns for d in team.to_discuss):
        shown_keys = {d.question_key for d in team.to_discuss}
        for row in divided:
            if row.question_key in shown_keys:
                continue
            everyone = [
                combine(CRITERIA, [(u, {**a, row.question_key: k}) for u, a in voices], count)
                for k, _, _ in row.chosen
            ]
            assert all(same_verdict(t.combined, team.combined) for t in everyone)


@settings(max_examples=100)
@given(answer_sets, st.integers(min_value=1, max_value=10), openings)
def test_a_unanimous_team_is_the_single_verdict_with_nothing_to_discuss(
    answers: dict[str, str], size: int, count: int
) -> None:
    team = combine(CRITERIA, [(f"U{i}", answers) for i in range(size)], count)
    single = recommend(CRITERIA, answers, count)
    assert same_verdict(single, team.combined)
    assert team.to_discuss == () and all(row.unanimous for row in team.agreement)


@settings(max_examples=100)
@given(teams, openings)
def test_the_team_message_fits_on_one_screen_and_names_every_voice(
    voices: list[tuple[str, dict[str, str]]], count: int
) -> None:
    round_ = RoundView(1, 1, "<!channel> & co", STARTER, "C1", "1.1", "revealed", ())
    message = team_message(round_, combine(CRITERIA, voices, count), CRITERIA)
    text = "".join(str(b) for b in message.blocks)
    assert "&lt;!channel&gt; &amp; co" in text and "<!channel>" not in text
    for user, _ in voices:
        assert f"<@{user}>" in text
    # Each voice, the verdict, two disagreements and a pointer to the details: one screen.
    assert len(message.blocks) <= 5
    shown = "".join(b["text"]["text"] if b["type"] == "section" else str(b) for b in message.blocks)
    assert len(shown) <= 2600, len(shown)
    assert "/hire show 1" in text


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
