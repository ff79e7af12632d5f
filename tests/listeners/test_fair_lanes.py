"""A rate-limited channel waits alone: its after-ack work holds one thread, not all of them."""

from __future__ import annotations

from bot.emulator import EmulatorServer, SlackDriver, wait_for
from bot.runtime import Runtime
from tests.listeners.conftest import drain
from tests.listeners.test_private_channels import roots as root_messages


def roots(slack: SlackDriver, channel: str) -> list[str]:
    return [m["ts"] for m in root_messages(slack, channel)]


def test_a_rate_limited_channel_does_not_hold_up_another_channels_hire(
    slack: SlackDriver, emulator: EmulatorServer, app: Runtime
) -> None:
    # #hiring is rate limited for a few seconds: every post there is refused with
    # Retry-After; the last second of it is slept out in the thread that made the call, the
    # rest are owed and tried again in the channel's lane when the wait is over.
    emulator.state.inject_fault(
        "chat.postMessage", "rate_limited_for", seconds=3, match={"channel": "C0HIRING"}
    )
    workers = app.services.background.workers
    for i in range(workers + 2):  # more than there are threads
        assert (
            slack.command("U0MANAGER", "C0HIRING", "/hire", f"Backend engineer {i}").status == 200
        )
    assert slack.command("U0MANAGER", "C0GENERAL", "/hire", "Growth engineer").status == 200
    general = wait_for(lambda: roots(slack, "C0GENERAL"), message="the other channel's /hire")
    # It reached its channel before any of the rate-limited channel's did.
    assert roots(slack, "C0HIRING") == []
    assert float(general[0]) < min(
        float(ts)
        for ts in wait_for(
            lambda: len(roots(slack, "C0HIRING")) == workers + 2 and roots(slack, "C0HIRING"),
            timeout=60,
            message="the rate-limited channel's conversations, after the limit",
        )
    )
    drain(app)
