""" "Did it hold up?": the check-in DM, its note modal, and how the answers read on Home,
in `/hire show` and in the digest."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import (
    Message,
    actions,
    button,
    context,
    outcome_label,
    render,
    section,
)
from bot.blocks.text import slack_date, user_text
from bot.core.checkins import (
    ANSWER_EMOJI,
    ANSWER_LABELS,
    ANSWERS,
    NOTE_LIMIT,
    CheckinView,
    HeldUp,
    compare_followed,
    describe_setting,
    held_up_rate,
    question,
)
from bot.core.interactions import (
    ActionId,
    CallbackId,
    CheckinAnswerValue,
    CheckinValue,
    metadata_for,
)

NOTE_ANSWER_BLOCK = "answer"
NOTE_TEXT_BLOCK = "note"
# The check-in DM's Slack message metadata: how a retried send finds an earlier one.
CHECKIN_EVENT = "hiring_checkin"
TITLE_SHOWN = 200


def asked(view: CheckinView) -> str:
    """ "Was hiring a product engineer the right call for *Senior engineer, checkout team*?" """
    return f"{question(view.outcome)} for *{user_text(view.title, TITLE_SHOWN)}*?"


def _answered_line(view: CheckinView) -> str:
    assert view.answer is not None
    line = f"{ANSWER_EMOJI[view.answer]} You answered *{ANSWER_LABELS[view.answer]}*"
    if view.answered_at is not None:
        line += f" on {slack_date(view.answered_at)}"
    if view.note:
        line += f"\n>{user_text(view.note, NOTE_LIMIT)}"
    return line


def checkin_message(view: CheckinView) -> Message:
    """The DM: the question, the answer buttons and a note; once answered, the answer that
    stands, and the buttons again to change it."""
    followed = view.outcome == view.recommendation
    how = (
        "following my recommendation"
        if followed
        else f"my recommendation was {outcome_label(view.recommendation)}"
    )
    blocks: list[Any] = [
        section(f":crystal_ball: *Did it hold up?*\n{asked(view)}"),
        context(
            f"You decided #{view.conversation_id} on {slack_date(view.decided_at, with_time=False)}: "
            f"*{outcome_label(view.outcome)}* ({how}). Your answer is kept with the decision: "
            f"`/hire show {view.conversation_id}`."
        ),
    ]
    if view.answer is not None:
        blocks.append(section(_answered_line(view)))
    if view.closed:
        blocks.append(
            context(":leftwards_arrow_with_hook: This decision was reopened or closed since.")
        )
    else:
        # One action id per answer (ids must differ within a block).
        chosen = [
            button(
                ANSWER_LABELS[key],
                ActionId.CHECKIN_ANSWER,
                CheckinAnswerValue(view.id, view.version, key),
                suffix=key,
                style="primary" if key == view.answer else None,
            )
            for key in ANSWERS
        ]
        note = "Change the note…" if view.note else "Add a note…"
        noted = button(note, ActionId.CHECKIN_NOTE, CheckinValue(view.id, view.version))
        blocks.append(actions(*chosen, noted, block_id=f"checkin:{view.id}"))
    fallback = f"Did it hold up? {question(view.outcome)} for {user_text(view.title, 150)}?"
    return render(blocks, fallback)


def note_modal(view: CheckinView) -> dict[str, Any]:
    """The answer with a note: the answer that stands is preselected."""
    options = [Option(value=key, label=ANSWER_LABELS[key]) for key in ANSWERS]
    current = next((o for o in options if o.value == view.answer), None)
    modal = View(
        type="modal",
        callback_id=CallbackId.CHECKIN_NOTE.value,
        private_metadata=metadata_for(CallbackId.CHECKIN_NOTE, CheckinValue(view.id, view.version)),
        title=PlainTextObject(text="Did it hold up?"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            section(asked(view)),
            InputBlock(
                block_id=NOTE_ANSWER_BLOCK,
                label=PlainTextObject(text="Your answer"),
                element=StaticSelectElement(
                    action_id="value", options=options, initial_option=current
                ),
            ),
            InputBlock(
                block_id=NOTE_TEXT_BLOCK,
                optional=True,
                label=PlainTextObject(text="Note (optional)"),
                hint=PlainTextObject(text="Kept with the decision; shown in /hire show."),
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    max_length=NOTE_LIMIT,
                    initial_value=view.note or None,
                ),
            ),
        ],
    )
    return modal.to_dict()


def refused_text(why: str) -> str:
    return f":information_source: {why}"


# -- elsewhere ------------------------------------------------------------------------------


def _counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{ANSWER_LABELS[key]} *{counts[key]}*" for key in ANSWERS)


def _rate(counts: dict[str, int]) -> str:
    rate = held_up_rate(counts)
    if rate is None:
        return "none judged yet"
    return f"{rate[0]} of {rate[1]} held up"


def held_up_text(held: HeldUp, after_days: int) -> str:
    """The Home tab's "How past calls held up"."""
    lines = ["*How past calls held up*"]
    if held.total == 0:
        when = (
            f"{describe_setting(after_days)}"
            if after_days
            else "off (`/hire checkin after <days>` turns them on)"
        )
        lines.append(f"No check-ins answered yet. Deciders are asked: {when}.")
    else:
        lines.append(f"{held.total} answered · {_counts(held.by_answer)}")
        lines.append(
            f"Followed the recommendation: {_rate(held.followed)} · "
            f"Overrode it: {_rate(held.overrode)}"
        )
        verdict = compare_followed(held)
        if verdict:
            lines.append(verdict)
    if held.hidden:
        noun = "check-in" if held.hidden == 1 else "check-ins"
        where = "a private channel" if held.hidden == 1 else "private channels"
        lines.append(f":lock: {held.hidden} more {noun} in {where}, not counted here")
    return "\n".join(lines)


def checkin_detail(view: CheckinView) -> str:
    """`/hire show`'s line for the answer that stands, or that it is awaited."""
    if view.answer is None:
        return f"*Did it hold up?*\nAsked <@{view.decided_by}>; no answer yet."
    line = f"*Did it hold up?*\n{ANSWER_EMOJI[view.answer]} *{ANSWER_LABELS[view.answer]}*"
    line += f" — <@{view.decided_by}>"
    if view.answered_at is not None:
        line += f", {slack_date(view.answered_at)}"
    if view.note:
        line += f"\n>{user_text(view.note, NOTE_LIMIT)}"
    return line


def history_words(answer: str | None, note: str | None) -> str:
    """A check-in answer in a history line: "said it held up: *Partly*: “…”"."""
    label = ANSWER_LABELS.get(answer or "", answer or "?")
    said = f"answered *Did it hold up?*: *{label}*"
    if note:
        said += f" — “{user_text(note, 150)}”"
    return said
