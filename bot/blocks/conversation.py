"""What the thread shows after each step of a hiring conversation: a plan of messages.

Pure: a use case's result (`bot.core.hire`) in, a list of things to post, rewrite or say
out. `bot.slack.hire` carries the plan out. Every button carries the conversation's
version, so a button drawn for an earlier state is refused (see bot.core.conversation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.blocks import hire as hire_blocks
from bot.blocks.common import STATUS_LABELS, Message, outcome_label
from bot.blocks.text import user_text
from bot.content.criteria import Criteria
from bot.core.conversation import (
    Answer,
    Back,
    Cancel,
    Change,
    Decide,
    Note,
    Nudge,
    Openings,
    Orphan,
    Reopen,
    Restart,
    State,
)
from bot.core.hire import Acted, ConversationView, NotDone
from bot.core.recommendation import Recommendation, recommend


@dataclass(frozen=True)
class Post:
    """A new message in the conversation's thread; `remember` says what it is for."""

    message: Message
    remember: Literal["question", "recommendation"] | None = None


@dataclass(frozen=True)
class Rewrite:
    ts: str | None
    message: Message


@dataclass(frozen=True)
class Tell:
    """An ephemeral line to the person who acted, with buttons if `message` is given."""

    text: str
    message: Message | None = None


Output = Post | Rewrite | Tell

REFUSALS = {
    "already_answered": "That question was already answered. The thread shows where things are now.",
    "already_moved": "That step has already moved on. The thread shows where things are now.",
    "stale": "That button is from an earlier step of this conversation. The thread shows where things are now.",
    "not_open": "This conversation is no longer open.",
    "not_awaiting_decision": "There is no decision waiting here any more.",
    "already_decided": "This conversation is already decided.",
    "decision_changed": "This decision changed since you opened it, so nothing was changed. "
    "The thread shows it as it is now; use *Change decision…* there to change it again.",
    "unknown_option": "That button is from an older version of the questions. Use the newest message in the thread.",
    "unknown_step": "That button is from an older version of the questions. Use the newest message in the thread.",
    "not_found": "I can't find that hiring conversation any more.",
    "not_decided": "That decision has already been reopened or changed. The thread shows where things are now.",
    "orphaned": "This conversation's thread was deleted, so nothing can be done in it.",
    "not_orphaned": "That conversation still has its thread, so there is nothing to restart.",
}


def refusal(result: NotDone, what: str) -> str:
    """The ephemeral line for an event that changed nothing."""
    if result.reason == "not_allowed" and result.view is not None:
        noting = (
            ""
            if result.view.state is State.ORPHANED
            else " You can still add a note by replying in the thread."
        )
        return (
            f":lock: Only <@{result.view.started_by}>, who started this conversation, or a "
            f"workspace admin can {what}.{noting}"
        )
    view = result.view
    if result.reason == "orphaned" and view is not None:
        return (
            f":warning: The thread of hiring decision #{view.id} was deleted, so nothing can be "
            "done in it. Its answers so far are kept: its starter or an admin can carry on "
            f"in a new thread with `/hire restart {view.id}`, or close it with "
            f"`/hire cancel {view.id}`."
        )
    if result.reason in {"not_open", "not_orphaned"} and view is not None and not view.is_open:
        status = STATUS_LABELS.get(view.state.value, "closed").lower()
        return f":information_source: Hiring decision #{view.id} is already {status}."
    return f":information_source: {REFUSALS.get(result.reason, REFUSALS['stale'])}"


def summary(view: ConversationView) -> hire_blocks.ConversationSummary:
    decision = view.decision
    return hire_blocks.ConversationSummary(
        id=view.id,
        title=view.title,
        started_by=view.started_by,
        state=view.state.value,
        answered=len(view.answers),
        final_outcome=decision.final_outcome if decision else None,
        decided_by=decision.decided_by if decision else None,
        cancelled_by=view.cancelled_by,
    )


def root(view: ConversationView) -> Message:
    return hire_blocks.root_message(summary(view))


def root_if_changed(before: ConversationView, after: ConversationView) -> list[Output]:
    """The root shows the state (in progress, waiting for the decision, decided…), not the
    step: most answers leave it as it is, and skipping the rewrite saves a Web API call."""
    return [Rewrite(after.root_ts, root(after))] if after.state != before.state else []


def question_view(view: ConversationView, criteria: Criteria) -> hire_blocks.QuestionView:
    asked = criteria.questions[view.step]
    return hire_blocks.QuestionView(
        conversation_id=view.id,
        step=view.step,
        total=view.total,
        prompt=asked.prompt,
        help=asked.help,
        options=[(o.key, o.label) for o in asked.options],
        can_go_back=view.step > 0,
        version=view.version,
        started_by=view.started_by,
    )


def question(view: ConversationView, criteria: Criteria) -> Message:
    return hire_blocks.question_message(question_view(view, criteria))


def recommendation_of(view: ConversationView, criteria: Criteria) -> Recommendation:
    return recommend(criteria, view.answer_map, view.openings)


def recommendation_view(
    view: ConversationView, rec: Recommendation, criteria: Criteria | None = None
) -> hire_blocks.RecommendationView:
    return hire_blocks.RecommendationView(
        conversation_id=view.id,
        title=view.title,
        recommendation=rec,
        version=view.version,
        started_by=view.started_by,
        answers=_answers_given(view, criteria) if criteria else (),
    )


def _answers_given(view: ConversationView, criteria: Criteria) -> list[tuple[int, str, str]]:
    given = view.answer_map
    found = []
    for step, question in enumerate(criteria.questions):
        option = question.option(given.get(question.key, ""))
        if option is not None:
            found.append((step, question.prompt, option.label))
    return found


def recommendation(view: ConversationView, criteria: Criteria) -> Message:
    rec = recommendation_of(view, criteria)
    if view.state is State.DECIDED and view.decision is not None:
        decision = view.decision
        return hire_blocks.decision_recorded_message(
            recommendation_view(view, rec, criteria),
            decision.final_outcome,
            decision.decided_by,
            decision.reason,
            decision.decided_at,
        )
    return hire_blocks.recommendation_message(recommendation_view(view, rec, criteria))


def next_step(view: ConversationView, criteria: Criteria) -> Post:
    """The question to ask now, or the recommendation once every question is answered."""
    if view.state is State.IN_PROGRESS:
        return Post(question(view, criteria), remember="question")
    return Post(recommendation(view, criteria), remember="recommendation")


def after_act(acted: Acted, criteria: Criteria, clicked_ts: str | None) -> list[Output]:
    """The messages an event that changed the conversation owes the thread, most urgent
    first: the next question goes out before the old one is rewritten."""
    before, after, event, actor = acted.before, acted.after, acted.event, acted.actor
    total = after.total
    if isinstance(event, Answer):
        asked = criteria.questions[event.step]
        option = asked.option(event.option)
        label = option.label if option else event.option
        return [
            next_step(after, criteria),
            Rewrite(
                clicked_ts or before.current_question_ts,
                hire_blocks.answered_question_message(
                    event.step, total, asked.prompt, label, actor
                ),
            ),
            *root_if_changed(before, after),
        ]
    if isinstance(event, Back):
        note = f":leftwards_arrow_with_hook: <@{actor}> went back to change an answer."
        left = (
            Rewrite(
                before.recommendation_message_ts or clicked_ts,
                hire_blocks.superseded_recommendation_message(note),
            )
            if before.state is State.AWAITING_DECISION
            else Rewrite(
                clicked_ts or before.current_question_ts,
                hire_blocks.superseded_question_message(
                    before.step, total, criteria.questions[before.step].prompt, note
                ),
            )
        )
        return [next_step(after, criteria), left, *root_if_changed(before, after)]
    if isinstance(event, Cancel):
        if before.state is State.ORPHANED:  # its thread is gone: only the root, if it is there
            return [Rewrite(after.root_ts, root(after))]
        note = f":x: Cancelled by <@{actor}>. The answers so far stay in the log."
        left = (
            Rewrite(
                before.recommendation_message_ts,
                hire_blocks.superseded_recommendation_message(note),
            )
            if before.state is State.AWAITING_DECISION
            else Rewrite(
                before.current_question_ts or clicked_ts,
                hire_blocks.superseded_question_message(
                    before.step, total, criteria.questions[before.step].prompt, note
                ),
            )
        )
        return [left, Rewrite(after.root_ts, root(after))]
    if isinstance(event, Decide):
        assert after.decision is not None
        label = outcome_label(after.decision.final_outcome)
        return [
            Rewrite(
                before.recommendation_message_ts or clicked_ts, recommendation(after, criteria)
            ),
            Rewrite(after.root_ts, root(after)),
            Post(hire_blocks.decision_note_message(after.id, label, actor)),
        ]
    if isinstance(event, Change):
        said = (
            f":arrows_counterclockwise: <@{actor}> changed the decision to "
            f"*{outcome_label(event.outcome)}*."
        )
        return history_changed(after, criteria, said, event.reason)
    if isinstance(event, Reopen):
        said = f":leftwards_arrow_with_hook: <@{actor}> reopened the decision."
        return history_changed(after, criteria, said, event.reason)
    if isinstance(event, Openings):
        said = (
            f":busts_in_silhouette: <@{actor}> said the team can hire more than one person: "
            "the recommendation above now says which kind to hire first."
            if event.count >= 2
            else f":bust_in_silhouette: <@{actor}> said the team has one opening: the "
            "recommendation above now names one kind of engineer."
        )
        return [
            Rewrite(
                before.recommendation_message_ts or clicked_ts, recommendation(after, criteria)
            ),
            Post(hire_blocks.openings_note_message(said)),
        ]
    if isinstance(event, Note):
        return [Tell(":memo: Noted: it is kept with this decision (`/hire show` lists notes).")]
    if isinstance(event, Nudge):
        return nudge(after, criteria)
    if isinstance(event, Restart):
        return [Post(restarted(after, criteria, actor)), next_step(after, criteria)]
    if isinstance(event, Orphan):
        return []  # nothing can reach the thread; the desk tells whoever found it
    return []


def restarted(view: ConversationView, criteria: Criteria, actor: str) -> Message:
    """The new thread's first reply: who restarted it, and the answers it carries."""
    return hire_blocks.restarted_message(actor, _answers_given_as_text(view, criteria), view.total)


def _answers_given_as_text(view: ConversationView, criteria: Criteria) -> list[tuple[str, str]]:
    return [(prompt, label) for _, prompt, label in _answers_given(view, criteria)]


def read_as(typed: str, label: str) -> Tell:
    """Says how a typed reply was read, so a surprising reading can be put right with back."""
    return Tell(
        f":ballot_box_with_check: Read “{user_text(typed, 60)}” as *{label}*. "
        "Type `back` to change it."
    )


REPLY_HELP = (
    "Reply with an option's name or number to answer, `back` to change the previous answer, "
    "`cancel` to close the conversation, or start with `note:` to keep a note with the decision."
)


def unclear_reply(view: ConversationView, criteria: Criteria, *, may_answer: bool) -> Tell:
    """An ephemeral answer to a reply that said nothing the bot understood: never filed
    silently. Whoever may answer gets the question's options as buttons."""
    if not may_answer:
        return Tell(
            ":memo: Only the person who started this conversation (or an admin) answers its "
            "questions. To keep your message with the decision, send it again starting "
            "with `note:`."
        )
    if view.state is not State.IN_PROGRESS:
        return Tell(f":thinking_face: I didn't catch that. {REPLY_HELP}")
    said = f":thinking_face: I didn't catch that. {REPLY_HELP}"
    return Tell(said, hire_blocks.options_reminder(question_view(view, criteria), said))


def history_changed(
    after: ConversationView, criteria: Criteria, said: str, reason: str
) -> list[Output]:
    """A recorded decision changed or reopened: its message and the root show it now, and
    the thread gets a line saying who did what, and why."""
    return [
        Rewrite(after.recommendation_message_ts, recommendation(after, criteria)),
        Rewrite(after.root_ts, root(after)),
        Post(hire_blocks.history_note_message(said, reason)),
    ]


def nudge(view: ConversationView, criteria: Criteria) -> list[Output]:
    """The one reminder in the thread of a conversation that waited too long."""
    prompt = criteria.questions[view.step].prompt if view.state is State.IN_PROGRESS else None
    message = hire_blocks.nudge_message(
        view.id, view.started_by, view.step, view.total, prompt, view.version
    )
    return [Post(message)]
