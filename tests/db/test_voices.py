""" "Ask the team" use cases (`bot.hiring.voices`) on SQLite and PostgreSQL: inviting, the
guarded answers, the reveal (by the last answer or the starter, once), the round closed by a
cancel, the one reminder per invitee, and workspace scoping."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.conversation import Cancel, Restart
from bot.core.hire import Acted
from bot.core.voices import Invited, Revealed, RoundView, VoiceAnswered, VoiceNotDone, VoiceView
from bot.db.models import VoiceAnswer
from bot.hiring.conversations import Conversations
from bot.hiring.voices import Voices
from tests.db.conftest import NOW, Workspaces, race
from tests.db.test_conversation_use_cases import (
    FIRST_OPTIONS,
    STARTER,
    TEAM_A,
    TEAM_B,
    _act,
    _awaiting,
    _started,
)

CRITERIA = load_criteria()
LATER = NOW + timedelta(minutes=5)
AMY, BEN, BOT = "U_AMY", "U_BEN", "U_BOT"


def _count_answers(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(VoiceAnswer)) or 0)


def _invite(voices: Voices, conversation_id: int, users: list[str]) -> Invited:
    result = voices.invite(
        TEAM_A, conversation_id, STARTER, users, NOW, bot_user=BOT, actor_is_admin=False
    )
    assert isinstance(result, Invited), result
    return result


def _voice(invited: Invited, user: str) -> VoiceView:
    return next(v for v in invited.new if v.user == user)


def _answer_all(voices: Voices, voice: VoiceView, options: list[str]) -> list[object]:
    return [
        voices.answer(TEAM_A, voice.id, step, option, voice.user, LATER)
        for step, option in enumerate(options)
    ]


def test_invite_refuses_the_starter_the_bot_and_duplicates(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, STARTER, BOT, AMY, BEN])
    assert [v.user for v in invited.new] == [AMY, BEN]
    assert set(invited.refused) == {(STARTER, "starter"), (BOT, "bot")}
    again = _invite(voices, view.id, [AMY])
    assert again.new == () and again.refused == ((AMY, "already"),)
    assert [v.user for v in again.round.voices] == [AMY, BEN]
    # Ten at most, across invites.
    many = _invite(voices, view.id, [f"U_{i}" for i in range(12)])
    assert len(many.new) == 8 and {why for _, why in many.refused} == {"full"}


def test_only_the_starter_or_an_admin_invites_and_reveals(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    refused = voices.invite(TEAM_A, view.id, AMY, [BEN], NOW, bot_user=BOT, actor_is_admin=False)
    assert isinstance(refused, VoiceNotDone) and refused.reason == "not_allowed"
    by_admin = voices.invite(TEAM_A, view.id, AMY, [BEN], NOW, bot_user=BOT, actor_is_admin=True)
    assert isinstance(by_admin, Invited)
    not_yet = voices.reveal(TEAM_A, view.id, BEN, NOW, actor_is_admin=False)
    assert isinstance(not_yet, VoiceNotDone) and not_yet.reason == "not_allowed"
    assert isinstance(voices.reveal(TEAM_A, view.id, STARTER, NOW, actor_is_admin=False), Revealed)


def test_the_last_answer_reveals_the_round_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _awaiting(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    amy = _answer_all(voices, _voice(invited, AMY), FIRST_OPTIONS)
    assert all(isinstance(r, VoiceAnswered) for r in amy)
    assert isinstance(amy[-1], VoiceAnswered) and amy[-1].revealed is None  # Ben still owes
    ben = _answer_all(voices, _voice(invited, BEN), FIRST_OPTIONS)
    last = ben[-1]
    assert isinstance(last, VoiceAnswered) and last.revealed is not None
    revealed: RoundView = last.revealed
    assert revealed.state == "revealed"
    assert [user for user, _ in revealed.counted()] == [STARTER, AMY, BEN]
    late = voices.reveal(TEAM_A, view.id, STARTER, NOW, actor_is_admin=False)
    assert isinstance(late, VoiceNotDone) and late.reason == "round_over"


def test_twenty_clicks_on_one_question_record_one_answer(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    options = [o.key for o in CRITERIA.questions[0].options]
    results = race(
        20, lambda i: voices.answer(TEAM_A, amy.id, 0, options[i % len(options)], AMY, LATER)
    )
    assert sum(isinstance(r, VoiceAnswered) for r in results) == 1
    assert {r.reason for r in results if isinstance(r, VoiceNotDone)} == {"stale"}
    assert _count_answers(session_factory) == 1


def test_a_stale_button_someone_elses_button_and_an_unknown_option_record_nothing(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    assert isinstance(voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER), VoiceAnswered)
    for step, option, actor, reason in (
        (0, FIRST_OPTIONS[0], AMY, "stale"),
        (1, FIRST_OPTIONS[1], BEN, "not_yours"),
        (1, "no_such_option", AMY, "unknown_option"),
    ):
        result = voices.answer(TEAM_A, amy.id, step, option, actor, LATER)
        assert isinstance(result, VoiceNotDone) and result.reason == reason
    assert _count_answers(session_factory) == 1


def test_twenty_reveals_at_once_reveal_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    _invite(voices, view.id, [AMY])
    results = race(
        20, lambda i: voices.reveal(TEAM_A, view.id, STARTER, LATER, actor_is_admin=False)
    )
    assert sum(isinstance(r, Revealed) for r in results) == 1


def test_an_answer_after_the_reveal_is_refused(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    voices.reveal(TEAM_A, view.id, STARTER, NOW, actor_is_admin=False)
    late = voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER)
    assert isinstance(late, VoiceNotDone) and late.reason == "round_over"
    assert late.round is not None and late.round.state == "revealed"
    assert _count_answers(session_factory) == 0


def test_cancelling_the_conversation_closes_the_round(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    _act(conversations, view, Cancel(view.version))
    closed = voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER)
    assert isinstance(closed, VoiceNotDone) and closed.reason == "round_over"
    assert closed.round is not None and closed.round.state == "closed"
    refused = voices.invite(
        TEAM_A, view.id, STARTER, [BEN], NOW, bot_user=BOT, actor_is_admin=False
    )
    assert isinstance(refused, VoiceNotDone) and refused.reason == "not_open"


def test_each_silent_invitee_is_reminded_once_across_processes(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    workspace = voices.workspace_of(TEAM_A, NOW)
    for voice in invited.new:  # each first question reached its invitee
        voices.reached(workspace, voice, f"D{voice.user}", "200.1", NOW, invited.owed[voice.id])
    _answer_all(voices, _voice(invited, BEN), FIRST_OPTIONS)  # Ben is done
    due = voices.due_reminders(NOW + timedelta(hours=1))
    assert [voice.user for _, voice, _ in due] == [AMY]
    _, amy, _ = due[0]
    claims = race(20, lambda i: voices.claim_reminder(workspace, amy, LATER))
    assert sum(claim is not None for claim in claims) == 1
    assert voices.due_reminders(NOW + timedelta(hours=2)) == []
    # Claimed and owed at once: her question reached her, so the reminder alone is owed.
    [owed] = next(claim for claim in claims if claim is not None)
    assert (owed.kind, owed.key) == ("voice_reminder", f"voice_reminder:{amy.id}")


def test_a_workspace_never_sees_another_workspaces_voices(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    view = _started(Conversations(session_factory, CRITERIA))
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    other = voices.answer(TEAM_B, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER)
    assert isinstance(other, VoiceNotDone) and other.reason == "not_found"
    refused = voices.reveal(TEAM_B, view.id, STARTER, NOW, actor_is_admin=True)
    assert isinstance(refused, VoiceNotDone) and refused.reason == "not_found"
    workspace_b = voices.workspace_of(TEAM_B, NOW)
    assert voices.round_in(workspace_b, view.id) is None
    assert voices.find_in_dm(TEAM_B, "D1", AMY, NOW) is None


def test_restarting_the_conversation_in_a_new_thread_closes_the_round(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    found = conversations.orphan(view, "thread", STARTER, LATER)
    assert isinstance(found, Acted)
    restarted = conversations.act(
        TEAM_A, view.id, Restart("C2", "300.1", found.after.version), STARTER, LATER
    )
    assert isinstance(restarted, Acted)
    closed = voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER)
    assert isinstance(closed, VoiceNotDone) and closed.reason == "round_over"
    assert closed.round is not None and closed.round.state == "closed"
