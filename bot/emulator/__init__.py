"""A local Slack: the Web API the bot calls, and a driver that acts as Slack towards the bot."""

from bot.emulator.driver import DriverError, DriverResult, SlackDriver
from bot.emulator.server import EmulatorServer, ThreadedServer, build_emulator_app
from bot.emulator.signing import sign_request
from bot.emulator.state import EmulatorState
from bot.emulator.waiting import wait_for

__all__ = [
    "DriverError",
    "DriverResult",
    "EmulatorServer",
    "EmulatorState",
    "SlackDriver",
    "ThreadedServer",
    "build_emulator_app",
    "sign_request",
    "wait_for",
]
