"""The emulated workspace on disk, so a restarted sandbox shows exactly what was there.

The sandbox's database keeps the conversations; without this, a restart emptied every
channel and thread, and the bot's links pointed at messages that no longer existed. One
JSON file beside the database holds what Slack itself would keep: channels and their
members, messages and threads, DMs, uploaded files with their bytes, Home tabs, open modals,
the sandbox clock (moved forward, it stays moved, as the database's dates assume) and the
counters behind timestamps and ids (so new ones never repeat old ones).

What only lives for seconds in Slack (trigger ids, response URLs, uploads not yet completed,
the record of Web API calls, injected faults) is not kept. The people and channels a team
starts with come from the code, so a changed default (a user's time zone) applies to an old
file too; channels and their members come from the file.

Tests keep a purely in-memory emulator: nothing here runs unless the sandbox asks for it.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from datetime import timedelta
from pathlib import Path

from bot.emulator.state import EmulatorState

log = logging.getLogger("bot.emulator.persistence")

FORMAT = 1
# A click makes a burst of changes (the reply, the updated root, the next question): one
# write for the burst, still well under a second after the last change.
DEBOUNCE_SECONDS = 0.2


def workspace_path(database: Path) -> Path:
    """`sandbox.db` → `sandbox.workspace.json`, beside it."""
    return database.with_suffix(".workspace.json")


def dump_workspace(state: EmulatorState) -> str:
    """The workspace as JSON text, taken under the state's lock so it is one moment's view."""
    with state.lock:
        data = {
            "format": FORMAT,
            "seq": state.seq,
            "clock_offset_seconds": state.clock.offset.total_seconds(),
            "last_ts_us": state.last_ts_us,
            "next_id_number": state.next_id_number,
            "channels": [
                {**channel, "members": sorted(channel["members"])}
                for channel in state.channels.values()
            ],
            "messages": state.messages,
            "home_views": state.home_views,
            "modals": state.modals,
            "view_errors": state.view_errors,
            "files": [
                {
                    **{k: v for k, v in record.items() if k != "content"},
                    "content_base64": base64.b64encode(record["content"]).decode("ascii"),
                }
                for record in state.files
            ],
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def load_workspace(state: EmulatorState, text: str) -> None:
    """Put a dumped workspace back. Raises ValueError (and changes nothing) if it is not one."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a workspace file of format {FORMAT}")
        channels = {
            channel["id"]: {**channel, "members": set(channel["members"])}
            for channel in data["channels"]
            if channel.get("team") in state.teams
        }
        messages = list(data["messages"])
        home_views = dict(data["home_views"])
        modals = {user: list(stack) for user, stack in data["modals"].items()}
        view_errors = dict(data["view_errors"])
        files = []
        for saved in data["files"]:
            record = {k: v for k, v in saved.items() if k != "content_base64"}
            record["content"] = base64.b64decode(saved["content_base64"], validate=True)
            files.append(record)
        offset = timedelta(seconds=float(data["clock_offset_seconds"]))
        counters = int(data["seq"]), int(data["last_ts_us"]), int(data["next_id_number"])
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ValueError(f"unreadable workspace: {error}") from error
    with state.lock:
        state.channels.update(channels)
        state.messages = messages
        state.home_views = home_views
        state.modals = modals
        state.view_errors = view_errors
        state.files = files
        seq, last_ts_us, next_id_number = counters
        state.seq = max(state.seq, seq)
        state.last_ts_us = max(state.last_ts_us, last_ts_us)
        state.next_id_number = max(state.next_id_number, next_id_number)
        if offset > state.clock.offset:  # the clock only moves forward
            state.clock.advance(offset - state.clock.offset)
        state.touch()


class WorkspaceStore:
    """Keeps `state` in `path`: `restore()` once at start, `start()` to save every change
    (debounced, on a thread of its own), `close()` for the last write."""

    def __init__(
        self, state: EmulatorState, path: Path, debounce: float = DEBOUNCE_SECONDS
    ) -> None:
        self.state = state
        self.path = path
        self.debounce = debounce
        self._dirty = threading.Event()
        self._stopping = threading.Event()
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def restore(self) -> str | None:
        """Load the file if there is one. An unreadable file is set aside (never deleted:
        it may be the only copy of someone's work) and the workspace starts empty; the
        returned line says so."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            return self._set_aside(str(error))
        try:
            load_workspace(self.state, text)
        except ValueError as error:
            return self._set_aside(str(error))
        return None

    def _set_aside(self, reason: str) -> str:
        kept = self.path.with_name(self.path.name + ".unreadable")
        os.replace(self.path, kept)
        return f"{self.path} could not be read ({reason}); kept as {kept}, starting empty"

    def start(self) -> None:
        self.state.on_change = self._dirty.set
        self._thread = threading.Thread(target=self._run, name="workspace-store", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            self._dirty.wait()
            if self._stopping.is_set():
                return
            self._stopping.wait(self.debounce)  # let the burst finish (returns early on close)
            self._dirty.clear()
            self.save()

    def save(self) -> None:
        """Write the workspace now: a temporary file, flushed, then renamed over the old
        one, so a crash mid-write leaves the previous workspace whole."""
        text = dump_workspace(self.state)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with self._write_lock:
            try:
                with temporary.open("w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self.path)
            except OSError as error:
                # The sandbox keeps working in memory; the next change tries again.
                log.warning("could not save the sandbox workspace to %s: %s", self.path, error)

    def close(self) -> None:
        self.state.on_change = None
        self._stopping.set()
        self._dirty.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.save()


def remove_workspace(path: Path) -> None:
    """`--fresh`: the workspace file and any half-written one."""
    for leftover in (path, path.with_name(path.name + ".tmp")):
        leftover.unlink(missing_ok=True)
