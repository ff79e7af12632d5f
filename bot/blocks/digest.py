"""Block Kit for the weekly digest: readable in a busy channel, within limits at any size."""

from __future__ import annotations

from collections.abc import Sequence
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
    status_label,
)
from bot.blocks.text import slack_date, user_text
from bot.core.checkins import ANSWER_EMOJI, ANSWER_LABELS, describe_setting
from bot.core.digest import Digest, describe_wait
from bot.core.digest import Schedule as DigestSchedule
from bot.core.digest_settings import SettingsChange, SettingsRefused
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
            voices = f", decided with {d.voices} voices" if d.voices else ""
            lines.append(
                f"• #{d.id} {name} → *{outcome_label(d.outcome)}* (<@{d.decided_by}>{voices})"
            )
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
            status = status_label(w.state, plain=True).lower()
            if w.state == "in_progress":
                status += f", at {w.step}"
            lines.append(
                f"• #{w.id} {name} — {status}, for {describe_wait(w.waiting_since, now)}"
                f" (<@{w.started_by}>)"
            )
        hidden = len(digest.waiting) - MAX_WAITING_SHOWN
        if hidden > 0:
            lines.append(f"_…and {hidden} more — `/hire list open`._")
        if digest.hidden_waiting:
            lines.append(f"• :lock: {private_count(digest.hidden_waiting, 'conversation')}")
        blocks.append(
            section(
                f"*:hourglass: Open conversations ({digest.waiting_total})*\n" + "\n".join(lines)
            )
        )
    if digest.checkins or digest.hidden_checkins:
        blocks.append(section(checkins_text(digest)))
    if digest.trend:
        top = max(count for _, count in digest.trend)
        trend = "\n".join(f"`{label}` {_bar(count, top)} {count}" for label, count in digest.trend)
        blocks.append(context(f"*Decisions per week*\n{trend}"))
    plural = "" if digest.total == 1 else "s"
    fallback = f"{title}: {digest.total} decision{plural}, {digest.waiting_total} open."
    if digest.missed:  # the notification says it too
        fallback += f" {len(digest.missed)} earlier digest(s) not posted: the bot was offline."
    return render(blocks, fallback)


def checkins_text(digest: Digest) -> str:
    """ "Did it hold up?": the check-ins answered in the period, by title where its readers
    may see them, counted otherwise."""
    total = len(digest.checkins) + digest.hidden_checkins
    lines = [
        f"*:crystal_ball: Did it hold up? {total} check-in{'s' if total != 1 else ''} answered*"
    ]
    for c in digest.checkins[:MAX_DECISIONS_SHOWN]:
        name = user_text(c.title, LINE_TITLE)
        name = f"<{c.link}|{name}>" if c.link else name
        lines.append(f"• #{c.id} {name} — {ANSWER_EMOJI[c.answer]} *{ANSWER_LABELS[c.answer]}*")
    more = len(digest.checkins) - MAX_DECISIONS_SHOWN
    if more > 0:
        lines.append(f"_…and {more} more — `/hire show <id>` has each answer._")
    if digest.hidden_checkins:
        lines.append(f"• :lock: {private_count(digest.hidden_checkins, 'check-in')}")
    return "\n".join(lines)


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


# -- the settings: who changed what ---------------------------------------------------------

QUIET_WEEKS = "quiet weeks (no decisions, nothing waiting)"


def quiet_words(post_when_quiet: bool) -> str:
    """What `quiet on|off` means, in words: on posts a digest in a quiet week, off skips it."""
    return f"posts even in {QUIET_WEEKS}" if post_when_quiet else f"skips {QUIET_WEEKS}"


def _channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "no channel"


def _listed(items: Sequence[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def people(user_ids: Sequence[str]) -> str:
    """`<@A>`, `<@A> and <@B>`, `<@A>, <@B> and <@C>`; "nobody" for none."""
    return _listed([f"<@{user}>" for user in user_ids]) if user_ids else "nobody"


def _phrases(change: SettingsChange) -> list[str]:
    """Each touched setting as a phrase whose subject is the digest."""
    before, after = change.before, change.after
    said = []
    if "channel_id" in after:
        if before.get("channel_id") and after["channel_id"]:
            said.append(
                f"channel changed from {_channel(before['channel_id'])} "
                f"to {_channel(after['channel_id'])}"
            )
        else:
            said.append(f"channel set to {_channel(after['channel_id'])}")
    was, now = change.schedule("before"), change.schedule("after")
    if was is not None and now is not None:
        said.append(f"moved from {describe_schedule(was)} to {describe_schedule(now)}")
    if "enabled" in after:
        said.append("turned on" if after["enabled"] else "turned off")
    if "post_when_quiet" in after:
        said.append(
            f"set to {'post even in' if after['post_when_quiet'] else 'skip'} {QUIET_WEEKS}"
        )
    if "checkin_after_days" in after:
        said.append(f"check-ins set to {describe_setting(after['checkin_after_days'])}")
    if "managers" in after:
        said.append(
            f"managers changed from {people(before.get('managers') or ())} "
            f"to {people(after.get('managers') or ())}"
        )
    return said


def change_sentence(change: SettingsChange, when: str | None = None) -> str:
    """ "Digest moved from Mondays at 09:00 (UTC) to Fridays at 16:00 (Europe/Berlin) by
    @Ada", and " on <date>" when `when` is given; several settings in one sentence."""
    phrases = _phrases(change)
    on = f" on {when}" if when else ""
    if len(phrases) == 1:
        return f"Digest {phrases[0]} by <@{change.actor}>{on}."
    return f"Digest settings changed by <@{change.actor}>{on}: {'; '.join(phrases)}."


def settings_announcement(change: SettingsChange) -> Message:
    """What the digest channel is told of a change (the old and the new one, on a move)."""
    sentence = change_sentence(change)
    return render(
        [
            section(f":gear: {sentence}"),
            context("`/hire digest` shows the digest's settings."),
        ],
        sentence,
    )


def settings_history(changes: Sequence[SettingsChange]) -> Message:
    """`/hire digest history`: the latest changes, newest first, each a sentence dated in
    the reader's own time zone."""
    blocks: list[Any] = [header("Digest settings: latest changes")]
    if not changes:
        blocks.append(section("Nothing has been changed yet: the digest runs on its defaults."))
    else:
        lines = [f"• {change_sentence(c, slack_date(c.at))}" for c in changes]
        blocks.append(section("\n".join(lines)))
    return render(blocks, f"Digest settings: {len(changes)} latest changes")


def settings_refusal(refused: SettingsRefused, names: Sequence[str], what: str) -> str:
    """Who may do what was refused: "Only workspace admins and Ada, Theo can change the
    digest." `names` are the managers' names, in the refusal's order."""
    if refused.admins_only:
        return ":lock: Only workspace admins can name digest managers."
    others = f" and {', '.join(names)}" if names else ""
    return f":lock: Only workspace admins{others} can {what}."


def managers_text(managers: Sequence[str]) -> str:
    if not managers:
        return (
            "There are no digest managers: only workspace admins and owners change the digest. "
            "An admin names some with `/hire digest managers @name …`."
        )
    return (
        f"Digest managers: {people(managers)}. They and the workspace admins and owners "
        "change the digest; `/hire digest managers none` leaves it to the admins."
    )


def settings_reply(
    change: SettingsChange,
    announced: Sequence[str],
    failed: Sequence[tuple[str, str]],
    settings: str | None,
) -> str:
    """What the person who changed the settings is told: what changed, in which channel
    the digest will be posted, where the change was announced (or why it couldn't be), and
    the settings now (`settings`, when the change itself doesn't say it)."""
    phrases = _phrases(change)
    new_channel = change.after.get("channel_id")
    if len(phrases) == 1 and new_channel:  # only the channel changed
        was = change.before.get("channel_id")
        said = f"The digest will be posted in <#{new_channel}>" + (
            f" instead of <#{was}>." if was else "."
        )
    else:
        said = (
            f"Digest {phrases[0]}."
            if len(phrases) == 1
            else f"Digest settings changed: {'; '.join(phrases)}."
        )
        if new_channel:
            said += f" It will be posted in <#{new_channel}>."
    lines = [f":white_check_mark: {said}"]
    if change.after.get("enabled") is False:
        lines.append("Nothing is posted until someone runs `/hire digest on`.")
    if announced:
        lines.append(f"I announced the change in {_listed([f'<#{c}>' for c in announced])}.")
    lines += [f":warning: I can't post in <#{channel}>: {problem}." for channel, problem in failed]
    if not announced and not failed:
        lines.append("There is no digest channel yet, so nobody else was told.")
    if settings:
        lines.append(settings)
    return "\n".join(lines)
