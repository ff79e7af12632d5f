""" "Ask the team": an invitee going back one question in their DM, on SQLite and PostgreSQL.
The previous answer is forgotten and the previous question owed again under a new key (so a
question asked again is never refused as owed already); a double click moves once; racing
backs and answers leave one consistent state; and there is no going back after the last
answer or the reveal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.voices import VoiceAnswered, VoiceNotDone, VoiceView, VoiceWentBack
from bot.db.models import OutboxMessage, Voice, VoiceAnswer
from bot.hiring.conversations import Conversations
from bot.hiring.voices import Voices
from tests.db.conftest import NOW, Workspaces, race
from tests.db.test_conversation_use_cases import FIRST_OPTIONS, STARTER, TEAM_A, _started
from tests.db.test_voice_outbox import LAPSED, _taken
from tests.db.test_voices import AMY, BEN, LATER, _answer_all, _invite, _voice

CRITERIA = load_criteria()
SECOND_OPTIONS = [q.options[1].key for q in CRITERIA.questions]


def _stored(session_factory: sessionmaker[Session], voice_id: int) -> dict[str, str]:
    with session_factory() as session:
        rows = session.execute(
            select(VoiceAnswer.question_key, VoiceAnswer.option_key).where(
                VoiceAnswer.voice_id == voice_id
            )
        )
        return {key: option for key, option in rows}


def _questions_owed(session_factory: sessionmaker[Session], voice_id: int) -> list[str]:
    """The keys of the voice's owed questions, oldest first."""
    with session_factory() as session:
        return list(
            session.scalars(
                select(OutboxMessage.key)
                .where(OutboxMessage.key.like(f"voice:{voice_id}:%"))
                .order_by(OutboxMessage.id)
            )
        )


def _row(session_factory: sessionmaker[Session], voice_id: int) -> tuple[str, int, int]:
    with session_factory() as session:
        voice = session.get(Voice, voice_id)
        assert voice is not None
        return voice.status, voice.step, voice.version


def _on_third_question(session_factory: sessionmaker[Session]) -> tuple[Voices, VoiceView]:
    """Amy answered questions 1 and 2 (each question reached her DM) and is on question 3."""
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY])
    amy = _voice(invited, AMY)
    workspace = voices.workspace_of(TEAM_A, NOW)
    voices.reached(workspace, amy, "DAMY", "200.0", NOW, invited.owed[amy.id])
    for step in range(2):
        answered = voices.answer(TEAM_A, amy.id, step, FIRST_OPTIONS[step], AMY, LATER, step)
        assert isinstance(answered, VoiceAnswered) and answered.owed is not None
        amy = answered.voice
        voices.reached(workspace, amy, "DAMY", f"200.{step + 1}", LATER, answered.owed)
    current = voices.find_in_dm(TEAM_A, "DAMY", AMY, LATER)
    assert current is not None and (current.step, current.version) == (2, 2)
    return voices, current


def test_back_forgets_the_answer_and_owes_the_previous_question_under_a_new_key(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    voices, amy = _on_third_question(session_factory)
    key2 = CRITERIA.questions[1].key
    assert _stored(session_factory, amy.id)[key2] == FIRST_OPTIONS[1]

    back = voices.go_back(TEAM_A, amy.id, 2, AMY, LATER, amy.version)
    assert isinstance(back, VoiceWentBack)
    assert (back.voice.step, back.voice.version) == (1, 3)
    assert back.left.question_ts == "200.2"  # question 3's message, to lose its buttons
    assert back.owed is not None and back.owed.key == f"voice:{amy.id}:3"
    assert back.owed.version == 3
    assert key2 not in _stored(session_factory, amy.id)  # forgotten; question 1's kept
    assert CRITERIA.questions[0].key in _stored(session_factory, amy.id)
    assert _row(session_factory, amy.id) == ("answering", 1, 3)

    # The question 2 and 3 buttons drawn before going back are stale now.
    for step, version in ((1, 1), (2, 2)):
        stale = voices.answer(TEAM_A, amy.id, step, FIRST_OPTIONS[step], AMY, LATER, version)
        assert isinstance(stale, VoiceNotDone) and stale.reason == "stale"
    # Question 2 answered differently: question 3 is asked again, a new owed message.
    again = voices.answer(TEAM_A, amy.id, 1, SECOND_OPTIONS[1], AMY, LATER, 3)
    assert isinstance(again, VoiceAnswered) and again.owed is not None
    assert again.owed.key == f"voice:{amy.id}:4" and again.voice.step == 2
    assert _questions_owed(session_factory, amy.id) == [
        f"voice:{amy.id}:{version}" for version in range(5)
    ]
    rest = [
        voices.answer(TEAM_A, amy.id, step, FIRST_OPTIONS[step], AMY, LATER, step + 2)
        for step in range(2, len(CRITERIA))  # two asks more than steps: one back, re-answered
    ]
    assert all(isinstance(r, VoiceAnswered) for r in rest)
    last = rest[-1]
    assert isinstance(last, VoiceAnswered) and last.revealed is not None
    [answers] = [answers for user, answers in last.revealed.counted() if user == AMY]
    assert answers[key2] == SECOND_OPTIONS[1] and len(answers) == len(CRITERIA)


def test_the_owed_question_of_an_ask_left_behind_is_superseded_and_the_new_one_delivered(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    workspace = voices.workspace_of(TEAM_A, NOW)
    # Every request died before posting: question 2 is owed when Amy types `back`.
    answered = voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER)
    assert isinstance(answered, VoiceAnswered)
    back = voices.go_back(TEAM_A, amy.id, 1, AMY, LATER)
    assert isinstance(back, VoiceWentBack) and back.owed is not None
    taken = _taken(conversations)
    owed, conv = taken[f"voice:{amy.id}:1"]
    assert voices.still_owed(owed, workspace, conv.state, LAPSED) is None
    owed, conv = taken[f"voice:{amy.id}:2"]
    found = voices.still_owed(owed, workspace, conv.state, LAPSED)
    assert found is not None and found[1] is not None
    assert (found[1].step, found[1].version) == (0, 2)
    # The reminder waits while the ask is owed, and reminds once it reached her.
    assert voices.due_reminders(LAPSED) == []
    assert not voices.claim_reminder(workspace, found[1], LAPSED)
    voices.reached(workspace, found[1], "DAMY", "200.9", LAPSED, owed)
    due = voices.due_reminders(LAPSED)
    assert [(voice.user, voice.step, voice.question_ts) for _, voice, _ in due] == [
        (AMY, 0, "200.9")
    ]
    # A late delivery of the ask left behind does not record its message as the current one.
    voices.reached(workspace, answered.voice, "DAMY", "200.8", LAPSED)
    current = voices.find_in_dm(TEAM_A, "DAMY", AMY, LAPSED)
    assert current is not None and current.question_ts == "200.9"


def test_a_double_back_click_moves_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    voices, amy = _on_third_question(session_factory)
    first = voices.go_back(TEAM_A, amy.id, 2, AMY, LATER, amy.version)
    second = voices.go_back(TEAM_A, amy.id, 2, AMY, LATER, amy.version)
    assert isinstance(first, VoiceWentBack)
    assert isinstance(second, VoiceNotDone) and second.reason == "stale"
    results = race(8, lambda i: voices.go_back(TEAM_A, amy.id, 1, AMY, LATER, 3))
    assert sum(isinstance(r, VoiceWentBack) for r in results) == 1
    assert {r.reason for r in results if isinstance(r, VoiceNotDone)} == {"stale"}
    assert _row(session_factory, amy.id) == ("answering", 0, 4)
    assert _stored(session_factory, amy.id) == {}
    assert _questions_owed(session_factory, amy.id) == [
        f"voice:{amy.id}:{version}" for version in range(5)
    ]
    # On the first question there is nothing to go back to.
    first_one = voices.go_back(TEAM_A, amy.id, 0, AMY, LATER, 4)
    assert isinstance(first_one, VoiceNotDone) and first_one.reason == "first_question"


def test_racing_back_and_answer_clicks_leave_one_consistent_state(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    voices, amy = _on_third_question(session_factory)
    options = [o.key for o in CRITERIA.questions[2].options]

    def click(i: int) -> object:
        if i % 2:
            return voices.go_back(TEAM_A, amy.id, 2, AMY, LATER, None if i % 4 == 1 else 2)
        version = None if i % 4 == 0 else 2  # a typed reply, or a button
        return voices.answer(TEAM_A, amy.id, 2, options[i % len(options)], AMY, LATER, version)

    results = race(16, click)
    won = [r for r in results if isinstance(r, VoiceAnswered | VoiceWentBack)]
    assert len(won) == 1
    assert {r.reason for r in results if isinstance(r, VoiceNotDone)} == {"stale"}
    stored = _stored(session_factory, amy.id)
    owed = _questions_owed(session_factory, amy.id)
    assert owed == [f"voice:{amy.id}:{version}" for version in range(4)]
    if isinstance(won[0], VoiceWentBack):
        assert _row(session_factory, amy.id) == ("answering", 1, 3)
        assert set(stored) == {CRITERIA.questions[0].key}
    else:
        assert _row(session_factory, amy.id) == ("answering", 3, 3)
        assert set(stored) == {q.key for q in CRITERIA.questions[:3]}


def test_no_going_back_after_the_last_answer_or_the_reveal_or_for_someone_else(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    amy, ben = _voice(invited, AMY), _voice(invited, BEN)
    done = _answer_all(voices, amy, FIRST_OPTIONS)
    assert all(isinstance(r, VoiceAnswered) for r in done)
    total = len(CRITERIA)
    after_last = voices.go_back(TEAM_A, amy.id, total, AMY, LATER, total)
    assert isinstance(after_last, VoiceNotDone) and after_last.reason == "already_answered"
    assert len(_stored(session_factory, amy.id)) == total
    assert _answer_all(voices, ben, FIRST_OPTIONS[:2])
    not_hers = voices.go_back(TEAM_A, ben.id, 2, AMY, LATER, 2)
    assert isinstance(not_hers, VoiceNotDone) and not_hers.reason == "not_yours"
    voices.reveal(TEAM_A, view.id, STARTER, LATER, actor_is_admin=False)
    after_reveal = voices.go_back(TEAM_A, ben.id, 2, BEN, LATER, 2)
    assert isinstance(after_reveal, VoiceNotDone) and after_reveal.reason == "round_over"
    assert _row(session_factory, ben.id) == ("answering", 2, 2)
    assert len(_stored(session_factory, ben.id)) == 2
    assert len(_questions_owed(session_factory, ben.id)) == 3
