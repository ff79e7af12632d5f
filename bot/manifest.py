"""The app's Slack manifest (`manifest.yml` at the top of the checkout): what Slack knows of
the app's settings — its commands, scopes, events, App Home tabs and token rotation.

One file is the source. A checkout (and the Dockerfile's install, which runs from its copy
of the checkout) reads it where it is; a wheel carries a copy inside the package, put there
by setup.py at build time, so `hiring-bot sandbox` models the same app from any install.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MANIFEST_NAME = "manifest.yml"
_PACKAGE = Path(__file__).resolve().parent


def manifest_path() -> Path:
    """Where this install's manifest is: the wheel's copy, else the checkout's file."""
    for candidate in (_PACKAGE / MANIFEST_NAME, _PACKAGE.parent / MANIFEST_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"no {MANIFEST_NAME} beside or inside the package {_PACKAGE} (a broken install)"
    )


@cache
def load_manifest() -> dict[str, Any]:
    """The manifest as Slack reads it (a fresh copy is the caller's to keep unchanged)."""
    loaded = yaml.safe_load(manifest_path().read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{manifest_path()} is not a Slack app manifest")
    return loaded
