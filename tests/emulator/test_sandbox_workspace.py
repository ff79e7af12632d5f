"""The emulator as the sandbox runs it: a workspace that survives restarts, files that can
be downloaded, links into the page, people in their own time zones, and Slack's answer to a
command no app declares. Tests keep the in-memory, Slack-addressed emulator by default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from slack_sdk import WebClient

from bot.emulator import EmulatorServer, EmulatorState, wait_for
from bot.emulator.persistence import WorkspaceStore, remove_workspace, workspace_path

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-emulator-test"  # any xoxb- token is the default team's


@pytest.fixture
def sandbox_state() -> EmulatorState:
    return EmulatorState(links_to_emulator=True)


@pytest.fixture
def server(sandbox_state: EmulatorState) -> Iterator[EmulatorServer]:
    with EmulatorServer(state=sandbox_state) as running:
        yield running


def client(server: EmulatorServer) -> WebClient:
    return WebClient(token=TOKEN, base_url=server.api_url)


def test_workspace_file_sits_beside_the_database() -> None:
    assert workspace_path(Path("/x/sandbox.db")) == Path("/x/sandbox.workspace.json")
    assert workspace_path(Path("/x/mine")) == Path("/x/mine.workspace.json")


def test_a_restart_brings_back_channels_threads_dms_files_views_and_clock(
    server: EmulatorServer, tmp_path: Path
) -> None:
    path = tmp_path / "sandbox.workspace.json"
    store = WorkspaceStore(server.state, path)
    store.start()
    slack = client(server)
    root = slack.chat_postMessage(channel="C0HIRING", text="Root")["ts"]
    slack.chat_postMessage(channel="C0HIRING", text="Reply", thread_ts=root)
    slack.conversations_join(channel="C0RANDOM")
    dm = slack.conversations_open(users="U0MANAGER")["channel"]["id"]
    slack.files_upload_v2(channel=dm, filename="log.csv", content="a,b\n1,2\n", title="Log")
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    slack.views_publish(user_id="U0MANAGER", view=home)
    server.state.advance_clock(3 * 86400)
    # Saved on its own, shortly after the changes, with no stop needed.
    wait_for(lambda: path.exists() and "Log" in path.read_text(), message="the saved workspace")
    store.close()

    again = EmulatorState()
    assert WorkspaceStore(again, path).restore() is None
    thread = again.thread("C0HIRING", root)
    assert [m["text"] for m in thread] == ["Root", "Reply"]
    assert thread[0]["reply_count"] == 1
    assert "U0BOT" in again.channels["C0RANDOM"]["members"]
    assert again.channels[dm]["is_im"] and again.channels[dm]["user"] == "U0MANAGER"
    shared = again.messages_in(dm)[-1]["files"][0]
    assert again.file(shared["id"])["content"] == b"a,b\n1,2\n"  # type: ignore[index]
    assert again.home_views["U0MANAGER"]["blocks"] == home["blocks"]
    assert again.clock.offset.total_seconds() == pytest.approx(3 * 86400)
    # New timestamps and ids carry on after the old ones instead of repeating them.
    assert float(again.next_ts()) > float(thread[-1]["ts"])
    assert again.new_id("F") > shared["id"]


def test_an_unreadable_workspace_is_set_aside_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.workspace.json"
    path.write_text("{ half a file")
    state = EmulatorState()
    problem = WorkspaceStore(state, path).restore()
    assert problem is not None and "kept as" in problem
    assert not path.exists()
    assert (tmp_path / "sandbox.workspace.json.unreadable").read_text() == "{ half a file"
    assert state.messages == []


def test_fresh_removes_the_workspace_and_a_half_written_one(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.workspace.json"
    path.write_text("{}")
    (tmp_path / "sandbox.workspace.json.tmp").write_text("{")
    remove_workspace(path)
    assert list(tmp_path.iterdir()) == []


def test_tests_keep_an_in_memory_emulator_with_slack_addresses() -> None:
    state = EmulatorState()
    assert state.on_change is None  # nothing is written anywhere
    with EmulatorServer(state=state) as server:
        slack = client(server)
        assert slack.auth_test()["url"] == "https://acme.slack.com/"
        ts = slack.chat_postMessage(channel="C0HIRING", text="Hi")["ts"]
        link = slack.chat_getPermalink(channel="C0HIRING", message_ts=ts)["permalink"]
        assert link.startswith("https://acme.slack.com/archives/C0HIRING/p")


def test_sandbox_links_open_in_the_page(server: EmulatorServer) -> None:
    slack = client(server)
    base = slack.auth_test()["url"]
    assert base == f"{server.url}/"
    root = slack.chat_postMessage(channel="C0HIRING", text="Root")["ts"]
    reply = slack.chat_postMessage(channel="C0HIRING", text="Reply", thread_ts=root)["ts"]
    link = slack.chat_getPermalink(channel="C0HIRING", message_ts=root)["permalink"]
    assert link == f"{base}archives/C0HIRING/p{root.replace('.', '')}"
    in_thread = slack.chat_getPermalink(channel="C0HIRING", message_ts=reply)["permalink"]
    assert in_thread.endswith(f"?thread_ts={root}&cid=C0HIRING")


def test_a_shared_file_downloads_with_its_bytes(server: EmulatorServer) -> None:
    slack = client(server)
    dm = slack.conversations_open(users="U0MANAGER")["channel"]["id"]
    content = "decision_id,title\n1,Ünïcode engineer\n"
    slack.files_upload_v2(channel=dm, filename="hiring decisions.csv", content=content)
    shared = server.state.messages_in(dm)[-1]["files"][0]
    assert shared["mimetype"] == "text/csv"
    assert shared["size"] == len(content.encode())
    assert shared["name"] == "hiring decisions.csv"
    answer = httpx.get(shared["url_private_download"])
    assert answer.status_code == 200
    assert answer.content == content.encode()
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''hiring%20decisions.csv" in answer.headers["content-disposition"]
    wrong_team = shared["url_private_download"].replace("T0HIRING-", "T0SECOND-")
    assert httpx.get(wrong_team).status_code == 404


def test_people_have_their_own_time_zones(server: EmulatorServer) -> None:
    slack = client(server)
    now = server.state.clock.now()
    for user, zone in (
        ("U0MANAGER", "Europe/London"),
        ("U0TEAMMATE", "America/New_York"),
        ("U0ADMIN", "Asia/Tokyo"),
    ):
        found = slack.users_info(user=user)["user"]
        assert found["tz"] == zone
        offset = now.astimezone(ZoneInfo(zone)).utcoffset()
        assert offset is not None and found["tz_offset"] == offset.total_seconds()


def test_a_command_no_app_declares_gets_slacks_answer(server: EmulatorServer) -> None:
    # No app is attached: an unknown command must be answered without reaching one.
    driver = server.attach("http://127.0.0.1:9", "unused-secret")
    result = driver.command("U0MANAGER", "C0HIRING", "/roles")
    assert result.status == 200
    notice = result.created
    assert notice is not None and notice["user"] == "USLACKBOT"
    assert notice["ephemeral_for"] == "U0MANAGER"
    assert notice["text"].startswith(
        '/roles is not a valid command. In Slack, all messages that start with the "/" '
        "character are interpreted as commands."
    )


def test_the_emulator_declares_the_manifests_commands() -> None:
    manifest = yaml.safe_load((REPO_ROOT / "manifest.yml").read_text())
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    # The sandbox's emulator and every test's are the app manifest.yml configures.
    assert EmulatorState().app.commands == declared == {"/role", "/hire"}


# Shortcode-looking strings in bot/ that are not emoji: SQLite's in-memory database name
# and a /role button value ("compare:pe:swe").
NOT_EMOJI = {"memory", "pe"}


def test_every_emoji_the_bot_writes_is_in_the_pages_table() -> None:
    table = (REPO_ROOT / "bot/sandbox/static/emoji.js").read_text()
    known = set(re.findall(r'"?([a-z0-9_+-]+)"?: "', table))
    used = set()
    for path in (REPO_ROOT / "bot").rglob("*"):
        if path.suffix in {".py", ".yaml"} and "emulator" not in path.parts:
            used.update(re.findall(r":([a-z][a-z0-9_]*):", path.read_text()))
    missing = used - NOT_EMOJI - known
    assert not missing, f"add these to bot/sandbox/static/emoji.js: {sorted(missing)}"
