"""The decision log from Slack: list, show, export — scoped to the workspace."""

from __future__ import annotations

import csv
import io

from bot.emulator import EmulatorServer, SlackDriver, wait_for
from bot.emulator.state import SECOND_TEAM
from tests.e2e.test_hire import STARTUP_ANSWERS, answer_all, buttons, everything, start
from tests.modals import settled_modal

CHANNEL = "C0HIRING"


def decide(slack: SlackDriver, title: str) -> None:
    thread = start(slack, title)
    answer_all(thread, STARTUP_ANSWERS)
    thread.click("U0MANAGER", "Accept: Product engineer", thread.replies()[6])
    wait_for(lambda: "Decided" in everything(thread.root), message="decided")


def last_reply(slack: SlackDriver, text: str, user: str = "U0MANAGER") -> dict:
    before = len(slack.state.ephemeral_for(user))
    slack.command(user, CHANNEL, "/hire", text)
    return wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=text)[-1]


def test_list_show_and_filters(slack: SlackDriver, emulator: EmulatorServer) -> None:
    decide(slack, "Senior engineer, checkout")
    start(slack, '=HYPERLINK("http://evil") staff role')
    asked = {m: len(emulator.state.calls_to(m)) for m in ("auth.test", "chat.getPermalink")}
    listing = everything(last_reply(slack, "list"))
    assert "Senior engineer, checkout" in listing and "staff role" in listing
    assert "archives/C0HIRING" in listing  # each row links to its thread
    # The links are built from the workspace's address: one auth.test, not a call per row.
    assert len(emulator.state.calls_to("auth.test")) - asked["auth.test"] <= 1
    assert len(emulator.state.calls_to("chat.getPermalink")) == asked["chat.getPermalink"]
    decided = everything(last_reply(slack, "list decided"))
    assert "Senior engineer, checkout" in decided and "staff role" not in decided
    assert "staff role" in everything(last_reply(slack, "list open"))
    detail = everything(last_reply(slack, "show 1"))
    for expected in (
        "Product engineer",
        "Startup / early-stage",
        "History",
        "recorded the decision: *Product",
    ):
        assert expected in detail
    assert "no hiring decision #99999" in everything(last_reply(slack, "show 99999"))
    assert "not a decision number" in everything(last_reply(slack, "show abc"))
    assert "not a filter I know" in everything(last_reply(slack, "list someday"))


def test_pagination_with_more(slack: SlackDriver) -> None:
    for index in range(12):
        start(slack, f"Role {index:02d}")
    first = last_reply(slack, "list")
    assert "Role 11" in everything(first) and "Role 01" not in everything(first)
    slack.click("U0MANAGER", first["ts"], buttons(first)["More"], channel=CHANNEL)
    wait_for(
        lambda: (
            "Role 01"
            in everything(
                slack.state.find_message(CHANNEL, first["ts"]) or {"text": "", "blocks": []}
            )
        ),
        message="the next page",
    )


def test_export_sends_a_csv_with_neutralised_formulas(slack: SlackDriver) -> None:
    decide(slack, "=cmd|' /C calc'!A0")
    reply = last_reply(slack, "export")
    assert "Sent 1 decision as a CSV" in reply["text"]
    upload = wait_for(lambda: slack.state.files, message="the uploaded file")[0]
    assert upload["channel"] == "D0MANAGER"
    rows = list(csv.DictReader(io.StringIO(upload["content"].decode())))
    assert rows[0]["title"].startswith("'=cmd")
    assert rows[0]["final_outcome"] == "product_engineer" and rows[0]["stage"] == "startup"


def test_home_tab_lists_conversations_and_changes_digest_settings(slack: SlackDriver) -> None:
    decide(slack, "Senior engineer, checkout")
    start(slack, "Staff engineer, payments")
    slack.open_home("U0MANAGER")
    home = wait_for(lambda: slack.state.home_views.get("U0MANAGER"), message="the Home tab")
    text = everything({"text": "", "blocks": home["blocks"]})
    assert "Staff engineer, payments" in text and "Senior engineer, checkout" in text
    assert "This quarter:* 1 decision" in text
    assert "Weekly digest" in text and "no channel yet" in text
    # The settings button opens a modal for an admin; a bad time is refused, a good one saved.
    slack.open_home("U0ADMIN")
    home = wait_for(lambda: slack.state.home_views.get("U0ADMIN"), message="Ada's Home tab")
    slack.click_view("U0ADMIN", home["id"], "home_digest_settings")
    modal = settled_modal(slack.state, "U0ADMIN", "settings modal")
    values = {
        "channel": {"value": "C0GENERAL"},
        "weekday": {"value": "4"},
        "time": {"value": "25:00"},
        "timezone": {"value": "Europe/Paris"},
        "enabled": {"value": "on"},
    }
    refused = slack.submit_view("U0ADMIN", modal["id"], values)
    assert "time" in refused.json["errors"]
    values["time"] = {"value": "16:30"}
    slack.submit_view("U0ADMIN", modal["id"], values)
    wait_for(
        lambda: (
            "Fridays at 16:30 (Europe/Paris)"
            in everything({"text": "", "blocks": slack.state.home_views["U0ADMIN"]["blocks"]})
        ),
        message="home refreshed",
    )


def test_another_workspace_sees_nothing(slack: SlackDriver) -> None:
    decide(slack, "Senior engineer, checkout")
    slack.state.add_team(SECOND_TEAM)  # its people's requests reach the same bot

    def reply(text: str) -> dict:
        before = len(slack.state.ephemeral_for("U2MANAGER"))
        slack.command("U2MANAGER", "C2HIRING", "/hire", text)
        return wait_for(lambda: slack.state.ephemeral_for("U2MANAGER")[before:], message=text)[-1]

    listing = everything(reply("list all"))
    assert "Senior engineer" not in listing and "Nothing here yet" in listing
    assert "no hiring decision #1" in everything(reply("show 1"))
    # Its export (a DM sent with its own token) is in tests/e2e/test_oauth.py.


def test_change_and_reopen_keep_the_history(slack: SlackDriver) -> None:
    decide(slack, "Senior engineer, checkout")
    root = slack.state.messages_in(CHANNEL, include_ephemeral=False)[0]
    recommendation = next(
        m for m in slack.state.thread(CHANNEL, root["ts"])[1:] if "Decided: " in everything(m)
    )
    # A teammate may not change it: the modal opens (views.open comes first, within the
    # trigger's 3 seconds) and then says who may.
    slack.click("U0TEAMMATE", recommendation["ts"], "hire_change", channel=CHANNEL)
    refusal = settled_modal(slack.state, "U0TEAMMATE", "refusal")
    assert "submit" not in refusal
    assert "Only <@U0MANAGER>, who started this conversation" in everything(
        {"text": "", "blocks": refusal["blocks"]}
    )
    slack.click("U0MANAGER", recommendation["ts"], "hire_change", channel=CHANNEL)
    modal = wait_for(lambda: slack.state.modals.get("U0MANAGER"), message="change modal")[0]
    slack.submit_view(
        "U0MANAGER",
        modal["id"],
        {"outcome": {"value": "both"}, "reason": {"value": "Payments needs depth too"}},
    )
    wait_for(
        lambda: (
            "Both"
            in everything(
                slack.state.find_message(CHANNEL, root["ts"]) or {"text": "", "blocks": []}
            )
        ),
        message="root shows the change",
    )
    slack.click("U0ADMIN", recommendation["ts"], "hire_reopen", channel=CHANNEL)
    modal = settled_modal(slack.state, "U0ADMIN", "reopen modal")
    slack.submit_view("U0ADMIN", modal["id"], {"reason": {"value": "Budget changed"}})
    wait_for(
        lambda: (
            "Waiting for the decision"
            in everything(
                slack.state.find_message(CHANNEL, root["ts"]) or {"text": "", "blocks": []}
            )
        ),
        message="root shows it reopened",
    )
    detail = everything(last_reply(slack, "show 1"))
    for expected in (
        "Maya Patel recorded the decision: *Product engineer*",
        "Maya Patel changed the decision from *Product engineer* to *Both",
        "Ada Okafor reopened the decision",
        "Payments needs depth too",
        "Budget changed",
    ):
        assert expected in detail, expected
    # Decide again from the re-armed recommendation.
    updated = slack.state.find_message(CHANNEL, recommendation["ts"])
    assert updated is not None and "hire_accept" in str(updated["blocks"])


def test_export_from_the_command_line(slack: SlackDriver, bot) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    decide(slack, "@SUM(A1) data role")
    out = bot.workdir / "decisions.csv"
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "--team", "T0HIRING", "--out", str(out)],
        env=bot.env(),
        cwd=bot.workdir,
        check=True,
        capture_output=True,
        timeout=60,
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 1 and rows[0]["title"] == "'@SUM(A1) data role"
    missing = subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "--team", "T0NOPE"],
        env=bot.env(),
        cwd=bot.workdir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "no workspace T0NOPE" in missing.stderr


def test_pagination_across_fifty_decisions(slack: SlackDriver, bot) -> None:  # type: ignore[no-untyped-def]
    """Fifty decided conversations (written straight to the log), paged 10 at a time with More."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert, select

    from bot.db.models import Decision, HiringConversation, Workspace
    from bot.db.session import make_engine

    start(slack, "Warm-up role")  # creates the workspace row through Slack
    engine = make_engine(bot.database_url)
    now = datetime.now(UTC)
    try:
        with engine.begin() as connection:
            workspace_id = connection.execute(select(Workspace.id)).scalar_one()
            for index in range(50):
                at = now - timedelta(hours=index + 1)
                conversation_id = connection.execute(
                    insert(HiringConversation)
                    .values(
                        workspace_id=workspace_id,
                        title=f"Decided role {index:02d}",
                        started_by="U0MANAGER",
                        channel_id=CHANNEL,
                        root_ts=f"1700000000.{index:06d}",
                        state="decided",
                        current_step=6,
                        version=1,
                        created_at=at,
                        updated_at=at,
                        last_activity_at=at,
                    )
                    .returning(HiringConversation.id)
                ).scalar_one()
                connection.execute(
                    insert(Decision).values(
                        workspace_id=workspace_id,
                        conversation_id=conversation_id,
                        recommendation="product_engineer",
                        confidence=0.5,
                        recommendation_reasons=[],
                        answers_snapshot={},
                        final_outcome="software_engineer",
                        decided_by="U0MANAGER",
                        decided_at=at,
                    )
                )
    finally:
        engine.dispose()
    page = last_reply(slack, "list decided")
    seen = [
        f"Decided role {i:02d}" for i in range(50) if f"Decided role {i:02d}" in everything(page)
    ]
    assert seen == [f"Decided role {i:02d}" for i in range(10)]  # newest first
    ts = page["ts"]

    def current() -> dict:
        return slack.state.find_message(CHANNEL, ts) or {"text": "", "blocks": []}

    for page_number in range(1, 5):
        slack.click("U0MANAGER", ts, buttons(page)["More"], channel=CHANNEL)
        expected = f"Decided role {page_number * 10:02d}"
        wait_for(lambda e=expected: e in everything(current()), message=f"page {page_number + 1}")
        page = current()
    assert "Decided role 49" in everything(page) and "More" not in buttons(page)
