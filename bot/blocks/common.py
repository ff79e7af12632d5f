"""Small Block Kit pieces every surface uses, built with slack_sdk's models.

slack_sdk's models validate Slack's limits when they are turned into dicts, so a
message that would be rejected by Slack fails in our tests instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.text import (
    BLOCKS_PER_MESSAGE,
    BUTTON_TEXT_LIMIT,
    HEADER_LIMIT,
    SECTION_TEXT_LIMIT,
    truncate,
)
from bot.core.interactions import ActionId, Value, value_for
from bot.core.recommendation import BOTH, TOO_CLOSE, lead_words_for

OUTCOME_LABELS: Mapping[str, str] = {
    "product_engineer": "Product engineer",
    "software_engineer": "Software engineer",
    "growth_engineer": "Growth engineer",
    "both": "Both: a product engineer and a software engineer",
    "not_hiring": "Not hiring now",
}
# A recommendation may also be "too close to call". It is never a decision, so it stays out
# of OUTCOME_LABELS, which are the choices of the decision modal.
VERDICT_LABELS: Mapping[str, str] = {**OUTCOME_LABELS, TOO_CLOSE: "Too close to call"}
OUTCOME_EMOJI: Mapping[str, str] = {
    "product_engineer": ":rocket:",
    "software_engineer": ":gear:",
    "growth_engineer": ":chart_with_upwards_trend:",
    "both": ":handshake:",
    "not_hiring": ":double_vertical_bar:",
    TOO_CLOSE: ":scales:",
}

# Where a conversation is, in the same words on every surface that shows it: the root
# message, `/hire list` and `show`, the Home tab, the digest, help. "Open" (the list filter,
# the Home tab's list, the digest's section) means in progress or waiting for the decision.
STATUS_LABELS: Mapping[str, str] = {
    "in_progress": "In progress",
    "awaiting_decision": "Waiting for the decision",
    "decided": "Decided",
    "cancelled": "Cancelled",
    "orphaned": "Thread deleted",
}
STATUS_EMOJI: Mapping[str, str] = {
    "in_progress": ":hourglass_flowing_sand:",
    "awaiting_decision": ":ballot_box_with_ballot:",
    "decided": ":white_check_mark:",
    "cancelled": ":x:",
    "orphaned": ":warning:",
}
OPEN_MEANS = "in progress or waiting for the decision"


def status_label(state: str, outcome: str | None = None, *, plain: bool = False) -> str:
    """ ":hourglass_flowing_sand: In progress", ":white_check_mark: Decided: *Product
    engineer*"; `plain` without emoji or bold, for notification text."""
    label = STATUS_LABELS.get(state, state.replace("_", " ").capitalize())
    if state == "decided" and outcome:
        label += f": {outcome_label(outcome)}" if plain else f": *{outcome_label(outcome)}*"
    if plain or state not in STATUS_EMOJI:
        return label
    return f"{STATUS_EMOJI[state]} {label}"


def outcome_label(outcome: str | None) -> str:
    if outcome is None:
        return "—"
    return VERDICT_LABELS.get(outcome, outcome.replace("_", " ").capitalize())


def recommendation_label(
    outcome: str | None, confidence: float | None, hire_first: str | None = None
) -> str:
    """A stored recommendation with how sure it was, in the one wording (never a percentage):
    "Software engineer — slight lead". "Both" says which to hire first when that is known
    (its wording is about the order, so it reads with the order only)."""
    label = outcome_label(outcome)
    if outcome == BOTH:
        return f"{label} — {outcome_label(hire_first).lower()} first" if hire_first else label
    if confidence is None or outcome in {None, TOO_CLOSE}:
        return label
    return f"{label} — {lead_words_for(confidence)}"


def openings_label(openings: int) -> str:
    """How many people the team can hire for a position, as `/hire show` says it."""
    return "One" if openings <= 1 else "More than one"


@dataclass
class Message:
    """A message ready for chat.postMessage / chat.update / respond: text fallback + blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    # Slack message metadata ({"event_type", "event_payload"}): what the message is, for
    # the bot to recognise it later (e.g. a digest a retry must not post twice).
    metadata: dict[str, Any] | None = None

    def as_kwargs(self) -> dict[str, Any]:
        if self.metadata is None:
            return {"text": self.text, "blocks": self.blocks}
        return {"text": self.text, "blocks": self.blocks, "metadata": self.metadata}


def render(blocks: Sequence[Block], text: str) -> Message:
    """Validate and serialise; keep the fallback text within Slack's limits too."""
    if len(blocks) > BLOCKS_PER_MESSAGE:
        raise ValueError(f"{len(blocks)} blocks is more than Slack allows in a message")
    return Message(text=truncate(text, 3000), blocks=[block.to_dict() for block in blocks])


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=truncate(text, HEADER_LIMIT), emoji=True))


def section(text: str, accessory: Any = None) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT)), accessory=accessory
    )


def fields_section(fields: Sequence[str]) -> SectionBlock:
    return SectionBlock(fields=[MarkdownTextObject(text=truncate(f, 2000)) for f in fields[:10]])


def context(*parts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(p, 3000)) for p in parts[:10]])


# Slack's limit on a modal's title.
MODAL_TITLE_LIMIT = 24


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """A short answer in a modal, when a button could not do what it said."""
    view = View(
        type="modal",
        title=PlainTextObject(text=title[:MODAL_TITLE_LIMIT]),
        close=PlainTextObject(text="OK"),
        blocks=[section(text)],
    )
    return view.to_dict()


def checking_modal(title: str) -> dict[str, Any]:
    """What a modal shows for the moment between its opening (at once, while Slack's
    trigger_id is good) and its content, once the bot has asked Slack who the person is."""
    view = View(
        type="modal",
        title=PlainTextObject(text=title[:MODAL_TITLE_LIMIT]),
        close=PlainTextObject(text="Cancel"),
        blocks=[section(":hourglass_flowing_sand: Just a moment…")],
    )
    return view.to_dict()


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    label: str,
    action: ActionId,
    value: Value | None,
    *,
    suffix: str | None = None,
    style: str | None = None,
    url: str | None = None,
) -> ButtonElement:
    """A button of `action` carrying `value` (None only on a link, which carries nothing)."""
    return ButtonElement(
        text=PlainTextObject(text=truncate(label, 75), emoji=True),
        action_id=action.drawn(suffix),
        value=None if value is None else value_for(action, value),
        style=style,
        url=url,
    )


def actions(*elements: Any, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements), block_id=block_id)


# -- the same pieces as plain dicts, for the messages of every answer click ------------------
# The next question and the answered one go out on every click. Built through the models
# above they were a tenth of a click's CPU (each to_dict() validates every object again).
# These build the same JSON directly, with the same limits applied by truncation;
# tests/blocks parses their output with the models to check it is valid Block Kit.


def plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": True}


def plain_section(text: str) -> dict[str, Any]:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_LIMIT)},
    }


def plain_context(*parts: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": truncate(p, 3000)} for p in parts[:10]],
    }


def plain_button(
    label: str,
    action: ActionId,
    value: Value,
    *,
    suffix: str | None = None,
    style: str | None = None,
    confirm: dict[str, Any] | None = None,
) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": plain_text(label, BUTTON_TEXT_LIMIT),
        "action_id": action.drawn(suffix),
        "value": value_for(action, value),
    }
    if style is not None:
        button["style"] = style
    if confirm is not None:
        button["confirm"] = confirm
    return button


def plain_confirm(title: str, text: str, confirm: str, deny: str) -> dict[str, Any]:
    """A confirmation dialog (Slack's limits: title 100, text 300, buttons 30 characters)."""
    return {
        "title": plain_text(title, 100),
        "text": {"type": "mrkdwn", "text": truncate(text, 300)},
        "confirm": plain_text(confirm, 30),
        "deny": plain_text(deny, 30),
    }


def plain_actions(*elements: dict[str, Any], block_id: str) -> dict[str, Any]:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def render_plain(blocks: list[dict[str, Any]], text: str) -> Message:
    """`render` for blocks built as plain dicts."""
    if len(blocks) > BLOCKS_PER_MESSAGE:
        raise ValueError(f"{len(blocks)} blocks is more than Slack allows in a message")
    return Message(text=truncate(text, 3000), blocks=blocks)
