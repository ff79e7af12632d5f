"""Block Kit for the decision log: `/hire list` and `/hire show`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import (
    OUTCOME_EMOJI,
    Message,
    actions,
    button,
    context,
    divider,
    fields_section,
    header,
    outcome_label,
    recommendation_label,
    render,
    section,
)
from bot.blocks.text import user_text
from bot.core.hire import ConversationView
from bot.core.log_views import EventRow, LogPage, LogRow, NoteRow

MORE_ACTION = "hire_list_more"
STATE_LABEL = {
    "in_progress": ":hourglass_flowing_sand: in progress",
    "awaiting_decision": ":ballot_box_with_ballot: waiting for the decision",
    "cancelled": ":x: cancelled",
}


def _state(row_state: str, outcome: str | None) -> str:
    if row_state == "decided":
        return f"{OUTCOME_EMOJI.get(outcome or '', '')} *{outcome_label(outcome)}*"
    return STATE_LABEL.get(row_state, row_state)


def _link(row: LogRow) -> str:
    return f" · <{row.link}|thread>" if row.link else ""


def log_page(
    page: LogPage,
    filter_: str,
    title_suffix: str,
    more_value: dict[str, Any],
) -> Message:
    blocks: list[Any] = [header(f"Hiring decisions — {filter_}{title_suffix}")]
    if not page.rows:
        blocks.append(section("Nothing here yet. Start one with `/hire <position>`."))
    for row in page.rows:
        blocks.append(
            section(
                f"*#{row.id} · {user_text(row.title, 120)}*\n{_state(row.state, row.final_outcome)}"
                f" · <@{row.started_by}> · {row.created_at:%b %d, %Y}{_link(row)}"
            )
        )
    if page.has_more:
        blocks.append(actions(button("More", MORE_ACTION, more_value)))
    blocks.append(
        context(
            "`/hire show <id>` for one decision in full · `/hire list open|decided|cancelled|all`"
        )
    )
    return render(blocks, f"{len(page.rows)} hiring conversations")


def decision_detail(
    snapshot: ConversationView,
    question_texts: dict[str, tuple[str, dict[str, str]]],
    recommendation: str | None,
    confidence: float | None,
    notes: Sequence[NoteRow],
    history: Sequence[EventRow],
    permalink: str | None,
) -> Message:
    decision = snapshot.decision
    fields = [
        f"*State*\n{_state(snapshot.state, decision.final_outcome if decision else None)}",
        f"*Started by*\n<@{snapshot.started_by}> on {snapshot.created_at:%b %d, %Y}",
    ]
    if recommendation:
        fields.append(f"*Recommendation*\n{recommendation_label(recommendation, confidence)}")
    if decision:
        fields.append(
            f"*Decided by*\n<@{decision.decided_by}> on {decision.decided_at:%b %d, %Y %H:%M} UTC"
        )
    blocks: list[Any] = [
        header(f"#{snapshot.id} · {snapshot.title[:120]}"),
        section(
            f"*{user_text(snapshot.title, 500)}*"
            + (f" · <{permalink}|open the thread>" if permalink else "")
        ),
        fields_section(fields),
    ]
    if decision and decision.reason:
        blocks.append(section(f"*Why*\n>{user_text(decision.reason, 1000)}"))
    if snapshot.answers:
        lines = []
        for answer in snapshot.answers:
            prompt, labels = question_texts.get(answer.question_key, (answer.question_key, {}))
            lines.append(f"• {prompt} *{labels.get(answer.option_key, answer.option_key)}*")
        blocks += [divider(), section("*Answers*\n" + "\n".join(lines))]
    if notes:
        shown = [f"• <@{n.user_id}>: {user_text(n.text, 200)}" for n in notes[-10:]]
        more = f"\n_…and {len(notes) - 10} earlier notes_" if len(notes) > 10 else ""
        blocks += [section("*Notes*\n" + "\n".join(shown) + more)]
    if history:
        lines = []
        for event in history[-10:]:
            change = (
                f"{outcome_label(event.from_outcome)} → {outcome_label(event.to_outcome)}"
                if event.to_outcome
                else ""
            )
            why = f" — {user_text(event.reason, 150)}" if event.reason else ""
            lines.append(
                f"• {event.created_at:%b %d %H:%M} · {event.kind} by <@{event.actor}> {change}{why}"
            )
        blocks += [context("*History*\n" + "\n".join(lines))]
    return render(blocks, f"Hiring decision #{snapshot.id}")
