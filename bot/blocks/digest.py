"""Block Kit for the weekly digest: readable in a busy channel, within limits at any size."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks.common import (
    OUTCOME_EMOJI,
    Message,
    context,
    divider,
    header,
    outcome_label,
    render,
    section,
)
from bot.blocks.text import user_text
from bot.core.digest import Digest, describe_wait
from bot.core.digest import Schedule as DigestSchedule
from bot.core.visibility import private_count

MAX_DECISIONS_SHOWN = 15
MAX_WAITING_SHOWN = 8
LINE_TITLE = 80


def _bar(count: int, top: int) -> str:
    return "▇" * (round(8 * count / top) if top else 0) or "·"


def digest_message(digest: Digest, now: datetime, preview: bool = False) -> Message:
    title = f"Hiring digest · {digest.label}"
    week = "so far this week" if digest.so_far_since else "this week"
    blocks: list[Any] = [header(title)]
    if preview:
        blocks.append(
            context(":eyes: Preview — only you can see this. `/hire digest now` posts it.")
        )
    if digest.so_far_since:
        blocks.append(
            context(
                f":spiral_calendar_pad: So far this week, since {digest.so_far_since}. "
                "The scheduled digest will cover the whole week."
            )
        )
    if digest.posted_early:
        blocks.append(
            context(
                ":information_source: Part of this week was already posted early "
                f"(`/hire digest now`, {digest.posted_early}); this digest covers the whole "
                "week, so those decisions are listed again."
            )
        )
    if digest.missed:
        blocks.append(section(_missed_text(digest.missed)))
    if digest.total:
        counts = " · ".join(
            f"{OUTCOME_EMOJI.get(k, '')} {outcome_label(k)}: *{v}*"
            for k, v in sorted(digest.counts.items(), key=lambda kv: -kv[1])
        )
        blocks.append(
            section(f"*{digest.total} decision{'s' if digest.total != 1 else ''} {week}*\n{counts}")
        )
        lines = []
        for d in digest.decisions[:MAX_DECISIONS_SHOWN]:
            name = user_text(d.title, LINE_TITLE)
            name = f"<{d.link}|{name}>" if d.link else name
            lines.append(f"• #{d.id} {name} → *{outcome_label(d.outcome)}* (<@{d.decided_by}>)")
        hidden = len(digest.decisions) - MAX_DECISIONS_SHOWN
        if hidden > 0:
            lines.append(f"_…and {hidden} more — see `/hire list decided` or the bot's Home tab._")
        if digest.hidden_decisions:
            lines.append(f"• :lock: {private_count(digest.hidden_decisions)}")
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(section(f":zzz: No decisions {week}."))
    if digest.waiting_total:
        blocks.append(divider())
        lines = []
        for w in digest.waiting[:MAX_WAITING_SHOWN]:
            name = user_text(w.title, LINE_TITLE)
            name = f"<{w.link}|{name}>" if w.link else name
            lines.append(
                f"• #{w.id} {name} — waiting on {w.step} for {describe_wait(w.waiting_since, now)}"
                f" (<@{w.started_by}>)"
            )
        hidden = len(digest.waiting) - MAX_WAITING_SHOWN
        if hidden > 0:
            lines.append(f"_…and {hidden} more — `/hire list open`._")
        if digest.hidden_waiting:
            lines.append(f"• :lock: {private_count(digest.hidden_waiting, 'conversation')}")
        blocks.append(
            section(
                f"*:hourglass: Waiting for input ({digest.waiting_total})*\n" + "\n".join(lines)
            )
        )
    if digest.trend:
        top = max(count for _, count in digest.trend)
        trend = "\n".join(f"`{label}` {_bar(count, top)} {count}" for label, count in digest.trend)
        blocks.append(context(f"*Decisions per week*\n{trend}"))
    plural = "" if digest.total == 1 else "s"
    fallback = (
        f"{title}: {digest.total} decision{plural}, {digest.waiting_total} waiting for input."
    )
    if digest.missed:  # the notification says it too
        fallback += f" {len(digest.missed)} earlier digest(s) not posted: the bot was offline."
    return render(blocks, fallback)


def _missed_text(missed: tuple[str, ...]) -> str:
    """Digests never posted because the bot was down, newest first: said, never dropped."""
    if len(missed) == 1:
        said = f"Last week's digest ({missed[0]}) was not posted"
    else:
        periods = ", ".join(reversed(missed))
        said = f"The last {len(missed)} digests ({periods}) were not posted"
    return (
        f":warning: {said}: the bot was offline when it was due. "
        "`/hire list decided` shows the decisions of those weeks."
    )


def describe_schedule(schedule: DigestSchedule) -> str:
    from bot.core.digest import WEEKDAYS

    return f"{WEEKDAYS[schedule.weekday].capitalize()}s at {schedule.hour:02d}:{schedule.minute:02d} ({schedule.timezone})"
