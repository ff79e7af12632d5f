"""Waiting for a modal as the person sees it once it is filled in.

A modal whose content needs Slack's answer first (is the person a workspace admin?) opens at
once, "checking", and is rewritten a moment later (bot.slack.modals): a test waits for the
rewrite before it reads or submits the modal."""

from __future__ import annotations

from typing import Any

from bot.blocks.common import checking_modal
from bot.emulator import EmulatorState, wait_for


def is_checking(view: dict[str, Any]) -> bool:
    return view["blocks"] == checking_modal("Checking")["blocks"]


def settled_modal(state: EmulatorState, user: str, message: str = "a modal") -> dict[str, Any]:
    """The modal on top of `user`'s stack, once it shows what it was opened for."""

    def filled() -> dict[str, Any] | None:
        stack = state.modals.get(user) or []
        return stack[-1] if stack and not is_checking(stack[-1]) else None

    return wait_for(filled, message=message)
