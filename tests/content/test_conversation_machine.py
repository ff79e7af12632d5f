"""The conversation state machine, exhaustively: every reachable state, every event, and
every pair of events that can race (both drawn on the same state, applied one after the
other as the database's guard serialises them)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.conversation import (
    CANCELLABLE_STATES,
    OPEN_STATES,
    Answer,
    Back,
    Cancel,
    Change,
    Decide,
    Event,
    Move,
    Note,
    Nudge,
    Orphan,
    Position,
    Refused,
    Reopen,
    Restart,
    State,
    decide_move,
)

TOTAL = 6


def start(total: int = TOTAL) -> Position:
    return Position(State.IN_PROGRESS, 0, 0, total)


def events_drawn_on(position: Position) -> list[Event]:
    """Every event a person could send while looking at `position`. Buttons carry the
    version they were drawn for, and so do typed words (the edge reads the conversation to
    find it by its thread), so every event is judged against the state its author saw."""
    v, step = position.version, position.step
    return [
        Answer(step, "opt", v),
        Back(step, None, v),
        *[Back(step, to, v) for to in range(-1, position.total + 2)],
        Cancel(v),
        Decide("product_engineer", None, v),
        Change("both", "budget", v),
        Reopen("new info", v),
        Note("hello"),
        Nudge(),
        Orphan(v),
        Orphan(v, "channel"),
        Restart("C0NEW", "1700000000.000100", v),
    ]


def reachable(limit: int = 4000) -> list[Position]:
    """Every position reachable from a new conversation by owner moves (breadth first)."""
    seen = {start()}
    frontier = [start()]
    while frontier and len(seen) < limit:
        position = frontier.pop()
        for event in events_drawn_on(position):
            outcome = decide_move(position, event, by_owner=True)
            # Versions grow without bound; states repeat modulo the version.
            if (
                isinstance(outcome, Move)
                and outcome.target not in seen
                and outcome.target.version <= 12
            ):
                seen.add(outcome.target)
                frontier.append(outcome.target)
    return sorted(seen, key=lambda p: (p.version, p.state, p.step))


POSITIONS = reachable()


def test_every_state_is_reachable() -> None:
    assert {p.state for p in POSITIONS} == set(State)
    assert {p.step for p in POSITIONS if p.state is State.IN_PROGRESS} == set(range(TOTAL))
    # Orphaned wherever it stood: on any question, or waiting for the decision.
    assert {p.step for p in POSITIONS if p.state is State.ORPHANED} == set(range(TOTAL + 1))


def test_invariants_hold_in_every_reachable_state() -> None:
    for position in POSITIONS:
        if position.state is State.IN_PROGRESS:
            assert 0 <= position.step < position.total
        if position.state in {State.AWAITING_DECISION, State.DECIDED}:
            assert position.step == position.total
        if position.state is State.ORPHANED:
            assert 0 <= position.step <= position.total


def test_every_event_in_every_state_gives_a_move_or_a_reason() -> None:
    for position in POSITIONS:
        for event in events_drawn_on(position):
            outcome = decide_move(position, event, by_owner=True)
            assert isinstance(outcome, Move | Refused)
            if isinstance(outcome, Move):
                assert outcome.source == position
                assert outcome.target.version in {position.version, position.version + 1}


def test_only_the_owner_changes_a_conversation() -> None:
    for position in POSITIONS:
        for event in events_drawn_on(position):
            outcome = decide_move(position, event, by_owner=False)
            if isinstance(event, Orphan):
                # The bot reports a gone thread whoever's click found it.
                assert outcome == decide_move(position, event, by_owner=True)
                continue
            if isinstance(event, Note | Nudge):
                continue
            assert outcome == Refused("not_allowed")


def test_closed_conversations_only_take_notes() -> None:
    for position in (p for p in POSITIONS if p.state is State.CANCELLED):
        for event in events_drawn_on(position):
            outcome = decide_move(position, event, by_owner=True)
            assert isinstance(outcome, Refused) or isinstance(event, Note)


def test_an_orphaned_conversation_takes_only_a_restart_a_cancel_or_a_note() -> None:
    for position in (p for p in POSITIONS if p.state is State.ORPHANED):
        for event in events_drawn_on(position):
            outcome = decide_move(position, event, by_owner=True)
            if isinstance(event, Restart | Cancel | Note):
                assert isinstance(outcome, Move), (position, event)
            elif isinstance(event, Nudge):
                assert outcome == Refused("not_open")  # no reminder into a thread that is gone
            else:
                assert outcome == Refused("orphaned"), (position, event)


def test_only_an_open_conversation_is_orphaned_and_it_keeps_where_it_stood() -> None:
    for position in POSITIONS:
        for cause in ("thread", "channel"):
            outcome = decide_move(position, Orphan(position.version, cause), by_owner=False)
            if position.state not in OPEN_STATES:
                assert isinstance(outcome, Refused), position
                continue
            assert isinstance(outcome, Move)
            assert outcome.target.state is State.ORPHANED
            assert outcome.target.step == position.step
            assert outcome.bumps_version  # every button of the gone thread is void
            assert outcome.keep_answers_before is None  # nothing is forgotten
            assert not outcome.restarts_idle_clock  # the bot found it; nobody did anything


def test_a_restart_resumes_exactly_where_it_stood() -> None:
    for position in (p for p in POSITIONS if p.state in OPEN_STATES):
        orphaned = decide_move(position, Orphan(position.version), by_owner=False)
        assert isinstance(orphaned, Move)
        restarted = decide_move(
            orphaned.target, Restart("C0NEW", "1.000001", orphaned.target.version), by_owner=True
        )
        assert isinstance(restarted, Move)
        assert (restarted.target.state, restarted.target.step) == (position.state, position.step)
        assert restarted.target.version == position.version + 2
        assert restarted.keep_answers_before is None
        # Only an orphaned conversation is restarted, and only by its starter or an admin.
        assert decide_move(position, Restart("C0NEW", "1.000001"), by_owner=True) == Refused(
            "not_orphaned"
        )
        assert decide_move(orphaned.target, Restart("C0NEW", "1.000001"), by_owner=False) == (
            Refused("not_allowed")
        )


def test_a_late_report_about_an_old_thread_never_orphans_the_new_one() -> None:
    awaiting = next(p for p in POSITIONS if p.state is State.AWAITING_DECISION)
    orphaned = decide_move(awaiting, Orphan(awaiting.version), by_owner=False)
    assert isinstance(orphaned, Move)
    restarted = decide_move(orphaned.target, Restart("C0NEW", "2.000001"), by_owner=True)
    assert isinstance(restarted, Move)
    # The delivery that found the first thread gone reports again, late.
    assert isinstance(
        decide_move(restarted.target, Orphan(awaiting.version), by_owner=False), Refused
    )
    assert isinstance(
        decide_move(restarted.target, Orphan(restarted.target.version), by_owner=False), Move
    )


def test_cancel_closes_anything_not_yet_closed() -> None:
    for position in POSITIONS:
        outcome = decide_move(position, Cancel(), by_owner=True)
        assert isinstance(outcome, Move) == (position.state in CANCELLABLE_STATES), position


def test_a_note_never_invalidates_a_button_and_a_nudge_is_not_activity() -> None:
    for position in POSITIONS:
        note = decide_move(position, Note("x"), by_owner=False)
        assert isinstance(note, Move) and note.target == position
        assert note.restarts_idle_clock == (position.state in OPEN_STATES)
        nudge = decide_move(position, Nudge(), by_owner=False)
        if position.state in OPEN_STATES:
            assert isinstance(nudge, Move) and not nudge.restarts_idle_clock
        else:
            assert nudge == Refused("not_open")


def test_every_racing_pair_has_one_winner() -> None:
    """Two requests drawn on the same state: whichever the database applies first wins,
    and a button drawn for that state can no longer move the conversation."""
    for position in POSITIONS:
        drawn = events_drawn_on(position)
        for first in drawn:
            won = decide_move(position, first, by_owner=True)
            if not (isinstance(won, Move) and won.bumps_version):
                continue
            for second in drawn:
                late = decide_move(won.target, second, by_owner=True)
                if isinstance(second, Note | Nudge):
                    assert isinstance(late, Move | Refused)
                else:
                    assert isinstance(late, Refused), (position, first, second)


def test_a_stale_accept_never_records_a_newer_recommendation() -> None:
    awaiting = next(p for p in POSITIONS if p.state is State.AWAITING_DECISION)
    accept = Decide("product_engineer", None, drawn_version=awaiting.version)
    back = decide_move(awaiting, Back(TOTAL, None, awaiting.version), by_owner=True)
    assert isinstance(back, Move)
    answered = decide_move(back.target, Answer(TOTAL - 1, "opt"), by_owner=True)
    assert isinstance(answered, Move) and answered.target.state is State.AWAITING_DECISION
    assert decide_move(answered.target, accept, by_owner=True) == Refused("stale")


def test_answers_after_the_step_are_forgotten_when_going_back() -> None:
    at_four = Position(State.IN_PROGRESS, 4, 9, TOTAL)
    move = decide_move(at_four, Back(4, to_step=1), by_owner=True)
    assert isinstance(move, Move) and move.keep_answers_before == 1 and move.to_step == 1
    assert decide_move(at_four, Back(4, to_step=4), by_owner=True) == Refused("unknown_step")


@settings(max_examples=300)
@given(
    state=st.sampled_from(list(State)),
    step=st.integers(-3, 12),
    version=st.integers(0, 2**31),
    total=st.integers(1, 10),
    event=st.one_of(
        st.builds(Answer, st.integers(-5, 15), st.text(max_size=5), st.none() | st.integers()),
        st.builds(
            Back, st.integers(-5, 15), st.none() | st.integers(-5, 15), st.none() | st.integers()
        ),
        st.builds(Cancel, st.none() | st.integers()),
        st.builds(
            Decide, st.text(max_size=5), st.none() | st.text(max_size=5), st.none() | st.integers()
        ),
        st.builds(Change, st.text(max_size=5), st.text(max_size=5), st.none() | st.integers()),
        st.builds(Reopen, st.text(max_size=5), st.none() | st.integers()),
        st.builds(Note, st.text(max_size=5)),
        st.just(Nudge()),
        st.builds(Orphan, st.integers(), st.sampled_from(["thread", "channel"])),
        st.builds(Restart, st.text(max_size=5), st.text(max_size=5), st.none() | st.integers()),
    ),
    by_owner=st.booleans(),
)
def test_never_raises_even_on_positions_it_never_makes(
    state: State, step: int, version: int, total: int, event: Event, by_owner: bool
) -> None:
    outcome = decide_move(Position(state, step, version, total), event, by_owner=by_owner)
    assert isinstance(outcome, Move | Refused)
