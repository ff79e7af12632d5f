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

MAX_DECISIONS_SHOWN = 15
MAX_WAITING_SHOWN = 8
LINE_TITLE = 80


def _bar(count: int, top: int) -> str:
    return "▇" * (round(8 * count / top) if top else 0) or "·"


def digest_message(digest: Digest, now: datetime, preview: bool = False) -> Message:
    start, end = digest.period_start, digest.period_end
    title = f"Hiring digest · {start:%b %d} – {end:%b %d}"
    blocks: list[Any] = [header(title)]
    if preview:
        blocks.append(
            context(":eyes: Preview — only you can see this. `/hire digest now` posts it.")
        )
    if digest.total:
        counts = " · ".join(
            f"{OUTCOME_EMOJI.get(k, '')} {outcome_label(k)}: *{v}*"
            for k, v in sorted(digest.counts.items(), key=lambda kv: -kv[1])
        )
        blocks.append(
            section(
                f"*{digest.total} decision{'s' if digest.total != 1 else ''} this week*\n{counts}"
            )
        )
        lines = []
        for d in digest.decisions[:MAX_DECISIONS_SHOWN]:
            name = user_text(d.title, LINE_TITLE)
            name = f"<{d.link}|{name}>" if d.link else name
            lines.append(f"• #{d.id} {name} → *{outcome_label(d.outcome)}* (<@{d.decided_by}>)")
        hidden = len(digest.decisions) - MAX_DECISIONS_SHOWN
        if hidden > 0:
            lines.append(f"_…and {hidden} more — see `/hire list decided` or the bot's Home tab._")
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(section(":zzz: No decisions this week."))
    if digest.waiting:
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
        blocks.append(
            section(f"*:hourglass: Waiting for input ({len(digest.waiting)})*\n" + "\n".join(lines))
        )
    if digest.trend:
        top = max(count for _, count in digest.trend)
        trend = "\n".join(f"`{label}` {_bar(count, top)} {count}" for label, count in digest.trend)
        blocks.append(context(f"*Decisions per week*\n{trend}"))
    plural = "" if digest.total == 1 else "s"
    fallback = f"{title}: {digest.total} decision{plural}, {len(digest.waiting)} waiting for input."
    return render(blocks, fallback)


def describe_schedule(schedule: DigestSchedule) -> str:
    from bot.core.digest import WEEKDAYS

    return f"{WEEKDAYS[schedule.weekday].capitalize()}s at {schedule.hour:02d}:{schedule.minute:02d} ({schedule.timezone})"
