"""Request bodies as Slack sends them to an app: slash commands, interactivity, events.

Each carries the team of the person acting (their user record's `team`)."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from bot.emulator.state import APP_ID, DEFAULT_TEAM, Team

VERIFICATION_TOKEN = "emulator-verification-token"  # noqa: S105 - legacy field, unused


def _team_id(user: dict[str, Any]) -> str:
    return str(user.get("team", DEFAULT_TEAM.id))


def _team(user: dict[str, Any]) -> dict[str, str]:
    return {"id": _team_id(user), "domain": user.get("team_domain", DEFAULT_TEAM.domain)}


def _user(user: dict[str, Any]) -> dict[str, str]:
    return {
        "id": user["id"],
        "username": user["name"],
        "name": user["name"],
        "team_id": _team_id(user),
    }


def _channel_name(channel: dict[str, Any]) -> str:
    """What Slack puts in a slash command's `channel_name`: a DM is "directmessage" and a
    private channel "privategroup", never their names."""
    if channel["is_im"]:
        return "directmessage"
    if channel["is_private"]:
        return "privategroup"
    return str(channel["name"])


def slash_command(
    user: dict[str, Any],
    channel: dict[str, Any],
    command: str,
    text: str,
    response_url: str,
    trigger_id: str,
) -> str:
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": _team_id(user),
            "team_domain": _team(user)["domain"],
            "channel_id": channel["id"],
            "channel_name": _channel_name(channel),
            "user_id": user["id"],
            "user_name": user["name"],
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def block_actions(
    user: dict[str, Any],
    channel: dict[str, Any],
    message: dict[str, Any],
    action: dict[str, Any],
    response_url: str,
    trigger_id: str,
) -> str:
    ephemeral = bool(message.get("ephemeral_for"))
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": _team(user),
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel["id"],
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": channel["id"], "name": channel["name"]},
        "actions": [action],
        "is_enterprise_install": False,
        "enterprise": None,
        "state": {"values": {}},
    }
    if not ephemeral:  # Slack sends no message for ephemeral ones
        payload["message"] = {k: v for k, v in message.items() if k not in {"channel"}}
    return urlencode({"payload": json.dumps(payload)})


def view_block_actions(
    user: dict[str, Any], view: dict[str, Any], action: dict[str, Any], trigger_id: str
) -> str:
    """A click inside a view (the Home tab or a modal): no channel, no response_url."""
    payload = {
        "type": "block_actions",
        "team": _team(user),
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "container": {"type": "view", "view_id": view["id"]},
        "view": view,
        "actions": [action],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission(user: dict[str, Any], view: dict[str, Any]) -> str:
    payload = {
        "type": "view_submission",
        "team": _team(user),
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": f"{int(time.time())}.view",
        "view": view,
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)})


def view_closed(user: dict[str, Any], view: dict[str, Any]) -> str:
    payload = {
        "type": "view_closed",
        "team": _team(user),
        "user": _user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": view,
        "is_cleared": False,
    }
    return urlencode({"payload": json.dumps(payload)})


def event_callback(event: dict[str, Any], event_id: str, team: Team = DEFAULT_TEAM) -> str:
    return json.dumps(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team.id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "is_ext_shared_channel": False,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team.id,
                    "user_id": team.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
        }
    )


def url_verification(challenge: str) -> str:
    return json.dumps(
        {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    )


def app_uninstalled(team: Team, event_id: str) -> str:
    """Someone removed the app from the workspace (Slack has revoked its tokens)."""
    return event_callback({"type": "app_uninstalled"}, event_id, team)


def tokens_revoked(team: Team, event_id: str) -> str:
    """The workspace's bot token was revoked (the app itself stays)."""
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [team.bot_user_id]}}
    return event_callback(event, event_id, team)
