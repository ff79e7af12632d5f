"""Work after the ack runs on a pool of its own, so a slow Slack never delays an ack.

Bolt runs listeners on a small executor and waits there for ack(). If the Web API calls
that follow an ack kept those threads busy, the next request's ack would queue behind
them (and past Slack's 3 seconds when Slack is slow). So listeners ack, hand their work
to `services.background`, and return at once.
"""

from __future__ import annotations

import functools
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


def report_error(error: Exception, body: dict[str, Any], respond: Any = None) -> None:
    """Last line of defence: log it, tell the user briefly, never show a traceback."""
    log.error("error while handling a Slack request", exc_info=error)
    message = SORRY_DATABASE if isinstance(error, OperationalError) else SORRY_UNEXPECTED
    if respond is not None and body.get("response_url"):
        try:
            respond(text=message, response_type="ephemeral", replace_original=False)
        except Exception:  # the user can't be told; the log has it
            log.warning("could not tell the user about the error", exc_info=True)


def run_in_background(
    services: Services, work: Callable[[], None], *, body: dict[str, Any], respond: Any = None
) -> None:
    def guarded() -> None:
        try:
            work()
        except Exception as error:
            report_error(error, body, respond)

    services.background.submit(guarded)


def _already_acked(*args: Any, **kwargs: Any) -> None:
    """What `ack` is once the wrapper has acknowledged: a second ack would be an error."""


def after_ack(listener: Callable[..., None]) -> Callable[..., None]:
    """Ack straight away (events are acked by Bolt), then run `listener` in the background.

    The listener must take `services`; Bolt reads the wrapped function's parameters
    (through functools.wraps) to decide which arguments to pass.
    """

    @functools.wraps(listener)
    def acknowledged(**kwargs: Any) -> None:
        ack = kwargs.get("ack")
        if ack is not None:
            ack()
            kwargs["ack"] = _already_acked
        run_in_background(
            kwargs["services"],
            lambda: listener(**kwargs),
            body=kwargs.get("body") or {},
            respond=kwargs.get("respond"),
        )

    return acknowledged
