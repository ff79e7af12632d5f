"""Work after the ack runs on a pool of its own, so a slow Slack never delays an ack.

Bolt runs listeners on a small executor and waits there for ack(). If the Web API calls
that follow an ack kept those threads busy, the next request's ack would queue behind
them (and past Slack's 3 seconds when Slack is slow). So listeners ack, hand their work
to `services.background`, and return at once.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError

from bot.services import Services

log = logging.getLogger(__name__)

SORRY_DATABASE = (
    ":hourglass: The decision log is unavailable for a moment, so nothing was changed. "
    "Please try again in a minute."
)
SORRY_UNEXPECTED = (
    ":warning: Something went wrong on our side and nothing was changed. "
    "Please try again; if it keeps happening, tell whoever runs the hiring bot."
)


def report_error(
    error: Exception, body: dict[str, Any], respond: Any = None, client: Any = None
) -> None:
    """Last line of defence: log it, tell the person who asked briefly, never a traceback.

    Commands and clicks on messages answer through their response_url; a typed reply in a
    thread gets an ephemeral there; a modal submission or a click on Home (no channel to
    answer in) gets a direct message."""
    log.error("error while handling a Slack request", exc_info=error)
    message = SORRY_DATABASE if isinstance(error, OperationalError) else SORRY_UNEXPECTED
    try:
        if respond is not None and body.get("response_url"):
            respond(text=message, response_type="ephemeral", replace_original=False)
            return
        author = _author(body)
        if client is None or author is None:
            return
        user, channel, thread_ts = author
        if channel is None:
            client.chat_postMessage(channel=user, text=message)
        else:
            client.chat_postEphemeral(channel=channel, user=user, text=message, thread_ts=thread_ts)
    except Exception:  # the user can't be told; the log has it
        log.warning("could not tell the user about the error", exc_info=True)


def _author(body: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
    """(user, channel or None for a DM, thread) of whoever sent `body`, if Slack says."""
    event = body.get("event")
    if isinstance(event, dict):
        # Only a reply in one of the bot's threads: people talking elsewhere while the
        # database is down must not each get an apology for something they never asked.
        bots = {a.get("user_id") for a in body.get("authorizations") or [] if isinstance(a, dict)}
        user, channel, thread = event.get("user"), event.get("channel"), event.get("thread_ts")
        # A reply also sent to the channel (thread_broadcast) names the thread's root instead.
        root = event.get("root") if isinstance(event.get("root"), dict) else {}
        if (event.get("parent_user_id") or root.get("user")) not in bots - {None}:
            return None
        if isinstance(user, str) and isinstance(channel, str) and isinstance(thread, str):
            return user, channel, thread
        return None
    user = (body.get("user") or {}).get("id") if isinstance(body.get("user"), dict) else None
    return (user, None, None) if isinstance(user, str) else None


def run_in_background(
    services: Services,
    work: Callable[[], None],
    *,
    body: dict[str, Any],
    respond: Any = None,
    client: Any = None,
) -> None:
    def guarded() -> None:
        try:
            work()
        except Exception as error:
            report_error(error, body, respond, client)

    services.background.submit_to(lane_of(body), guarded)


def lane_of(body: dict[str, Any]) -> tuple[str, str]:
    """The workspace and channel a request's work belongs to (the person, for a modal or
    Home, which have no channel): work queues behind its own channel's, no one else's."""
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    team = body.get("team") if isinstance(body.get("team"), dict) else {}
    channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    team_id = body.get("team_id") or team.get("id") or ""
    where = (
        body.get("channel_id")  # a command
        or channel.get("id")  # a click on a message
        or event.get("channel")  # an event in a channel
        or event.get("user")  # Home
        or user.get("id")  # a modal, a click on Home
        or ""
    )
    return str(team_id), str(where)


def _already_acked(*args: Any, **kwargs: Any) -> None:
    """What `ack` is once the wrapper has acknowledged: a second ack would be an error."""


def after_ack(listener: Callable[..., None]) -> Callable[..., None]:
    """Ack straight away (events are acked by Bolt), then run `listener` in the background.

    The listener must take `services`. Bolt passes a listener the arguments its signature
    names (reading it through `inspect.unwrap`); the wrapper shows Bolt a signature of its
    own, the listener's plus `body`, `respond` and `client`, so a failure can always be told
    to whoever asked, and it passes the listener only what the listener asked for.
    """
    wanted = inspect.signature(listener).parameters
    extra = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
        for name in ("body", "respond", "client")
        if name not in wanted
    ]

    @functools.wraps(listener)
    def acknowledged(**kwargs: Any) -> None:
        ack = kwargs.get("ack")
        if ack is not None:
            ack()
            kwargs["ack"] = _already_acked
        own = {name: value for name, value in kwargs.items() if name in wanted}
        run_in_background(
            kwargs["services"],
            lambda: listener(**own),
            body=kwargs.get("body") or {},
            respond=kwargs.get("respond"),
            client=kwargs.get("client"),
        )

    del acknowledged.__wrapped__  # type: ignore[attr-defined]  # Bolt must read this signature
    acknowledged.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*wanted.values(), *extra]
    )
    return acknowledged
