"""Reading the decision log: lists and one decision in full. Always scoped to one workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Decision, DecisionEvent, HiringConversation, Note

PAGE_SIZE = 10
LIST_STATES = {
    "open": ("in_progress", "awaiting_decision"),
    "decided": ("decided",),
    "cancelled": ("cancelled",),
    "all": ("in_progress", "awaiting_decision", "decided", "cancelled"),
}


@dataclass(frozen=True)
class LogRow:
    id: int
    title: str
    state: str
    started_by: str
    created_at: datetime
    channel_id: str
    root_ts: str | None
    permalink: str | None
    final_outcome: str | None
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class LogPage:
    rows: tuple[LogRow, ...]
    offset: int
    has_more: bool


@dataclass(frozen=True)
class NoteRow:
    user_id: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class EventRow:
    kind: str
    from_outcome: str | None
    to_outcome: str | None
    reason: str | None
    actor: str
    created_at: datetime


class DecisionLog:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.sessions = session_factory

    def page(
        self,
        workspace_id: int,
        filter_: str = "all",
        user_id: str | None = None,
        since: datetime | None = None,
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> LogPage:
        query = (
            select(HiringConversation, Decision)
            .outerjoin(Decision, Decision.conversation_id == HiringConversation.id)
            .where(
                HiringConversation.workspace_id == workspace_id,
                HiringConversation.root_ts.is_not(None),
                HiringConversation.state.in_(LIST_STATES.get(filter_, LIST_STATES["all"])),
            )
            .order_by(HiringConversation.created_at.desc(), HiringConversation.id.desc())
            .offset(offset)
            .limit(limit + 1)
        )
        if user_id:
            query = query.where(HiringConversation.started_by == user_id)
        if since:
            query = query.where(HiringConversation.created_at >= since)
        with self.sessions() as session:
            found = session.execute(query).all()
        rows = tuple(
            LogRow(
                id=conv.id,
                title=conv.title,
                state=conv.state,
                started_by=conv.started_by,
                created_at=conv.created_at,
                channel_id=conv.channel_id,
                root_ts=conv.root_ts,
                permalink=conv.permalink,
                final_outcome=decision.final_outcome if decision else None,
                decided_by=decision.decided_by if decision else None,
                decided_at=decision.decided_at if decision else None,
            )
            for conv, decision in found[:limit]
        )
        return LogPage(rows, offset, len(found) > limit)

    def notes(self, workspace_id: int, conversation_id: int) -> list[NoteRow]:
        with self.sessions() as session:
            notes = session.scalars(
                select(Note)
                .where(Note.workspace_id == workspace_id, Note.conversation_id == conversation_id)
                .order_by(Note.created_at, Note.id)
            ).all()
            return [NoteRow(n.user_id, n.text, n.created_at) for n in notes]

    def history(self, workspace_id: int, conversation_id: int) -> list[EventRow]:
        with self.sessions() as session:
            events = session.scalars(
                select(DecisionEvent)
                .where(
                    DecisionEvent.workspace_id == workspace_id,
                    DecisionEvent.conversation_id == conversation_id,
                )
                .order_by(DecisionEvent.created_at, DecisionEvent.id)
            ).all()
            return [
                EventRow(e.kind, e.from_outcome, e.to_outcome, e.reason, e.actor, e.created_at)
                for e in events
            ]

    def cache_permalink(self, workspace_id: int, conversation_id: int, permalink: str) -> None:
        from sqlalchemy import update

        with self.sessions.begin() as session:
            session.execute(
                update(HiringConversation)
                .where(
                    HiringConversation.id == conversation_id,
                    HiringConversation.workspace_id == workspace_id,
                )
                .values(permalink=permalink)
            )
