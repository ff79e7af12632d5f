"""Block Kit for the decision log: `/hire list` and `/hire show`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import (
    OPEN_MEANS,
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
    status_label,
)
from bot.blocks.text import slack_date, user_text
from bot.core.hire import ConversationView
from bot.core.log_views import EventRow, LogPage, LogRow, NoteRow
from bot.core.visibility import private_count

MORE_ACTION = "hire_list_more"


def _link(row: LogRow) -> str:
    return f" · <{row.link}|thread>" if row.link else ""


def log_page(
    page: LogPage,
    filter_: str,
    more_value: dict[str, Any],
    person_name: str | None = None,
    since_text: str | None = None,
) -> Message:
    """A page of the log. The header is plain text, where a mention would show as its raw
    `<@U…>`, so it names the person (`person_name`); the rows are mrkdwn and mention."""
    by = f" by {user_text(person_name, 80)}" if person_name else ""
    since = f" since {user_text(since_text, 20)}" if since_text else ""
    blocks: list[Any] = [header(f"Hiring decisions — {filter_}{by}{since}")]
    if not page.rows and not page.hidden:
        blocks.append(section("Nothing here yet. Start one with `/hire <position>`."))
    for row in page.rows:
        blocks.append(
            section(
                f"*#{row.id} · {user_text(row.title, 120)}*\n{status_label(row.state, row.final_outcome)}"
                f" · <@{row.started_by}> · {slack_date(row.created_at, with_time=False)}"
                f"{_link(row)}"
            )
        )
    if page.hidden:
        blocks.append(section(hidden_line(page.hidden)))
    if page.unchecked:
        blocks.append(context(unchecked_line(page.unchecked)))
    if page.has_more:
        blocks.append(actions(button("More", MORE_ACTION, more_value)))
    blocks.append(
        context(
            "`/hire show <id>` for one decision in full · `/hire list open|decided|cancelled|all`"
            f" (open: {OPEN_MEANS})"
        )
    )
    shown = len(page.rows)
    return render(blocks, f"{shown} hiring conversation{'' if shown == 1 else 's'}")


def hidden_line(count: int) -> str:
    """Conversations in private channels the reader is not in: a number, never a title."""
    whose = "its members see it" if count == 1 else "their members see them"
    return f":lock: {private_count(count)} — only {whose}."


def unchecked_line(error: str) -> str:
    """Slack wouldn't say who is in a private channel: its conversations stay hidden."""
    return (
        f":warning: I couldn't check which private channels you're in (Slack said "
        f"`{user_text(error, 40)}`), so their decisions are only counted. Try again in a minute."
    )


def history_line(event: EventRow) -> str:
    """One event of a decision's history as a sentence, dated in the reader's time zone:
    "@Maya recorded *Product engineer* on 23 Nov 2026 at 14:05: “reason”"."""
    who, when = f"<@{event.actor}>", slack_date(event.created_at)
    was, now = outcome_label(event.from_outcome), outcome_label(event.to_outcome)
    if event.kind == "recorded":
        did = f"recorded *{now}* on {when}"
    elif event.kind == "changed":
        did = f"changed it from *{was}* to *{now}* on {when}"
    elif event.kind == "reopened":
        did = f"reopened it on {when}" + (f", setting aside *{was}*" if event.from_outcome else "")
    elif event.kind == "cancelled":
        did = f"cancelled it on {when}"
    else:
        did = f"{event.kind.replace('_', ' ')} it on {when}"
    why = f": “{user_text(event.reason, 150)}”" if event.reason else "."
    return f"• {who} {did}{why}"


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
        f"*State*\n{status_label(snapshot.state, decision.final_outcome if decision else None)}",
        f"*Started by*\n<@{snapshot.started_by}> on "
        f"{slack_date(snapshot.created_at, with_time=False)}",
    ]
    if recommendation:
        fields.append(f"*Recommendation*\n{recommendation_label(recommendation, confidence)}")
    if decision:
        fields.append(
            f"*Decided by*\n<@{decision.decided_by}> on {slack_date(decision.decided_at)}"
        )
    blocks: list[Any] = [
        header(f"#{snapshot.id} · {user_text(snapshot.title, 120)}"),
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
        lines = [history_line(event) for event in history[-10:]]
        earlier = f"\n_…and {len(history) - 10} earlier events_" if len(history) > 10 else ""
        blocks += [context("*History*\n" + "\n".join(lines) + earlier)]
    return render(blocks, f"Hiring decision #{snapshot.id}")
