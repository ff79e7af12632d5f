"""Reading the decision log: pages of conversations, one conversation's notes and history,
and the Home tab. Each is one read transaction through the repositories, scoped to one
workspace; no SQL here. Each read is for an audience (`bot.core.visibility`): what it may
not read in full is counted, never shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.content.criteria import load_criteria
from bot.core.log_views import (
    EventRow,
    HomeView,
    LogDetail,
    LogPage,
    LogRow,
    NoteRow,
    audit_trail,
    quarter_start,
    thread_link,
)
from bot.core.visibility import Audience
from bot.db.models import Decision, HiringConversation
from bot.db.repositories import (
    CheckinRepository,
    ConversationRepository,
    DecisionLogRepository,
    DecisionRepository,
    DigestRepository,
    NoteRepository,
)
from bot.hiring.checkins import checkin_view, held_up
from bot.hiring.digest import settings_view
from bot.hiring.voices import Voices

PAGE_SIZE = 10
HOME_ROWS = 15
OTHERS_ROWS = 10  # an admin's Home: everyone else's open conversations
LIST_STATES = {
    # Orphaned is not closed: it waits for a restart (or a cancel), so it is listed as open.
    "open": ("in_progress", "awaiting_decision", "orphaned"),
    "decided": ("decided",),
    "cancelled": ("cancelled",),
    "all": ("in_progress", "awaiting_decision", "orphaned", "decided", "cancelled"),
}


def _row(conv: HiringConversation, decision: Decision | None, workspace_url: str | None) -> LogRow:
    gone = conv.state == "orphaned"  # its thread is deleted: no link to a dead end
    return LogRow(
        id=conv.id,
        title=conv.title,
        state=conv.state,
        started_by=conv.started_by,
        created_at=conv.created_at,
        link=None
        if gone
        else thread_link(workspace_url, conv.channel_id, conv.root_ts, conv.permalink),
        final_outcome=decision.final_outcome if decision else None,
        decided_by=decision.decided_by if decision else None,
        decided_at=decision.decided_at if decision else None,
    )


def _page(
    session: Session,
    workspace_id: int,
    filter_: str,
    user_id: str | None,
    since: datetime | None,
    offset: int,
    limit: int,
    workspace_url: str | None,
    audience: Audience,
) -> LogPage:
    states = LIST_STATES.get(filter_, LIST_STATES["all"])
    # One row more than the page tells whether a "More" button is needed.
    found = DecisionLogRepository.page(
        session,
        workspace_id,
        states=states,
        audience=audience,
        started_by=user_id or None,
        created_since=since,
        offset=offset,
        limit=limit + 1,
    )
    hidden = DecisionLogRepository.hidden_conversations(
        session,
        workspace_id,
        states=states,
        audience=audience,
        started_by=user_id or None,
        created_since=since,
    )
    rows = tuple(_row(conv, decision, workspace_url) for conv, decision in found[:limit])
    return LogPage(rows, offset, len(found) > limit, hidden, audience.unchecked)


class DecisionLog:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.sessions = session_factory

    def private_channels(self, workspace_id: int) -> list[tuple[str, str]]:
        """(channel, started by) of the conversations in private channels: what to ask
        Slack about before reading for a person."""
        with self.sessions() as session:
            return DecisionLogRepository.private_channels(session, workspace_id)

    def page(
        self,
        workspace_id: int,
        filter_: str = "all",
        user_id: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        workspace_url: str | None = None,
        *,
        audience: Audience,
    ) -> LogPage:
        """Posted conversations `audience` may read, newest first, and how many others;
        `workspace_url` (auth.test's `url`) makes each row's thread link."""
        with self.sessions() as session:
            return _page(
                session,
                workspace_id,
                filter_,
                user_id,
                since,
                offset,
                limit,
                workspace_url,
                audience,
            )

    def hidden_decisions(
        self, workspace_id: int, audience: Audience, since: datetime | None = None
    ) -> int:
        """How many decisions (since `since`) `audience` may not read: what an export for
        it leaves out."""
        with self.sessions() as session:
            return DecisionLogRepository.hidden_decisions(
                session, workspace_id, audience=audience, since=since
            )

    def detail(self, workspace_id: int, conversation_id: int) -> LogDetail:
        """The notes kept with a conversation and its history: every change, who made it and
        when, oldest first (an unknown conversation has neither), and whether it is in a
        private channel (the caller shows it only to those who may read that channel)."""
        with self.sessions() as session:
            conv = ConversationRepository.get(session, workspace_id, conversation_id)
            if conv is None:
                return LogDetail((), ())
            notes = NoteRepository.list(session, workspace_id, conversation_id)
            events = [
                EventRow(
                    e.kind,
                    e.from_outcome,
                    e.to_outcome,
                    e.reason,
                    e.actor,
                    e.created_at,
                    e.question_key,
                    e.option_key,
                    e.channel_id,
                )
                for e in DecisionRepository.events(session, workspace_id, conversation_id)
            ]
            # Started where its first thread was: a restart moves the conversation.
            first_channel = next(
                (e.channel_id for e in events if e.kind == "orphaned" and e.channel_id),
                conv.channel_id,
            )
            started = EventRow(
                "started",
                None,
                None,
                None,
                conv.started_by,
                conv.created_at,
                channel_id=first_channel,
            )
            standing = [
                EventRow(
                    "answered",
                    None,
                    None,
                    None,
                    a.answered_by,
                    a.answered_at,
                    question_key=a.question_key,
                    option_key=a.option_key,
                )
                for a in ConversationRepository.answers(session, workspace_id, conversation_id)
            ]
            # Each answer to "did it hold up?" is a change in the history too.
            events += [
                EventRow(
                    "checked_in",
                    None,
                    None,
                    a.note,
                    a.answered_by,
                    a.answered_at,
                    option_key=a.answer,
                )
                for a in CheckinRepository.answers(session, workspace_id, conversation_id)
            ]
            checkin = CheckinRepository.for_conversation(session, workspace_id, conversation_id)
            return LogDetail(
                private_channel=conv.private_channel,
                team=Voices(self.sessions, load_criteria()).round_within(
                    session, workspace_id, conversation_id
                ),
                notes=tuple(NoteRow(n.user_id, n.text, n.created_at) for n in notes),
                history=audit_trail(started, events, standing),
                checkin=checkin_view(session, checkin) if checkin is not None else None,
            )

    def home(
        self,
        workspace_id: int,
        user_id: str,
        now: datetime,
        workspace_url: str | None,
        *,
        audience: Audience,
        everyone_open: bool = False,
    ) -> HomeView:
        """The Home tab: the user's open conversations, the latest decisions, this quarter's
        decisions by outcome, and the digest settings, read in one transaction; what
        `audience` (the user) may not read is only counted. With `everyone_open` (an admin,
        who may close anyone's), the others' open ones too."""
        with self.sessions() as session:
            mine = _page(
                session, workspace_id, "open", user_id, None, 0, HOME_ROWS, workspace_url, audience
            )
            others: tuple[LogRow, ...] = ()
            if everyone_open:
                # Theirs are among the newest too: one page more than theirs finds enough.
                found = _page(
                    session,
                    workspace_id,
                    "open",
                    None,
                    None,
                    0,
                    OTHERS_ROWS + len(mine.rows),
                    workspace_url,
                    audience,
                )
                others = tuple(r for r in found.rows if r.started_by != user_id)[:OTHERS_ROWS]
            recent = _page(
                session,
                workspace_id,
                "decided",
                None,
                None,
                0,
                HOME_ROWS,
                workspace_url,
                audience,
            )
            quarter = quarter_start(now)
            counts = DecisionLogRepository.outcome_counts(session, workspace_id, quarter, audience)
            hidden_quarter = DecisionLogRepository.hidden_decisions(
                session, workspace_id, audience=audience, since=quarter
            )
            settings = DigestRepository.get_settings(session, workspace_id)
            held = held_up(session, workspace_id, audience)
            after_days = CheckinRepository.after_days(session, workspace_id)
            return HomeView(
                mine=mine.rows,
                recent=recent.rows,
                quarter_counts=counts,
                settings=settings_view(workspace_id, settings),
                hidden_mine=mine.hidden,
                hidden_recent=recent.hidden,
                hidden_quarter=hidden_quarter,
                unchecked=audience.unchecked,
                others_open=others,
                held_up=held,
                checkin_after_days=after_days,
            )
