"""The Slack CLI's project files: `.slack/hooks.json` leads to every hook the CLI calls for
`slack run`, `get-manifest` answers with a manifest Slack's own schema accepts (Socket Mode
on, the rest as manifest.yml says), `manifest.json` is manifest.yml, and the `start` hook
runs the real bot over Socket Mode with the tokens the CLI hands it.

The hooks are run as the CLI runs them: each command through the shell, in the project
directory, with the protocol flags the CLI adds once `get-hooks` offered the protocol.
"""

from __future__ import annotations

import json
import secrets
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from bot.emulator import EmulatorServer, wait_for
from tests.e2e.harness import SocketBotProcess

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "tests" / "data" / "slack_manifest_schema"
SCHEMA_URL = "https://raw.githubusercontent.com/slackapi/manifest-schema/{tag}/schemas/{name}"


def run_hook(command: str, *extra: str) -> str:
    """A hook's command run as the CLI does: by the shell, in the project directory."""
    result = subprocess.run(
        " ".join([command, *map(shlex.quote, extra)]),
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def get_hooks() -> dict[str, Any]:
    declared = json.loads((REPO / ".slack" / "hooks.json").read_text())
    interface: dict[str, Any] = json.loads(run_hook(declared["hooks"]["get-hooks"]))
    return interface


def manifest_validator() -> Draft7Validator:
    """Slack's top-level manifest schema, its versioned schemas resolved to our copies."""
    top = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    tags = {ref.split("/")[-3] for ref in _refs(top) if ref.startswith("https://")}
    resources = []
    for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json"):
        schema = Resource.from_contents(
            json.loads((SCHEMAS / name).read_text()),
            default_specification=DRAFT7,
        )
        resources += [(SCHEMA_URL.format(tag=tag, name=name), schema) for tag in tags]
    return Draft7Validator(top, registry=Registry().with_resources(resources))


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def problems(manifest: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in manifest_validator().iter_errors(manifest)
    ]


def test_get_hooks_names_the_hooks_slack_run_needs() -> None:
    interface = get_hooks()
    assert interface["runtime"] == "python"
    assert {"get-manifest", "start", "doctor"} <= set(interface["hooks"])
    config = interface["config"]
    # The bot opens its own Socket Mode connection (`hiring-bot socket`).
    assert config["sdk-managed-connection-enabled"] is True
    assert config["protocol-version"][0] == "message-boundaries"
    assert interface["hooks"]["start"].endswith(" -m bot.cli socket")


def test_get_manifest_is_accepted_by_slacks_schema_and_runs_in_socket_mode() -> None:
    command = get_hooks()["hooks"]["get-manifest"]
    boundary = secrets.token_hex(8)
    out = run_hook(command, "--protocol", "message-boundaries", "--boundary", boundary)
    answer = out.split(boundary)
    assert len(answer) == 3, out  # the manifest, and only it, between the boundaries
    manifest = json.loads(answer[1])
    assert problems(manifest) == []
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in json.dumps(manifest["features"]["slash_commands"])
    # Everything else is manifest.yml's: commands, scopes, events, the App Home tabs.
    source = yaml.safe_load((REPO / "manifest.yml").read_text())
    assert manifest["oauth_config"]["scopes"] == source["oauth_config"]["scopes"]
    assert manifest["features"]["app_home"] == source["features"]["app_home"]
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [
        c["command"] for c in source["features"]["slash_commands"]
    ]
    assert (
        manifest["settings"]["event_subscriptions"]["bot_events"]
        == source["settings"]["event_subscriptions"]["bot_events"]
    )


def test_the_manifest_people_paste_is_accepted_by_slacks_schema() -> None:
    assert problems(yaml.safe_load((REPO / "manifest.yml").read_text())) == []


def test_the_schema_check_can_fail() -> None:
    """A check that cannot fail proves nothing: a misspelt setting is caught."""
    broken = yaml.safe_load((REPO / "manifest.yml").read_text())
    broken["settings"]["socket_mode"] = True
    assert problems(broken) != []


def test_manifest_json_is_manifest_yml() -> None:
    """One source: manifest.json is written from manifest.yml, never edited by hand."""
    written = json.loads((REPO / "manifest.json").read_text())
    assert written == yaml.safe_load((REPO / "manifest.yml").read_text()), (
        "manifest.json is out of date: .venv/bin/python -m bot.slack_cli manifest-json "
        "> manifest.json"
    )


def test_doctor_reports_the_versions() -> None:
    command = get_hooks()["hooks"]["doctor"]
    versions = {v["name"]: v["current"] for v in json.loads(run_hook(command))["versions"]}
    assert {"python", "slack_bolt", "slack_sdk", "hiring-bot"} <= set(versions)


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


def test_the_start_hook_runs_the_bot_over_socket_mode_with_the_clis_tokens(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """`slack run`: the CLI starts the `start` hook with the development app's tokens in
    SLACK_BOT_TOKEN and SLACK_APP_TOKEN; the bot connects and answers a command."""
    *program, subcommand = shlex.split(get_hooks()["hooks"]["start"])
    bot = SocketBotProcess(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        api_url=emulator.api_url,
        workdir=tmp_path,
        socket_mode=emulator.socket_mode,
        command=program,
        subcommand=subcommand,
    )
    bot.start()
    try:
        slack = emulator.attach_socket_mode()
        assert slack.command("U0MANAGER", "C0HIRING", "/role").status == 200
        reply = wait_for(
            lambda: emulator.state.ephemeral_for("U0MANAGER", "C0HIRING"), message="/role"
        )
        assert "Product engineer" in json.dumps(reply[0])
    finally:
        bot.stop()
    assert "Traceback" not in bot.logs()
