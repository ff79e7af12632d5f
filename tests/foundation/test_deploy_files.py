"""The deployment files people paste or run: the Slack manifest and docker-compose.yml."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.config import DEFAULT_BOT_SCOPES

REPO = Path(__file__).resolve().parents[2]


def test_manifest_declares_both_commands_events_and_home() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/role", "/hire"}
    assert all(c["url"].endswith("/slack/events") and c["usage_hint"] for c in commands.values())
    settings = manifest["settings"]
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert {"app_home_opened", "message.channels", "app_uninstalled", "tokens_revoked"} <= set(
        settings["event_subscriptions"]["bot_events"]
    )
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read", "files:write", "channels:join"} <= scopes
    # Who is in a private channel, a DM or a group DM (conversations.info and .members).
    assert {"channels:read", "groups:read", "im:read", "mpim:read"} <= scopes
    # "Ask the team": typed answers in an invitee's DM.
    assert "im:history" in scopes and "message.im" in settings["event_subscriptions"]["bot_events"]
    # OAuth installs ask for what the manifest declares.
    assert scopes == set(DEFAULT_BOT_SCOPES)


def test_compose_runs_migrate_then_serve_against_a_healthy_postgres() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["db"]["healthcheck"]["test"] and services["db"]["volumes"]
    assert services["migrate"]["command"] == ["hiring-bot", "migrate"]
    assert services["bot"]["command"] == ["hiring-bot", "serve"]
    assert services["bot"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["bot"]["env_file"] == ".env"


def test_compose_file_validates(tmp_path: Path) -> None:
    if shutil.which("docker-compose"):
        command = ["docker-compose"]
    elif (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["docker", "compose"]
    else:
        pytest.skip("neither docker compose nor docker-compose is installed")
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text())
    shutil.copy(REPO / "docker-compose.yml", tmp_path / "docker-compose.yml")
    result = subprocess.run(
        [*command, "config", "-q"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
