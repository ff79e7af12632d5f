"""`/role`: role definitions and comparisons (placeholder until the content lands)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App


def register(app: App) -> None:
    app.command("/role")(handle_role)


def handle_role(ack: Ack, command: dict[str, Any]) -> None:
    ack(text="Roles: product engineer, software engineer, growth engineer.")
