"""The stored product: every domain row carries its workspace, so no query can cross workspaces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime

CONVERSATION_STATES = ("in_progress", "awaiting_decision", "decided", "cancelled", "orphaned")
OUTCOMES = ("product_engineer", "software_engineer", "growth_engineer", "both", "not_hiring")
DECISION_EVENT_KINDS = (
    "recorded",
    "changed",
    "reopened",
    "cancelled",
    # The conversation's own steps, so `/hire show` can tell every change: an answer set
    # aside by going back (the answers that stand are in `answers`), going back, the thread
    # found gone, and the restart in a new thread.
    "answered",
    "went_back",
    "orphaned",
    "restarted",
    # The starter said how many people the team can hire (`option_key`: the count).
    "openings",
)
DIGEST_RUN_STATES = ("claimed", "posted", "failed", "missed")
OUTBOX_KINDS = ("root", "step", "nudge", "team", "voice", "round", "voice_reminder")
# pending: owed (to its leaseholder until `lease_until`, then to anyone); sent: it is in
# Slack (`ts`); superseded: the conversation moved on before it was needed; failed: Slack
# refused it for good, or it stayed undeliverable too long (`error` says why).
OUTBOX_STATES = ("pending", "sent", "superseded", "failed")
# claimed: its claimer is sending the DM until `lease_until` (then anyone takes it over);
# sent: the DM is in Slack; failed: Slack refused it for good (`error` says why).
CHECKIN_STATES = ("claimed", "sent", "failed")
CHECKIN_ANSWERS = ("yes", "partly", "no", "too_early")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Workspace(Base):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("enterprise_id", "team_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    # '' rather than NULL when there is no Enterprise Grid, so the unique key holds everywhere.
    enterprise_id: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HiringConversation(Base):
    __tablename__ = "hiring_conversations"
    __table_args__ = (
        CheckConstraint(_in("state", CONVERSATION_STATES), name="state"),
        CheckConstraint("openings >= 1", name="openings"),
        Index(
            "ix_conversations_workspace_state_activity", "workspace_id", "state", "last_activity_at"
        ),
        Index("ix_conversations_workspace_created", "workspace_id", "created_at"),
        # The reminder job scans idle open conversations across workspaces.
        Index("ix_conversations_state_activity", "state", "last_activity_at"),
        Index("ix_conversations_thread", "workspace_id", "channel_id", "root_ts", unique=True),
        # Which private channels a workspace's conversations are in, without a table scan.
        Index("ix_conversations_private", "workspace_id", "private_channel", "channel_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    # Started in a private channel, a DM or a group DM: shown in full only to those who can
    # read it (bot.core.visibility). False for rows from before this was stored.
    private_channel: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    root_ts: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(20), default="in_progress")
    # Index of the question being asked; equals the number of questions when all are answered.
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    current_question_ts: Mapped[str | None] = mapped_column(String(32))
    recommendation_message_ts: Mapped[str | None] = mapped_column(String(32))
    # Bumped by every change, so a guarded UPDATE can tell a stale click from a fresh one.
    version: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_by: Mapped[str | None] = mapped_column(String(32))
    # How many people the team can hire for this position: 1 unless the starter said more
    # on the recommendation (then it may recommend both kinds, saying which first).
    openings: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    permalink: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("conversation_id", "question_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    step: Mapped[int] = mapped_column(Integer)
    question_key: Mapped[str] = mapped_column(String(64))
    option_key: Mapped[str] = mapped_column(String(64))
    answered_by: Mapped[str] = mapped_column(String(32))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    question_message_ts: Mapped[str | None] = mapped_column(String(32))


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(_in("final_outcome", OUTCOMES), name="final_outcome"),
        Index("ix_decisions_workspace_decided", "workspace_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE"), unique=True
    )
    recommendation: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    recommendation_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answers_snapshot: Mapped[dict[str, str]] = mapped_column(JSON)
    final_outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(32))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DecisionEvent(Base):
    """Append-only history of a conversation and its decision: recorded, changed, reopened,
    cancelled; answers set aside, going back, orphaned, restarted."""

    __tablename__ = "decision_events"
    __table_args__ = (
        CheckConstraint(_in("kind", DECISION_EVENT_KINDS), name="kind"),
        Index("ix_decision_events_conversation", "conversation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    from_outcome: Mapped[str | None] = mapped_column(String(32))
    to_outcome: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # answered: the question and the option; went_back: the question asked again;
    # openings: how many the team can hire, in `option_key`.
    question_key: Mapped[str | None] = mapped_column(String(64))
    option_key: Mapped[str | None] = mapped_column(String(64))
    # orphaned: the channel of the thread that was lost; restarted: the new thread's.
    channel_id: Mapped[str | None] = mapped_column(String(32))


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (UniqueConstraint("conversation_id", "message_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    message_ts: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DigestSettings(Base):
    __tablename__ = "digest_settings"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("hour BETWEEN 0 AND 23 AND minute BETWEEN 0 AND 59", name="time"),
        CheckConstraint("checkin_after_days BETWEEN 0 AND 3650", name="checkin_after_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), unique=True
    )
    channel_id: Mapped[str | None] = mapped_column(String(32))
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    hour: Mapped[int] = mapped_column(Integer, default=9)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    post_when_quiet: Mapped[bool] = mapped_column(Boolean, default=True)
    configured_by: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(200))
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Days after a decision its decider is asked whether it held up; 0 = never.
    checkin_after_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90")


class DigestManager(Base):
    """Someone an admin named to manage the workspace's digest settings, besides the
    workspace's admins and owners."""

    __tablename__ = "digest_managers"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(32))
    named_by: Mapped[str] = mapped_column(String(32))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DigestSettingsChange(Base):
    """Append-only history of the digest settings: who changed what, from what, to what.
    `before` and `after` hold the touched settings only (see bot.core.digest_settings)."""

    __tablename__ = "digest_settings_changes"
    __table_args__ = (
        Index("ix_digest_settings_changes_workspace_changed", "workspace_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    changed_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)


class DigestRun(Base):
    """A digest claimed for (workspace, period): the unique key makes posting exactly-once."""

    __tablename__ = "digest_runs"
    __table_args__ = (
        UniqueConstraint("workspace_id", "period_key"),
        CheckConstraint(_in("status", DIGEST_RUN_STATES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))
    # A claimed run belongs to its claimer until `lease_until`; after that (a crash, or a
    # transient failure that set it to the time of the next try) any process takes it over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Nudge(Base):
    """One reminder per idle spell of a conversation (same claim guard as the digest)."""

    __tablename__ = "nudges"
    __table_args__ = (UniqueConstraint("conversation_id", "due_for"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    due_for: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A message owed to Slack, written in the transaction of the change that owes it and
    delivered after it: a crash, an outage or a Slack error between the two leaves the row
    pending, and whichever process finds its lease lapsed delivers it (`bot.jobs.outbox`)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("workspace_id", "key"),
        CheckConstraint(_in("kind", OUTBOX_KINDS), name="kind"),
        CheckConstraint(_in("status", OUTBOX_STATES), name="status"),
        # The delivery job's scan: what is pending and whose lease has lapsed.
        Index("ix_outbox_status_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    # The idempotency key, also in the posted message's metadata (`bot.core.hire.owed_key`).
    key: Mapped[str] = mapped_column(String(100))
    # The conversation's version the message was owed for (a nudge: its reminder row; a
    # team message: its round; an invitee's question: its step). `conversation_id` is the
    # round's or the invitee's conversation.
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # Pending rows belong to whoever set this until it passes: the request delivering it,
    # a delivery job that took it over, or nobody until the next try after a failure.
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Checkin(Base):
    """ "Did it hold up?", asked once per decision of its decider in a DM, and the answer
    that stands. The unique key makes the DM exactly-once across replicas: the row is the
    claim, leased to its claimer; the DM carries the row in its metadata, so a process taking
    over a lapsed claim finds a DM an earlier attempt sent before it died."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("workspace_id", "conversation_id"),
        CheckConstraint(_in("status", CHECKIN_STATES), name="status"),
        CheckConstraint(f"answer IS NULL OR {_in('answer', CHECKIN_ANSWERS)}", name="answer"),
        # The job's scan for claims whose lease has lapsed.
        Index("ix_checkins_status_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    # Who was asked, and the decided time the wait was counted from.
    decided_by: Mapped[str] = mapped_column(String(32))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    channel_id: Mapped[str | None] = mapped_column(String(32))  # the DM
    message_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(200))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The answer that stands (every answer is kept in `checkin_answers`).
    answer: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by every answer, so a stale or double click records nothing.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CheckinAnswer(Base):
    """Append-only: every answer to a check-in, so answering again keeps the history."""

    __tablename__ = "checkin_answers"
    __table_args__ = (
        CheckConstraint(_in("answer", CHECKIN_ANSWERS), name="answer"),
        Index("ix_checkin_answers_workspace_answered", "workspace_id", "answered_at"),
        Index("ix_checkin_answers_conversation", "conversation_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    answer: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(32))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedEvent(Base):
    """Events API ids already handled. Keyed by Slack's event_id, which is global to Slack;
    the team id is kept for scoping and clean-up."""

    __tablename__ = "processed_events"
    __table_args__ = (UniqueConstraint("event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HousekeepingRun(Base):
    """A clean-up claimed for (job, period): the unique key makes it run once across replicas."""

    __tablename__ = "housekeeping_runs"
    __table_args__ = (UniqueConstraint("job", "period_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    period_key: Mapped[str] = mapped_column(String(32))
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed: Mapped[int | None] = mapped_column(Integer)


# slack_sdk's OAuth tables join our metadata so Alembic creates and migrates them.
slack_installations = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, "slack_installations"
)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
# Their token columns are text, not slack_sdk's VARCHAR(200): a token sealed with
# TOKEN_ENCRYPTION_KEY (bot.token_cipher) is about twice as long as the token, and a rotating
# one (xoxe.xoxb-…) is already near 200 characters in plain.
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def _tokens_as_text(*tables: Table) -> None:
    for table in tables:
        for name in TOKEN_COLUMNS:
            if name in table.c:
                table.c[name].type = Text()


_tokens_as_text(slack_installations, slack_bots)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, "slack_oauth_states"
)


VOICE_ROUND_STATES = ("open", "revealed", "closed")
# invited: asked in a DM, no answer yet; answering: part-way; answered: all questions;
# unreachable: Slack would not let the bot DM them (a bot, a deleted user, DMs refused).
VOICE_STATES = ("invited", "answering", "answered", "unreachable")


class VoiceRound(Base):
    """ "Ask the team" for one conversation: open while invitees answer in DMs; revealed
    once everyone answered or the starter showed the answers; closed when the conversation
    was cancelled or restarted before that."""

    __tablename__ = "voice_rounds"
    __table_args__ = (CheckConstraint(_in("state", VOICE_ROUND_STATES), name="state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(20), default="open")
    started_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revealed_by: Mapped[str | None] = mapped_column(String(32))
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Voice(Base):
    """One invitee of a round, answering the questions in a DM."""

    __tablename__ = "voices"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        CheckConstraint(_in("status", VOICE_STATES), name="status"),
        Index("ix_voices_workspace_dm", "workspace_id", "dm_channel", "user_id"),
        # The reminder job's scan: invitees still owing answers, not reminded yet.
        Index("ix_voices_status_invited", "status", "invited_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("voice_rounds.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("hiring_conversations.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20), default="invited")
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    # The question being asked (the number of questions once answered); every answer is
    # one UPDATE … WHERE step = the step the button was drawn for.
    step: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped by every answer and every "back": each ask of a question has its own number,
    # carried by its buttons (an older ask's are stale) and in its owed key
    # (`bot.core.hire.voice_key`), so a question asked again is a new owed message.
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    question_ts: Mapped[str | None] = mapped_column(String(32))
    problem: Mapped[str | None] = mapped_column(String(100))
    invited_by: Mapped[str] = mapped_column(String(32))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The one reminder: set by whichever process claims it (a guarded UPDATE).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class VoiceAnswer(Base):
    __tablename__ = "voice_answers"
    __table_args__ = (UniqueConstraint("voice_id", "question_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    voice_id: Mapped[int] = mapped_column(ForeignKey("voices.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(64))
    option_key: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
