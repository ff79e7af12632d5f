"""The App Home tab: your open conversations, recent decisions, this quarter, digest settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ConversationFilter,
    ConversationSelectElement,
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

from bot.blocks.checkin import held_up_text
from bot.blocks.common import (
    OUTCOME_EMOJI,
    actions,
    button,
    context,
    divider,
    header,
    outcome_label,
    section,
    status_label,
)
from bot.blocks.digest import describe_schedule
from bot.blocks.log import hidden_line, unchecked_line
from bot.blocks.text import BLOCKS_PER_VIEW, slack_date, user_text
from bot.core.checkins import describe_setting
from bot.core.digest import WEEKDAYS
from bot.core.digest_settings import MAX_MANAGERS
from bot.core.interactions import (
    ActionId,
    CallbackId,
    ConversationValue,
    SettingsFormValue,
    metadata_for,
)
from bot.core.log_views import HomeView, LogRow, SettingsView
from bot.core.visibility import private_count

DIGEST_SETTINGS_TITLE = "Weekly digest"
DIGEST_MANAGERS_BLOCK = "managers"
CANCEL_REASON_BLOCK = "reason"
MAX_ROWS = 15
OTHERS_ROWS = 10


def _text(row: LogRow) -> str:
    state = status_label(row.state, row.final_outcome)
    started = slack_date(row.created_at, with_time=False)
    return f"*#{row.id} · {user_text(row.title, 100)}*\n{state} · <@{row.started_by}> · {started}"


def _row(row: LogRow) -> Any:
    accessory = _open_thread(row.link) if row.link else None
    return section(_text(row), accessory=accessory)


def _open_row(row: LogRow) -> list[Any]:
    """An open conversation the viewer may close (its starter, or an admin): its thread (or,
    orphaned, a restart in a new thread where it was) and Cancel, which asks for an optional
    reason first."""
    value = ConversationValue(row.id)
    controls = []
    if row.state == "orphaned":
        controls.append(
            button("Restart in a new thread", ActionId.HOME_RESTART, value, style="primary")
        )
    elif row.link:
        controls.append(_open_thread(row.link))
    controls.append(button("Cancel…", ActionId.HOME_CANCEL, value, style="danger"))
    return [section(_text(row)), actions(*controls, block_id=f"home_open:{row.id}")]


def _open_thread(link: str) -> Any:
    """A link: Slack opens the thread; the click only needs an ack."""
    return button("Open thread", ActionId.HOME_OPEN_THREAD, None, url=link)


def home_view(user: str, home: HomeView, notice: str | None = None) -> dict[str, Any]:
    """The Home tab; `notice` answers what the viewer just did here (a cancel, a restart)."""
    blocks: list[Any] = [
        header("Hiring decisions"),
        section(f"Hi <@{user}>! Start a decision in any channel with `/hire <position>`."),
    ]
    if notice:
        blocks.append(section(notice))
    # Every open row here is one the viewer may close: theirs, or (an admin) anyone's.
    blocks += [divider(), section("*Your open conversations*")]
    mine = [block for r in home.mine[:MAX_ROWS] for block in _open_row(r)]
    blocks += mine
    if home.hidden_mine:
        blocks.append(context(hidden_line(home.hidden_mine)))
    elif not mine:
        blocks.append(context("No open conversations."))
    if home.others_open:
        blocks += [divider(), section("*Everyone else's open conversations* (you're an admin)")]
        blocks += [block for r in home.others_open[:OTHERS_ROWS] for block in _open_row(r)]
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
    blocks += [divider(), section(held_up_text(home.held_up, home.checkin_after_days))]
    settings = home.settings
    where = f"<#{settings.channel_id}>" if settings.channel_id else "no channel yet"
    state = describe_schedule(settings.schedule) if settings.enabled else "off"
    blocks += [
        divider(),
        section(
            f"*Weekly digest* · {where} · {state}",
            accessory=button("Change", ActionId.HOME_DIGEST_SETTINGS, SettingsFormValue()),
        ),
        context(
            f":crystal_ball: *Did it hold up?* check-ins: {describe_setting(home.checkin_after_days)}"
            " · `/hire checkin after <days>` or `/hire checkin off` (admins and digest managers)"
        ),
    ]
    assert len(blocks) <= BLOCKS_PER_VIEW
    return View(type="home", blocks=blocks).to_dict()


def digest_settings_modal(
    settings: SettingsView, managers: Sequence[str] | None = None
) -> dict[str, Any]:
    """The settings form. `managers` (the digest managers) only for an admin, who alone may
    change them; anyone else who may change the settings gets the form without that field.

    The channel is picked from Slack's own conversations menu, which lists every public and
    private channel the person can see (no list of ours to fetch, page or cap:
    https://docs.slack.dev/reference/block-kit/composition-objects/conversation-filter-object)."""
    weekday_options = [
        Option(value=str(i), label=name.capitalize()) for i, name in enumerate(WEEKDAYS)
    ]
    on_off = [Option(value="on", label="On"), Option(value="off", label="Off")]
    schedule = settings.schedule
    view = View(
        type="modal",
        callback_id=CallbackId.DIGEST_SETTINGS.value,
        private_metadata=metadata_for(CallbackId.DIGEST_SETTINGS, SettingsFormValue()),
        title=PlainTextObject(text=DIGEST_SETTINGS_TITLE),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id="channel",
                label=PlainTextObject(text="Channel"),
                hint=PlainTextObject(
                    text="For a private channel, invite me first: /invite @hiring-bot"
                ),
                element=ConversationSelectElement(
                    action_id="value",
                    initial_conversation=settings.channel_id,
                    filter=ConversationFilter(
                        include=["public", "private"], exclude_bot_users=True
                    ),
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
        title=PlainTextObject(text=DIGEST_SETTINGS_TITLE),
        close=PlainTextObject(text="OK"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=refusal)),
            SectionBlock(text=MarkdownTextObject(text=settings)),
        ],
    )
    return view.to_dict()


def cancel_modal(conversation_id: int, title: str) -> dict[str, Any]:
    """Cancel from the Home tab: what is being closed, and an optional one-line reason."""
    view = View(
        type="modal",
        callback_id=CallbackId.HOME_CANCEL.value,
        private_metadata=metadata_for(CallbackId.HOME_CANCEL, ConversationValue(conversation_id)),
        title=PlainTextObject(text="Cancel the conversation"),
        submit=PlainTextObject(text="Cancel it"),
        close=PlainTextObject(text="Keep it"),
        blocks=[
            section(
                f"Cancel *#{conversation_id} · {user_text(title, 200)}*? Its answers so far stay "
                "in the log, marked cancelled."
            ),
            InputBlock(
                block_id=CANCEL_REASON_BLOCK,
                optional=True,
                label=PlainTextObject(text="Why (optional)"),
                hint=PlainTextObject(text="Kept in its history."),
                element=PlainTextInputElement(
                    action_id="value",
                    max_length=200,
                    placeholder=PlainTextObject(text="e.g. role filled internally"),
                ),
            ),
        ],
    )
    return view.to_dict()
