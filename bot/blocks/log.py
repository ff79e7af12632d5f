"""Block Kit for the decision log: `/hire list` and `/hire show`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.blocks.checkin import checkin_detail, history_words
from bot.blocks.common import (
    OPEN_MEANS,
    Message,
    actions,
    button,
    context,
    divider,
    fields_section,
    header,
    openings_label,
    outcome_label,
    recommendation_label,
    render,
    section,
    status_label,
)
from bot.blocks.hire import restart_button
from bot.blocks.text import SECTION_TEXT_LIMIT, slack_date, user_text
from bot.blocks.voices import team_record
from bot.core.checkins import CheckinView
from bot.core.hire import ConversationView
from bot.core.interactions import ActionId, LogPageValue
from bot.core.log_views import EventRow, LogPage, LogRow, NoteRow
from bot.core.visibility import private_count
from bot.core.voices import RoundView

HISTORY_SHOWN = 40  # the latest changes; a longer history says how many came before


def _link(row: LogRow) -> str:
    return f" · <{row.link}|thread>" if row.link else ""


def log_page(
    page: LogPage,
    filter_: str,
    more: LogPageValue,
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
        restart = f" · `/hire restart {row.id}`" if row.state == "orphaned" else ""
        blocks.append(
            section(
                f"*#{row.id} · {user_text(row.title, 120)}*\n{status_label(row.state, row.final_outcome)}"
                f" · <@{row.started_by}> · {slack_date(row.created_at, with_time=False)}"
                f"{_link(row)}{restart}"
            )
        )
    if page.hidden:
        blocks.append(section(hidden_line(page.hidden)))
    if page.unchecked:
        blocks.append(context(unchecked_line(page.unchecked)))
    if page.has_more:
        blocks.append(actions(button("More", ActionId.HIRE_LIST_MORE, more)))
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


QuestionTexts = Mapping[str, tuple[str, Mapping[str, str]]]  # key → (prompt, option labels)


def history_line(
    event: EventRow,
    questions: QuestionTexts | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """One change as a sentence: who did what, then when, dated in the reader's time zone:
    "Maya Patel answered *What stage is the company at?* Startup / early-stage — 23 Nov…".
    People are named as Slack names them (`names`), or mentioned when Slack wouldn't say."""
    named = names or {}
    who = user_text(named[event.actor], 80) if named.get(event.actor) else f"<@{event.actor}>"
    when = slack_date(event.created_at)
    was, now = outcome_label(event.from_outcome), outcome_label(event.to_outcome)
    why = f": “{user_text(event.reason, 150)}”" if event.reason else ""
    prompt, labels = (questions or {}).get(event.question_key or "", (event.question_key, {}))
    kind = event.kind
    if kind == "started":
        where = f" in <#{event.channel_id}>" if event.channel_id else ""
        said = f"{who} started it{where}"
    elif kind == "answered":
        answer = labels.get(event.option_key or "", event.option_key)
        said = f"{who} answered *{prompt}*: {answer}"
    elif kind == "went_back":
        said = f"{who} went back to *{prompt}*, setting aside the answers from there on"
    elif kind == "recorded":
        against = (
            f" (the recommendation was *{was}*)"
            if event.from_outcome and event.from_outcome != event.to_outcome
            else ""
        )
        said = f"{who} recorded the decision: *{now}*{against}{why}"
    elif kind == "changed":
        said = f"{who} changed the decision from *{was}* to *{now}*{why}"
    elif kind == "reopened":
        aside = f", setting aside *{was}*" if event.from_outcome else ""
        said = f"{who} reopened the decision{aside}{why}"
    elif kind == "cancelled":
        said = f"Cancelled by {who}{why}"
    elif kind == "orphaned":
        lost = user_text(event.reason, 80) if event.reason else "thread deleted"
        found = f" (found when {who} acted)" if event.actor else ""
        said = f"Orphaned: {lost}{found}"
    elif kind == "checked_in":
        said = f"{who} {history_words(event.option_key, event.reason)}"
    elif kind == "restarted":
        where = f" in <#{event.channel_id}>" if event.channel_id else ""
        said = f"Restarted in a new thread{where} by {who}"
    elif kind == "openings":
        count = "more than one person" if event.option_key != "1" else "one person"
        said = f"{who} said the team can hire {count}"
    else:
        said = f"{who}: {kind.replace('_', ' ')}{why}"
    return f"• {said} — {when}"


def _history_blocks(lines: Sequence[str], earlier: int) -> list[Any]:
    """The history under its heading, as few context blocks as Slack's text limit allows."""
    chunks: list[str] = ["*History*" + (f" _(…and {earlier} earlier changes)_" if earlier else "")]
    for line in lines:
        if len(chunks[-1]) + 1 + len(line) > SECTION_TEXT_LIMIT - 100:
            chunks.append(line)
        else:
            chunks[-1] += "\n" + line
    return [context(chunk) for chunk in chunks]


def decision_detail(
    snapshot: ConversationView,
    question_texts: dict[str, tuple[str, dict[str, str]]],
    recommendation: str | None,
    confidence: float | None,
    notes: Sequence[NoteRow],
    history: Sequence[EventRow],
    permalink: str | None,
    names: Mapping[str, str] | None = None,
    may_restart: bool = False,
    checkin: CheckinView | None = None,
    team: RoundView | None = None,
    hire_first: str | None = None,
) -> Message:
    """`/hire show`: the conversation, its answers and notes, and every change with who
    made it and when (`names`: people's names, by id). An orphaned one offers a restart to
    whoever `may_restart`. `hire_first`: which to hire first, when the recommendation is
    "both"."""
    decision = snapshot.decision
    fields = [
        f"*State*\n{status_label(snapshot.state, decision.final_outcome if decision else None)}",
        f"*Started by*\n<@{snapshot.started_by}> on "
        f"{slack_date(snapshot.created_at, with_time=False)}",
    ]
    if recommendation:
        said = recommendation_label(recommendation, confidence, hire_first)
        fields.append(f"*Recommendation*\n{said}")
    fields.append(f"*Openings*\n{openings_label(snapshot.openings)}")
    if decision:
        fields.append(
            f"*Decided by*\n<@{decision.decided_by}> on {slack_date(decision.decided_at)}"
        )
    orphaned = snapshot.state == "orphaned"
    blocks: list[Any] = [
        header(f"#{snapshot.id} · {user_text(snapshot.title, 120)}"),
        section(
            f"*{user_text(snapshot.title, 500)}*"
            + (f" · <{permalink}|open the thread>" if permalink and not orphaned else "")
        ),
        fields_section(fields),
    ]
    if orphaned:
        how = (
            "Restart it in a new thread in this channel, with its answers so far, or close it "
            f"with `/hire cancel {snapshot.id}`."
            if may_restart
            else "Its starter or a workspace admin can restart it in a new thread "
            f"(`/hire restart {snapshot.id}`)."
        )
        text = f":warning: *Its thread was deleted.* {how}"
        blocks.append(section(text, accessory=restart_button(snapshot.id) if may_restart else None))
    if decision and decision.reason:
        blocks.append(section(f"*Why*\n>{user_text(decision.reason, 1000)}"))
    if snapshot.answers:
        lines = []
        for answer in snapshot.answers:
            prompt, labels = question_texts.get(answer.question_key, (answer.question_key, {}))
            lines.append(f"• {prompt} *{labels.get(answer.option_key, answer.option_key)}*")
        blocks += [divider(), section("*Answers*\n" + "\n".join(lines))]
    if checkin is not None:
        blocks.append(section(checkin_detail(checkin)))
    if team is not None:
        blocks.append(section(team_record(team, question_texts)))
    if notes:
        shown = [f"• <@{n.user_id}>: {user_text(n.text, 200)}" for n in notes[-10:]]
        more = f"\n_…and {len(notes) - 10} earlier notes_" if len(notes) > 10 else ""
        blocks += [section("*Notes*\n" + "\n".join(shown) + more)]
    if history:
        shown = history[-HISTORY_SHOWN:]
        lines = [history_line(event, question_texts, names) for event in shown]
        blocks += _history_blocks(lines, len(history) - len(shown))
    return render(blocks, f"Hiring decision #{snapshot.id}")
