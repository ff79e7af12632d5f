"""Slack's interactivity payloads, typed: a click (block_actions) becomes one `Click`, a modal
submission's private_metadata its callback's kind, each through the one strict parser of
`bot.core.interactions`. Listeners get the click typed (`typed_click`) and hand it over.

A click whose value this bot did not draw, or drew for something gone, is refused to the
clicker alone, through the click's response_url (`tell_clicker`): Slack binds that URL to the
message actually clicked, whatever channel a payload names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.common import Message
from bot.core.actor import Team
from bot.core.interactions import METADATA_OF, VALUE_OF, ActionId, CallbackId, Stale, Value, parse
from bot.slack.deliver import Delivery

V = TypeVar("V", bound=Value)


@dataclass(frozen=True)
class Click:
    """One click on a button or menu the bot drew: which, what its value says, who clicked,
    in which workspace, and where."""

    action: ActionId | None  # None for an action id the bot never drew
    value: Value | Stale
    user: str
    team: Team
    channel: str  # "" for a click in a view (the Home tab, a modal)
    message_ts: str | None
    is_ephemeral: bool
    trigger_id: str | None
    can_respond: bool  # the payload has a response_url (clicks on messages do)

    def value_as(self, kind: type[V]) -> V | None:
        """The value, if it is a well-formed `kind`; None for a stale or forged one."""
        return self.value if isinstance(self.value, kind) else None

    @property
    def rewritable_ts(self) -> str | None:
        """The ts of the message clicked, when the bot can rewrite it: an ephemeral message
        can't be (the question it repeats is, instead)."""
        return None if self.is_ephemeral else self.message_ts


def read_click(body: dict[str, Any], context: dict[str, Any]) -> Click:
    """The click in a block_actions payload; the workspace comes from Bolt's (authorized)
    context. Never raises: anything malformed makes the value `Stale`."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else {}
    action = action if isinstance(action, dict) else {}
    action_id = ActionId.read(action.get("action_id"))
    # A menu's value is its chosen option's; a button's is its own.
    selected = action.get("selected_option")
    raw = selected.get("value") if isinstance(selected, dict) else action.get("value")
    value = Stale("not an action of ours") if action_id is None else parse(raw, VALUE_OF[action_id])
    container = _mapping(body.get("container"))
    message = _mapping(body.get("message"))
    channel = _mapping(body.get("channel")).get("id") or container.get("channel_id") or ""
    message_ts = message.get("ts") or container.get("message_ts")
    trigger_id = body.get("trigger_id")
    return Click(
        action=action_id,
        value=value,
        user=str(_mapping(body.get("user")).get("id") or ""),
        team=team_of(context),
        channel=str(channel),
        message_ts=str(message_ts) if message_ts else None,
        is_ephemeral=container.get("is_ephemeral") is True,
        trigger_id=str(trigger_id) if trigger_id else None,
        can_respond=bool(body.get("response_url")),
    )


def typed_click(body: dict[str, Any], context: BoltContext, next: Callable[[], Any]) -> Any:
    """Bolt middleware: a click reaches its listener read once, as the `click` argument."""
    if body.get("type") == "block_actions":
        context["click"] = read_click(body, context)
    return next()


def read_metadata(view: dict[str, Any]) -> Value | Stale:
    """A submitted modal's private_metadata, as its callback's kind."""
    try:
        callback = CallbackId(view.get("callback_id"))
    except ValueError:
        return Stale("not a modal of ours")
    return parse(view.get("private_metadata"), METADATA_OF[callback])


class Submitted:
    """What a submitted modal's inputs hold, by block id and element id (Slack's
    `view.state.values`); anything missing or malformed reads as empty."""

    def __init__(self, view: dict[str, Any]) -> None:
        self.values = _mapping(_mapping(view.get("state")).get("values"))

    def has(self, block: str) -> bool:
        return block in self.values

    def entry(self, block: str, element: str = "value") -> dict[str, Any]:
        return _mapping(_mapping(self.values.get(block)).get(element))

    def typed(self, block: str) -> str:
        """What was typed in a text input."""
        return str(self.entry(block).get("value") or "")

    def chosen(self, block: str) -> str | None:
        """The value of the option picked in a menu or radio buttons."""
        value = _mapping(self.entry(block).get("selected_option")).get("value")
        return value if isinstance(value, str) else None


def team_of(context: dict[str, Any]) -> Team:
    """The workspace of a request, as Bolt authorized it."""
    return Team(str(context.get("team_id") or ""), context.get("enterprise_id"))


def tell_clicker(click: Click, text: str, respond: Respond, client: WebClient) -> None:
    """Tell the clicker alone, where they clicked (why a click did nothing, say): an
    ephemeral message through the click's response_url, which Slack ties to the message
    clicked, never a channel the payload names; a click in a view has none, so a direct
    message from the bot."""
    if click.can_respond:
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        Delivery(client).tell_directly(click.user, text)


def respond_privately(respond: Respond, said: str | Message | None) -> None:
    """Answer the person who asked, where they asked, for their eyes only: words, or a
    message with blocks; nothing for None (nothing to say)."""
    if isinstance(said, str):
        respond(response_type="ephemeral", text=said)
    elif said is not None:
        respond(response_type="ephemeral", **said.as_kwargs())


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
