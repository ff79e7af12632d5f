"""The Slack side of a hiring conversation, shared by the command, buttons, replies and modal.

It turns what the HiringService did into messages: the root message in the channel, one
message per question in its thread, the recommendation, and short ephemeral answers when
something can't be done. Nothing here decides anything; the service does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import hire as hire_blocks
from bot.blocks.common import Message, outcome_label
from bot.content.criteria import load_criteria
from bot.core.recommendation import Recommendation
from bot.hiring.service import Answered, HiringService, Snapshot, Stale, WentBack
from bot.services import Services

log = logging.getLogger(__name__)

STALE_TEXT = {
    "already_answered": "That question was already answered. The thread shows where things are now.",
    "already_moved": "That step has already moved on. The thread shows where things are now.",
    "not_open": "This conversation is already closed.",
    "not_awaiting_decision": "There is no decision waiting here any more.",
    "already_decided": "The decision was already recorded.",
    "unknown_option": "That button is from an older version of the questions. Use the newest message in the thread.",
    "not_found": "I can't find that hiring conversation any more.",
    "not_decided": "That decision has already been reopened or changed. The thread shows where things are now.",
}


@dataclass
class Context:
    """Who is acting, where, for which workspace; built once per request."""

    services: Services
    client: WebClient
    hiring: HiringService
    workspace_id: int
    user: str

    @property
    def now(self) -> datetime:
        return self.services.clock.now()


def build_context(
    services: Services, client: WebClient, context: dict[str, Any], user: str
) -> Context:
    hiring = HiringService(services.session_factory, load_criteria())
    team_id = context.get("team_id") or ""
    workspace_id = hiring.workspace_id(team_id, context.get("enterprise_id"), services.clock.now())
    return Context(services, client, hiring, workspace_id, user)


# -- permissions -----------------------------------------------------------------------------


def may_act(ctx: Context, snapshot: Snapshot) -> bool:
    """The starter, or a workspace admin/owner (asked of Slack, which knows best)."""
    if ctx.user == snapshot.started_by:
        return True
    try:
        user = ctx.client.users_info(user=ctx.user)["user"]
    except SlackApiError:
        log.warning("users.info failed; treating %s as not an admin", ctx.user)
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def tell(ctx: Context, channel: str, text: str, thread_ts: str | None = None) -> None:
    """A short ephemeral note to the acting user; failures only get logged."""
    try:
        ctx.client.chat_postEphemeral(
            channel=channel, user=ctx.user, text=text, thread_ts=thread_ts
        )
    except SlackApiError as error:
        log.warning("could not tell %s: %s", ctx.user, error.response.get("error"))


def refuse(ctx: Context, snapshot: Snapshot, what: str) -> None:
    tell(
        ctx,
        snapshot.channel_id,
        f":lock: Only <@{snapshot.started_by}>, who started this conversation, or a workspace "
        f"admin can {what}. You can still add a note by replying in the thread.",
        snapshot.root_ts,
    )


def explain_stale(ctx: Context, stale: Stale, channel: str, thread_ts: str | None) -> None:
    tell(
        ctx,
        channel,
        f":information_source: {STALE_TEXT.get(stale.why, STALE_TEXT['already_answered'])}",
        thread_ts,
    )


# -- messages ------------------------------------------------------------------------------


def summary(ctx: Context, snapshot: Snapshot) -> hire_blocks.ConversationSummary:
    decision = snapshot.decision
    return hire_blocks.ConversationSummary(
        id=snapshot.id,
        title=snapshot.title,
        started_by=snapshot.started_by,
        state=snapshot.state,
        answered=len(snapshot.answers),
        total_questions=len(ctx.hiring.criteria),
        final_outcome=decision.final_outcome if decision else None,
        decided_by=decision.decided_by if decision else None,
        cancelled_by=snapshot.cancelled_by,
    )


def _update(ctx: Context, channel: str, ts: str | None, message: Message) -> None:
    if not ts:
        return
    try:
        ctx.client.chat_update(channel=channel, ts=ts, **message.as_kwargs())
    except SlackApiError as error:  # a deleted message must not stop the conversation
        log.warning("chat.update %s failed: %s", ts, error.response.get("error"))


def refresh_root(ctx: Context, snapshot: Snapshot) -> None:
    _update(
        ctx, snapshot.channel_id, snapshot.root_ts, hire_blocks.root_message(summary(ctx, snapshot))
    )


def post_in_thread(ctx: Context, snapshot: Snapshot, message: Message) -> str:
    response = ctx.client.chat_postMessage(
        channel=snapshot.channel_id, thread_ts=snapshot.root_ts, **message.as_kwargs()
    )
    return str(response["ts"])


def question_view(ctx: Context, snapshot: Snapshot, step: int) -> hire_blocks.QuestionView:
    question = ctx.hiring.criteria.questions[step]
    return hire_blocks.QuestionView(
        conversation_id=snapshot.id,
        step=step,
        total=len(ctx.hiring.criteria),
        prompt=question.prompt,
        help=question.help,
        options=[(o.key, o.label) for o in question.options],
        can_go_back=step > 0,
    )


def ask(ctx: Context, snapshot: Snapshot, step: int) -> None:
    ts = post_in_thread(
        ctx, snapshot, hire_blocks.question_message(question_view(ctx, snapshot, step))
    )
    ctx.hiring.set_message_ts(ctx.workspace_id, snapshot.id, current_question_ts=ts)


def recommendation_view(
    ctx: Context, snapshot: Snapshot, rec: Recommendation
) -> hire_blocks.RecommendationView:
    from bot.content.roles import load_roles

    roles = load_roles().roles
    summary_line = (
        roles[rec.outcome].summary.text
        if rec.outcome in roles
        else (
            "A product engineer to move the product fast, and a software engineer for depth and scale."
        )
    )
    return hire_blocks.RecommendationView(
        conversation_id=snapshot.id,
        title=snapshot.title,
        outcome=rec.outcome,
        confidence=rec.confidence_label,
        reasons=[
            hire_blocks.ReasonLine(
                r.question.rstrip("?"), r.answer, r.reason, r.towards, r.source_url
            )
            for r in rec.reasons
        ],
        summary=summary_line,
    )


def recommend_in_thread(ctx: Context, snapshot: Snapshot, rec: Recommendation) -> None:
    message = hire_blocks.recommendation_message(recommendation_view(ctx, snapshot, rec))
    ts = post_in_thread(ctx, snapshot, message)
    ctx.hiring.set_message_ts(ctx.workspace_id, snapshot.id, recommendation_message_ts=ts)


# -- the moves -------------------------------------------------------------------------------


def apply_answer(ctx: Context, snapshot: Snapshot, step: int, option_key: str) -> bool:
    """Record an answer (button or typed reply) and move the thread on. False if stale."""
    result = ctx.hiring.answer(ctx.workspace_id, snapshot.id, step, option_key, ctx.user, ctx.now)
    if isinstance(result, Stale):
        explain_stale(ctx, result, snapshot.channel_id, snapshot.root_ts)
        return False
    assert isinstance(result, Answered)
    option = result.question.option(option_key)
    assert option is not None
    _update(
        ctx,
        snapshot.channel_id,
        snapshot.current_question_ts,
        hire_blocks.answered_question_message(
            step, len(ctx.hiring.criteria), result.question.prompt, option.label, ctx.user
        ),
    )
    if result.next_question is not None:
        ask(ctx, result.snapshot, step + 1)
    else:
        assert result.recommendation is not None
        recommend_in_thread(ctx, result.snapshot, result.recommendation)
    refresh_root(ctx, result.snapshot)
    return True


def go_back(ctx: Context, snapshot: Snapshot, from_step: int) -> None:
    result = ctx.hiring.back(ctx.workspace_id, snapshot.id, from_step, ctx.user, ctx.now)
    if isinstance(result, Stale):
        explain_stale(ctx, result, snapshot.channel_id, snapshot.root_ts)
        return
    assert isinstance(result, WentBack)
    total = len(ctx.hiring.criteria)
    note = f":leftwards_arrow_with_hook: <@{ctx.user}> went back to change the previous answer."
    if from_step == -1:
        _update(
            ctx,
            snapshot.channel_id,
            result.left_question_ts,
            hire_blocks.superseded_recommendation_message(note),
        )
    else:
        question = ctx.hiring.criteria.questions[from_step]
        _update(
            ctx,
            snapshot.channel_id,
            result.left_question_ts,
            hire_blocks.superseded_question_message(from_step, total, question.prompt, note),
        )
    ask(ctx, result.snapshot, result.snapshot.current_step)
    refresh_root(ctx, result.snapshot)


def cancel(ctx: Context, snapshot: Snapshot) -> None:
    result = ctx.hiring.cancel(ctx.workspace_id, snapshot.id, ctx.user, ctx.now)
    if isinstance(result, Stale):
        explain_stale(ctx, result, snapshot.channel_id, snapshot.root_ts)
        return
    note = f":x: Cancelled by <@{ctx.user}>. The answers so far stay in the log."
    if snapshot.state == "awaiting_decision":
        _update(
            ctx,
            snapshot.channel_id,
            snapshot.recommendation_message_ts,
            hire_blocks.superseded_recommendation_message(note),
        )
    elif snapshot.current_question_ts:
        question = ctx.hiring.criteria.questions[snapshot.current_step]
        _update(
            ctx,
            snapshot.channel_id,
            snapshot.current_question_ts,
            hire_blocks.superseded_question_message(
                snapshot.current_step, len(ctx.hiring.criteria), question.prompt, note
            ),
        )
    refresh_root(ctx, result.snapshot)


def change_decision(ctx: Context, snapshot: Snapshot, final_outcome: str, reason: str) -> None:
    result = ctx.hiring.change_decision(
        ctx.workspace_id, snapshot.id, final_outcome, reason, ctx.user, ctx.now
    )
    if isinstance(result, Stale):
        explain_stale(ctx, result, snapshot.channel_id, snapshot.root_ts)
        return
    _show_decided(ctx, result.snapshot, result.extra["recommendation"], final_outcome, reason)
    post_in_thread(
        ctx,
        result.snapshot,
        hire_blocks.history_note_message(
            f":arrows_counterclockwise: <@{ctx.user}> changed the decision to *{outcome_label(final_outcome)}*.",
            reason,
        ),
    )


def reopen(ctx: Context, snapshot: Snapshot, reason: str) -> None:
    result = ctx.hiring.reopen(ctx.workspace_id, snapshot.id, reason, ctx.user, ctx.now)
    if isinstance(result, Stale):
        explain_stale(ctx, result, snapshot.channel_id, snapshot.root_ts)
        return
    rec = ctx.hiring.recommendation_for(result.snapshot)
    _update(
        ctx,
        snapshot.channel_id,
        snapshot.recommendation_message_ts,
        hire_blocks.recommendation_message(recommendation_view(ctx, result.snapshot, rec)),
    )
    refresh_root(ctx, result.snapshot)
    post_in_thread(
        ctx,
        result.snapshot,
        hire_blocks.history_note_message(
            f":leftwards_arrow_with_hook: <@{ctx.user}> reopened the decision.", reason
        ),
    )


def _show_decided(
    ctx: Context, decided: Snapshot, rec: Recommendation, final_outcome: str, reason: str | None
) -> None:
    assert decided.decision is not None
    _update(
        ctx,
        decided.channel_id,
        decided.recommendation_message_ts,
        hire_blocks.decision_recorded_message(
            recommendation_view(ctx, decided, rec),
            final_outcome,
            decided.decision.decided_by,
            reason,
            decided.decision.decided_at,
        ),
    )
    refresh_root(ctx, decided)


def decide(ctx: Context, snapshot: Snapshot, final_outcome: str, reason: str | None) -> bool:
    result = ctx.hiring.decide(
        ctx.workspace_id, snapshot.id, final_outcome, reason, ctx.user, ctx.now
    )
    if isinstance(result, Stale):
        explain_stale(ctx, result, snapshot.channel_id, snapshot.root_ts)
        return False
    decided = result.snapshot
    _show_decided(ctx, decided, result.extra["recommendation"], final_outcome, reason)
    post_in_thread(
        ctx,
        decided,
        hire_blocks.decision_note_message(decided.id, outcome_label(final_outcome), ctx.user),
    )
    return True
