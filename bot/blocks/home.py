"""The App Home tab: your open conversations, recent decisions, this quarter, digest settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.common import (
    OUTCOME_EMOJI,
    button,
    context,
    divider,
    encode_value,
    header,
    outcome_label,
    section,
    status_label,
)
from bot.blocks.digest import describe_schedule
from bot.blocks.log import hidden_line, unchecked_line
from bot.blocks.text import BLOCKS_PER_VIEW, user_text
from bot.core.digest import WEEKDAYS
from bot.core.digest_settings import MAX_MANAGERS
from bot.core.log_views import HomeView, LogRow, SettingsView
from bot.core.visibility import private_count

DIGEST_SETTINGS_ACTION = "home_digest_settings"
DIGEST_SETTINGS_CALLBACK = "digest_settings_submit"
DIGEST_MANAGERS_BLOCK = "managers"
MAX_ROWS = 15


def _row(row: LogRow) -> Any:
    state = status_label(row.state, row.final_outcome)
    text = f"*#{row.id} · {user_text(row.title, 100)}*\n{state} · <@{row.started_by}> · {row.created_at:%b %d}"
    accessory = button("Open thread", f"home_open_{row.id}", url=row.link) if row.link else None
    return section(text, accessory=accessory)


def home_view(user: str, home: HomeView) -> dict[str, Any]:
    blocks: list[Any] = [
        header("Hiring decisions"),
        section(f"Hi <@{user}>! Start a decision in any channel with `/hire <position>`."),
    ]
    blocks += [divider(), section("*Your open conversations*")]
    blocks += [_row(r) for r in home.mine[:MAX_ROWS]]
    if home.hidden_mine:
        blocks.append(context(hidden_line(home.hidden_mine)))
    elif not home.mine:
        blocks.append(context("No open conversations."))
    blocks += [divider(), section("*Recent decisions*")]
    blocks += [_row(r) for r in home.recent[:MAX_ROWS]]
    if home.hidden_recent:
        blocks.append(context(hidden_line(home.hidden_recent)))
    elif not home.recent:
        blocks.append(context("No decisions yet."))
    if home.unchecked:
        blocks.append(context(unchecked_line(home.unchecked)))
    total = sum(home.quarter_counts.values()) + home.hidden_quarter
    counts = " · ".join(
        [
            *(
                f"{OUTCOME_EMOJI.get(k, '')} {outcome_label(k)}: *{v}*"
                for k, v in sorted(home.quarter_counts.items(), key=lambda kv: -kv[1])
            ),
            *([f":lock: {private_count(home.hidden_quarter)}"] if home.hidden_quarter else []),
        ]
    )
    blocks += [
        divider(),
        section(
            f"*This quarter:* {total} decision{'s' if total != 1 else ''}"
            + (f"\n{counts}" if counts else "")
        ),
    ]
    settings = home.settings
    where = f"<#{settings.channel_id}>" if settings.channel_id else "no channel yet"
    state = describe_schedule(settings.schedule) if settings.enabled else "off"
    blocks += [
        divider(),
        section(
            f"*Weekly digest* · {where} · {state}",
            accessory=button("Change", DIGEST_SETTINGS_ACTION, {"v": 1}),
        ),
    ]
    assert len(blocks) <= BLOCKS_PER_VIEW
    return View(type="home", blocks=blocks).to_dict()


def digest_settings_modal(
    settings: SettingsView,
    channels: Sequence[tuple[str, str]],
    managers: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The settings form. `managers` (the digest managers) only for an admin, who alone may
    change them; anyone else who may change the settings gets the form without that field."""
    channel_options = [Option(value=cid, label=f"#{name}"[:75]) for cid, name in channels[:100]]
    current_channel = next((o for o in channel_options if o.value == settings.channel_id), None)
    weekday_options = [
        Option(value=str(i), label=name.capitalize()) for i, name in enumerate(WEEKDAYS)
    ]
    on_off = [Option(value="on", label="On"), Option(value="off", label="Off")]
    schedule = settings.schedule
    view = View(
        type="modal",
        callback_id=DIGEST_SETTINGS_CALLBACK,
        private_metadata=encode_value({"v": 1}),
        title=PlainTextObject(text="Weekly digest"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id="channel",
                label=PlainTextObject(text="Channel"),
                element=StaticSelectElement(
                    action_id="value", options=channel_options, initial_option=current_channel
                ),
            ),
            InputBlock(
                block_id="weekday",
                label=PlainTextObject(text="Day"),
                element=StaticSelectElement(
                    action_id="value",
                    options=weekday_options,
                    initial_option=weekday_options[schedule.weekday],
                ),
            ),
            InputBlock(
                block_id="time",
                label=PlainTextObject(text="Time (HH:MM)"),
                element=PlainTextInputElement(
                    action_id="value", initial_value=f"{schedule.hour:02d}:{schedule.minute:02d}"
                ),
            ),
            InputBlock(
                block_id="timezone",
                label=PlainTextObject(text="Time zone (IANA name)"),
                element=PlainTextInputElement(action_id="value", initial_value=schedule.timezone),
            ),
            InputBlock(
                block_id="enabled",
                label=PlainTextObject(text="Digest"),
                element=StaticSelectElement(
                    action_id="value",
                    options=on_off,
                    initial_option=on_off[0 if settings.enabled else 1],
                ),
            ),
        ],
    )
    if managers is not None:
        view.blocks.append(
            InputBlock(
                block_id=DIGEST_MANAGERS_BLOCK,
                label=PlainTextObject(text="Digest managers"),
                hint=PlainTextObject(
                    text="Besides workspace admins and owners, these people may change the digest."
                ),
                optional=True,
                element=UserMultiSelectElement(
                    action_id="value",
                    initial_users=list(managers) or None,
                    max_selected_items=MAX_MANAGERS,
                ),
            )
        )
    return view.to_dict()


def digest_settings_refusal(refusal: str, settings: str) -> dict[str, Any]:
    """For someone who may not change the settings: who can, and the settings as they are."""
    view = View(
        type="modal",
        title=PlainTextObject(text="Weekly digest"),
        close=PlainTextObject(text="OK"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=refusal)),
            SectionBlock(text=MarkdownTextObject(text=settings)),
        ],
    )
    return view.to_dict()
