"""The Slack CLI's hooks, so a developer with the Slack CLI can `slack run` this app.

`.slack/hooks.json` names one hook, `get-hooks`, which answers with the others (the CLI's
hook specification: https://docs.slack.dev/tools/slack-cli/reference/hooks):

- `get-manifest`: the app's manifest (`manifest.yml`, the one source) as JSON, set for a
  local run: Socket Mode on, so no public URL is needed;
- `start`: `hiring-bot socket`, which manages its own Socket Mode connection
  (`sdk-managed-connection-enabled`); the CLI hands it the development app's tokens as
  SLACK_BOT_TOKEN and SLACK_APP_TOKEN;
- `doctor`: the versions `slack doctor` shows.

Hooks answer on standard output. With the `message-boundaries` protocol (offered in
`get-hooks`, then passed by the CLI as `--protocol message-boundaries --boundary B`), the
answer is wrapped in B so the CLI can tell it from anything else printed.

`python -m bot.slack_cli manifest-json` writes the manifest as JSON (`manifest.json`, kept
beside `manifest.yml` for people and tools that read JSON; a test keeps the two equal).
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from bot.manifest import load_manifest

BOUNDARIES = "message-boundaries"
DEFAULT_PROTOCOL = "default"


def hooks(python: str) -> dict[str, Any]:
    """The CLI-SDK interface `get-hooks` answers with; `python` runs the hooks."""
    run = f"'{python}' -m"  # quoted: a path with a space must stay one word
    return {
        "runtime": "python",
        "hooks": {
            "get-manifest": f"{run} bot.slack_cli get-manifest",
            "start": f"{run} bot.cli socket",
            "doctor": f"{run} bot.slack_cli doctor",
        },
        "config": {
            "protocol-version": [BOUNDARIES, DEFAULT_PROTOCOL],
            "sdk-managed-connection-enabled": True,
            "watch": {
                "manifest": {"paths": ["manifest.yml"]},
                "app": {"paths": ["bot/"], "filter-regex": "\\.py$"},
            },
        },
    }


def local_run_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest for `slack run`: Socket Mode on, and none of the public URLs an HTTP
    deployment needs (Slack sends everything over the socket then)."""
    local = copy.deepcopy(manifest)
    features = local.get("features") or {}
    for command in features.get("slash_commands") or []:
        command.pop("url", None)
    settings = local.setdefault("settings", {})
    for section in ("event_subscriptions", "interactivity"):
        if isinstance(settings.get(section), dict):
            settings[section].pop("request_url", None)
    settings["socket_mode_enabled"] = True
    oauth = local.get("oauth_config") or {}
    oauth.pop("redirect_urls", None)
    return local


def doctor() -> dict[str, Any]:
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "versions": [
            {"name": "python", "current": platform.python_version()},
            {"name": "hiring-bot", "current": installed("hiring-bot")},
            {"name": "slack_bolt", "current": installed("slack-bolt")},
            {"name": "slack_sdk", "current": installed("slack-sdk")},
        ]
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.slack_cli")
    parser.add_argument(
        "hook", choices=["get-hooks", "get-manifest", "doctor", "manifest-json"], metavar="HOOK"
    )
    parser.add_argument("--protocol", default=DEFAULT_PROTOCOL)
    parser.add_argument("--boundary", default="")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # The CLI may pass flags a later protocol adds: ignore what we do not know.
    args, _unknown = _parser().parse_known_args(argv)
    if args.hook == "manifest-json":
        print(json.dumps(load_manifest(), indent=2, ensure_ascii=False))
        return 0
    if args.hook == "get-hooks":
        answer: dict[str, Any] = hooks(sys.executable)
    elif args.hook == "get-manifest":
        answer = local_run_manifest(load_manifest())
    else:
        answer = doctor()
    text = json.dumps(answer, ensure_ascii=False)
    if args.protocol == BOUNDARIES and args.boundary:
        text = f"{args.boundary}{text}{args.boundary}"
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
