""" "Ask the team" through the outbox, on SQLite and PostgreSQL: an invite owes each invitee's
first question, an answer their next one, the reveal (by the last answer or the starter) the
team's message, each in the change's own transaction; one taken over after its lease lapsed
is delivered only while it is still needed, and superseded otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks.voices import round_message
from bot.content.criteria import load_criteria
from bot.core.conversation import Cancel
from bot.core.hire import VOICE_KINDS, ConversationView, Owed
from bot.core.voices import Revealed, VoiceAnswered
from bot.db.models import OutboxMessage
from bot.hiring.conversations import DELIVERY_LEASE, Conversations
from bot.hiring.voices import Voices
from tests.db.conftest import NOW, Workspaces, race
from tests.db.test_conversation_use_cases import FIRST_OPTIONS, STARTER, TEAM_A, _act, _started
from tests.db.test_voices import AMY, BEN, LATER, _answer_all, _invite, _voice

CRITERIA = load_criteria()
# Past every lease taken so far: the delivery job's view.
LAPSED = LATER + DELIVERY_LEASE + timedelta(seconds=1)


def _owed(session_factory: sessionmaker[Session]) -> list[tuple[str, str, int, str]]:
    """(key, status, conversation, ts) of the team's owed messages, oldest first."""
    with session_factory() as session:
        return [
            (row.key, row.status, row.conversation_id, row.ts or "")
            for row in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.in_(VOICE_KINDS))
                .order_by(OutboxMessage.id)
            )
        ]


def _taken(
    conversations: Conversations, now: datetime = LAPSED
) -> dict[str, tuple[Owed, ConversationView]]:
    """What the delivery job takes over at `now`, of the team's owed messages, by key."""
    return {
        owed.key: (owed, view)
        for owed, view in conversations.take_due(now)
        if owed.kind in VOICE_KINDS
    }


def test_an_invite_and_each_answer_owe_the_next_question_in_their_own_transaction(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    amy, ben = _voice(invited, AMY), _voice(invited, BEN)
    first = invited.owed[amy.id]
    assert (first.kind, first.key, first.version) == ("voice", f"voice:{amy.id}:0", 0)
    assert _owed(session_factory) == [
        (f"voice:{amy.id}:0", "pending", view.id, ""),
        (f"voice:{ben.id}:0", "pending", view.id, ""),
        (f"round:{invited.round.id}:asked:{amy.id}", "pending", view.id, ""),
    ]
    # Within the lease it is the inviting request's own: no job takes it.
    assert _taken(conversations, NOW + DELIVERY_LEASE - timedelta(seconds=1)) == {}
    workspace = voices.workspace_of(TEAM_A, NOW)
    voices.reached(workspace, amy, "DAMY", "200.1", NOW, first)
    assert _owed(session_factory)[0] == (f"voice:{amy.id}:0", "sent", view.id, "200.1")

    answered = voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER)
    assert isinstance(answered, VoiceAnswered) and answered.owed is not None
    assert answered.owed.key == f"voice:{amy.id}:1"
    assert _owed(session_factory)[-1] == (f"voice:{amy.id}:1", "pending", view.id, "")
    # Recorded with the voice's question in one transaction: a typed reply rewrites it.
    voices.reached(workspace, answered.voice, "DAMY", "200.2", LATER, answered.owed)
    assert _owed(session_factory)[-1] == (f"voice:{amy.id}:1", "sent", view.id, "200.2")
    current = voices.find_in_dm(TEAM_A, "DAMY", AMY, LATER)
    assert current is not None and current.question_ts == "200.2"


def test_the_last_answer_and_the_starters_reveal_owe_the_team_message_once(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    voices = Voices(session_factory, CRITERIA)
    by_answer = _started(conversations)
    amy = _voice(_invite(voices, by_answer.id, [AMY]), AMY)
    last = _answer_all(voices, amy, FIRST_OPTIONS)[-1]
    assert isinstance(last, VoiceAnswered) and last.revealed is not None
    assert last.owed is not None and last.owed.key == f"team:{by_answer.id}:{last.revealed.id}"
    second, root = conversations.start(
        TEAM_A, "Staff engineer", STARTER, "C1", NOW, private_channel=False
    )
    by_click = conversations.attach_root(second, root, "100.9", NOW)[0]
    _invite(voices, by_click.id, [BEN])
    revealed = voices.reveal(TEAM_A, by_click.id, STARTER, LATER, actor_is_admin=False)
    assert isinstance(revealed, Revealed) and revealed.owed is not None
    assert revealed.owed.key == f"team:{by_click.id}:{revealed.round.id}"
    teams = [row for row in _owed(session_factory) if row[0].startswith("team:")]
    assert teams == [
        (last.owed.key, "pending", by_answer.id, ""),
        (revealed.owed.key, "pending", by_click.id, ""),
    ]
    # Taken over once its lease lapsed, it is still the thread's due: delivered.
    owed, view = _taken(conversations)[revealed.owed.key]
    still = voices.still_owed(owed, view.workspace_id, view.state, LAPSED)
    assert still is not None and still[0].state == "revealed" and still[1] is None


def test_a_question_no_longer_current_is_superseded_not_delivered(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    amy = _voice(_invite(voices, view.id, [AMY]), AMY)
    # Question 1's request died; Amy answered it anyway (from the reminder's copy).
    assert isinstance(voices.answer(TEAM_A, amy.id, 0, FIRST_OPTIONS[0], AMY, LATER), VoiceAnswered)
    taken = _taken(conversations)
    workspace = voices.workspace_of(TEAM_A, NOW)
    owed, conv = taken[f"voice:{amy.id}:0"]
    assert voices.still_owed(owed, workspace, conv.state, LAPSED) is None
    owed, conv = taken[f"voice:{amy.id}:1"]
    found = voices.still_owed(owed, workspace, conv.state, LAPSED)
    assert found is not None and found[1] is not None and found[1].step == 1
    # The round was revealed before question 2 got through: nobody needs it now.
    voices.reveal(TEAM_A, view.id, STARTER, LAPSED, actor_is_admin=False)
    assert voices.still_owed(owed, workspace, conv.state, LAPSED) is None
    statuses = {key: status for key, status, _, _ in _owed(session_factory)}
    assert statuses[f"voice:{amy.id}:0"] == statuses[f"voice:{amy.id}:1"] == "superseded"


def test_a_team_message_of_a_cancelled_conversation_is_superseded_not_delivered(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    _invite(voices, view.id, [AMY])
    revealed = voices.reveal(TEAM_A, view.id, STARTER, LATER, actor_is_admin=False)
    assert isinstance(revealed, Revealed) and revealed.owed is not None
    _act(conversations, view, Cancel(view.version))
    owed, conv = _taken(conversations)[revealed.owed.key]
    workspace = voices.workspace_of(TEAM_A, NOW)
    assert voices.still_owed(owed, workspace, conv.state, LAPSED) is None
    assert _owed(session_factory)[-1][:2] == (revealed.owed.key, "superseded")


def test_the_reminder_waits_while_the_invitees_question_is_still_owed(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY])
    amy = _voice(invited, AMY)
    workspace = voices.workspace_of(TEAM_A, NOW)
    remind_before = LAPSED + timedelta(days=3)

    def due() -> list[str]:
        return [voice.user for _, voice, _ in voices.due_reminders(remind_before)]

    # Held by the inviting request, then waiting for its next try after Slack failed.
    assert due() == [] and not voices.claim_reminder(workspace, amy, LATER)
    assert conversations.try_again_later(invited.owed[amy.id], "http_500", LATER)
    assert due() == [] and not voices.claim_reminder(workspace, amy, LATER)
    # Taken over by a delivery job that died before recording anything: still owed.
    owed, _ = _taken(conversations)[f"voice:{amy.id}:0"]
    assert due() == [] and not voices.claim_reminder(workspace, amy, LAPSED)
    # Delivered (found by its key): now the one reminder is due, and claimed once.
    voices.reached(workspace, amy, "DAMY", "200.1", LAPSED, owed)
    assert due() == [AMY]
    claims = race(8, lambda i: voices.claim_reminder(workspace, amy, LAPSED))
    assert sum(claim is not None for claim in claims) == 1 and due() == []


def test_a_question_given_up_lets_the_reminder_ask_it(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    amy, ben = _voice(invited, AMY), _voice(invited, BEN)
    workspace = voices.workspace_of(TEAM_A, NOW)
    # Ben's question reached him; Amy's was refused for a day and given up.
    voices.reached(workspace, ben, "DBEN", "200.2", NOW, invited.owed[ben.id])
    a_day_on = NOW + timedelta(days=1, minutes=1)
    assert not conversations.try_again_later(invited.owed[amy.id], "http_500", a_day_on)
    due = voices.due_reminders(a_day_on)
    assert [voice.user for _, voice, _ in due] == [AMY, BEN]
    # Amy's reminder owes her question again after it, under a key of its own.
    owed = voices.claim_reminder(workspace, due[0][1], a_day_on)
    assert owed is not None
    assert [(o.kind, o.key) for o in owed] == [
        ("voice_reminder", f"voice_reminder:{amy.id}"),
        ("voice", f"voice:{amy.id}:0:again"),
    ]
    [(_, ben_again)] = [
        (o.kind, o.key) for o in voices.claim_reminder(workspace, due[1][1], a_day_on) or []
    ]
    assert ben_again == f"voice_reminder:{ben.id}"  # his question reached him: no second


def test_an_invite_owes_the_rounds_line_superseded_once_the_round_is_over(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    amy = _voice(invited, AMY)
    line = invited.line
    assert line is not None and line.kind == "round"
    assert line.key == f"round:{invited.round.id}:asked:{amy.id}"
    assert _invite(voices, view.id, [AMY]).line is None  # nobody new: nothing to tell
    later_line = _invite(voices, view.id, ["U_CAT"]).line
    assert later_line is not None and later_line.key != line.key
    workspace = voices.workspace_of(TEAM_A, NOW)
    taken = _taken(conversations)
    # The request that owed it died: the delivery job posts it while the round is open,
    # drawn as the round is now.
    owed, conv = taken[line.key]
    still = voices.still_owed(owed, workspace, conv.state, LAPSED)
    assert still is not None and still[1] is None
    assert [v.user for v in still[0].voices] == [AMY, BEN, "U_CAT"]
    # Cancelled before the other got through: nobody needs it now.
    _act(conversations, view, Cancel(view.version))
    owed, conv = taken[later_line.key]
    assert voices.still_owed(owed, workspace, conv.state, LAPSED) is None
    statuses = {key: status for key, status, _, _ in _owed(session_factory)}
    assert statuses[later_line.key] == "superseded"


def test_an_invitee_found_unreachable_later_is_named_by_a_new_round_line(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY, BEN])
    amy, ben = _voice(invited, AMY), _voice(invited, BEN)
    assert invited.line is not None
    workspace = voices.workspace_of(TEAM_A, NOW)
    # On the invite's first try, the invite's own line (posted after it) will name Ben.
    ben_owed = invited.owed[ben.id]
    assert (
        voices.unreachable(workspace, ben, "cannot_dm", NOW, ben_owed, told_by=invited.line) is None
    )
    conversations.finish_owed(invited.line, "sent", NOW, ts="100.5")
    # Amy's question met a Slack outage; on a later try Slack refuses it for good.
    assert conversations.try_again_later(invited.owed[amy.id], "http_500", NOW)
    owed, _ = _taken(conversations)[f"voice:{amy.id}:0"]
    line = voices.unreachable(workspace, amy, "user_disabled", LAPSED, owed)
    assert line is not None and line.kind == "round"
    assert line.key == f"round:{invited.round.id}:unreachable:{amy.id}"
    assert voices.unreachable(workspace, amy, "user_disabled", LAPSED) is None  # once
    statuses = {key: status for key, status, _, _ in _owed(session_factory)}
    assert statuses[owed.key] == "failed" and statuses[line.key] == "pending"
    now = voices.round_in(workspace, view.id)
    assert now is not None
    text = round_message(now).text + str(round_message(now).blocks)
    assert "couldn't send the questions to <@U_AMY>" in text
    assert "couldn't send the questions to <@U_BEN>" in text


def test_a_round_line_someone_else_is_posting_never_stands_for_a_later_refusal(
    session_factory: sessionmaker[Session], workspaces: Workspaces
) -> None:
    conversations = Conversations(session_factory, CRITERIA)
    view = _started(conversations)
    voices = Voices(session_factory, CRITERIA)
    invited = _invite(voices, view.id, [AMY])
    amy = _voice(invited, AMY)
    workspace = voices.workspace_of(TEAM_A, NOW)
    # The invite's line is still being posted by another process (drawn before this, so
    # it can't name Amy): the refusal owes its own line.
    line = voices.unreachable(workspace, amy, "user_disabled", LATER, invited.owed[amy.id])
    assert line is not None and line.key == f"round:{invited.round.id}:unreachable:{amy.id}"
    statuses = {key: status for key, status, _, _ in _owed(session_factory)}
    assert invited.line is not None and statuses[invited.line.key] == "pending"
    # A round no longer open owes no line.
    ben = _voice(_invite(voices, view.id, [BEN]), BEN)
    voices.reveal(TEAM_A, view.id, STARTER, LATER, actor_is_admin=False)
    assert voices.unreachable(workspace, ben, "user_disabled", LATER) is None
