"""Visibility follows Slack's: a conversation started in a private channel (or a DM) is
listed, shown, exported, counted on Home and summarised in a digest in full only for the
people in that channel, and in a digest only when it is posted to that channel; anyone
else sees a count, never its title, notes or reasons. Public channels are as before.

Maya and Ada are in the private #exec-hiring; Theo is not."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bot.db.migrate import REPO_ROOT
from bot.db.models import Decision, DigestSettings
from bot.emulator import SlackDriver, wait_for
from bot.jobs.digest import post_due_digests
from bot.runtime import Runtime
from tests.e2e.test_hire import STARTUP_ANSWERS, buttons, everything

HIRING = "C0HIRING"
EXEC = "C0EXEC"
TITLE = "VP of Engineering, stealth project"
REASON = "Board wants a platform leader"
NOTE = "salary band 250k"
SECRETS = (TITLE, REASON, NOTE, "stealth")
PUBLIC_TITLE = "Senior engineer, checkout"
MEMBER, NON_MEMBER, ADMIN = "U0MANAGER", "U0TEAMMATE", "U0ADMIN"


def roots(slack: SlackDriver, channel: str) -> list[dict[str, Any]]:
    return [
        m
        for m in slack.state.messages_in(channel, include_ephemeral=False)
        if m["text"].startswith("Hiring decision #")
    ]


def replies(slack: SlackDriver, channel: str, root_ts: str) -> list[dict[str, Any]]:
    return slack.state.thread(channel, root_ts)[1:]


def start(slack: SlackDriver, channel: str, title: str, user: str = MEMBER) -> str:
    before = len(roots(slack, channel))
    assert slack.command(user, channel, "/hire", title).status == 200
    root = wait_for(lambda: roots(slack, channel)[before:], message="root message")[0]
    wait_for(lambda: replies(slack, channel, root["ts"]), message="first question")
    return str(root["ts"])


def decide(slack: SlackDriver, channel: str, title: str, reason: str | None = None) -> str:
    """A conversation walked to a decision; with `reason`, then changed, giving it; with a
    note typed in its thread."""
    root_ts = start(slack, channel, title)
    for index, label in enumerate(STARTUP_ANSWERS):
        last = replies(slack, channel, root_ts)[-1]
        slack.click(MEMBER, last["ts"], buttons(last)[label], channel=channel)
        wait_for(
            lambda i=index: len(replies(slack, channel, root_ts)) >= i + 2, message="next step"
        )
    recommendation = replies(slack, channel, root_ts)[6]
    accept = buttons(recommendation)["Accept: Product engineer"]
    slack.click(MEMBER, recommendation["ts"], accept, channel=channel)
    root = lambda: slack.state.find_message(channel, root_ts) or {"text": "", "blocks": []}  # noqa: E731
    wait_for(lambda: "Decided" in everything(root()), message="decided")
    if reason:
        slack.click(MEMBER, recommendation["ts"], "hire_change", channel=channel)
        modal = wait_for(lambda: slack.state.modals.get(MEMBER), message="change modal")[0]
        slack.submit_view(
            MEMBER, modal["id"], {"outcome": {"value": "both"}, "reason": {"value": reason}}
        )
        wait_for(lambda: "Both" in everything(root()), message="changed")
        before = len(slack.state.ephemeral_for(MEMBER, channel))
        slack.message(MEMBER, channel, f"note: {NOTE}", thread_ts=root_ts)
        wait_for(
            lambda: any(
                "Noted" in m["text"] for m in slack.state.ephemeral_for(MEMBER, channel)[before:]
            ),
            message="note kept",
        )
    return root_ts


@pytest.fixture
def private_decision(slack: SlackDriver) -> None:
    """#1 decided in the private #exec-hiring (with a reason and a note), #2 in #hiring."""
    slack.state.add_channel(EXEC, "exec-hiring", members={MEMBER, ADMIN}, is_private=True)
    decide(slack, EXEC, TITLE, REASON)
    decide(slack, HIRING, PUBLIC_TITLE)


def hire(slack: SlackDriver, user: str, text: str, channel: str = HIRING) -> dict[str, Any]:
    before = len(slack.state.ephemeral_for(user))
    assert slack.command(user, channel, "/hire", text).status == 200
    return wait_for(lambda: slack.state.ephemeral_for(user)[before:], message=text)[-1]


def home_text(slack: SlackDriver, user: str) -> str:
    slack.state.home_views.pop(user, None)
    slack.open_home(user)
    home = wait_for(lambda: slack.state.home_views.get(user), message="the Home tab")
    return everything({"text": "", "blocks": home["blocks"]})


def hides_everything_of_it(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    assert f"archives/{EXEC}" not in text  # not even a link to its thread


# -- /hire list ------------------------------------------------------------------------------


def test_list_names_it_for_a_member_and_only_counts_it_for_anyone_else(
    slack: SlackDriver, private_decision: None
) -> None:
    member = everything(hire(slack, MEMBER, "list"))
    assert TITLE in member and PUBLIC_TITLE in member and "private channel" not in member
    seen = hire(slack, NON_MEMBER, "list")
    print("\nWhat a non-member sees in /hire list:\n" + json.dumps(seen, indent=2))
    shown = everything(seen)
    hides_everything_of_it(shown)
    assert PUBLIC_TITLE in shown  # public channels as before
    assert ":lock: 1 decision in a private channel — only its members see it." in shown
    # Filters count what they would have listed: a decided one is not open.
    assert "private channel" in everything(hire(slack, NON_MEMBER, "list decided"))
    assert "private channel" not in everything(hire(slack, NON_MEMBER, "list open"))


def test_two_are_counted_in_the_plural(slack: SlackDriver, private_decision: None) -> None:
    start(slack, EXEC, "Chief of staff")
    shown = everything(hire(slack, NON_MEMBER, "list"))
    assert "2 decisions in private channels — only their members see them." in shown
    assert "Chief of staff" not in shown


# -- /hire show ------------------------------------------------------------------------------


def test_show_is_for_members_only(slack: SlackDriver, private_decision: None) -> None:
    member = everything(hire(slack, MEMBER, "show 1"))
    assert TITLE in member and REASON in member and NOTE in member
    refused = everything(hire(slack, NON_MEMBER, "show 1"))
    hides_everything_of_it(refused)
    assert "Hiring decision #1 is in a private channel you're not in." in refused
    assert "Only people in that channel can see it." in refused
    # The public one, as before.
    assert PUBLIC_TITLE in everything(hire(slack, NON_MEMBER, "show 2"))


# -- /hire export ----------------------------------------------------------------------------


def uploaded_rows(slack: SlackDriver, user: str) -> tuple[list[dict[str, str]], str]:
    dm = "D" + user[1:]
    upload = wait_for(
        lambda: [f for f in slack.state.files if f["channel"] == dm], message="the CSV"
    )[-1]
    content = upload["content"].decode()
    return list(csv.DictReader(io.StringIO(content))), str(upload["initial_comment"])


def test_export_from_slack_leaves_it_out_for_a_non_member(
    slack: SlackDriver, private_decision: None
) -> None:
    said = hire(slack, MEMBER, "export")["text"]
    assert "Sent 2 decisions" in said and "private channel" not in said
    rows, _ = uploaded_rows(slack, MEMBER)
    assert {r["title"] for r in rows} == {TITLE, PUBLIC_TITLE}
    said = hire(slack, NON_MEMBER, "export")["text"]
    assert said == (
        ":inbox_tray: Sent 1 decision as a CSV file in a direct message from me. "
        "1 decision in a private channel is left out: only people in that channel can export it."
    )
    rows, comment = uploaded_rows(slack, NON_MEMBER)
    assert [r["title"] for r in rows] == [PUBLIC_TITLE]
    assert "1 decision in a private channel is left out" in comment
    content = next(f for f in slack.state.files if f["channel"] == "D0TEAMMATE")["content"]
    hides_everything_of_it(content.decode())


def test_the_operator_export_has_everything_and_says_so(
    app: Runtime, slack: SlackDriver, private_decision: None
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))} | {
        "DATABASE_URL": app.settings.database_url,
        "PYTHONPATH": str(REPO_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "--team", "T0HIRING"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "exporting every conversation, private channels included (operator export)" in (
        done.stderr
    )
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["title"] for r in rows} == {TITLE, PUBLIC_TITLE}
    assert next(r for r in rows if r["title"] == TITLE)["reason"] == REASON


# -- Home ------------------------------------------------------------------------------------


def test_home_counts_it_without_a_title_for_a_non_member(
    slack: SlackDriver, private_decision: None
) -> None:
    member = home_text(slack, MEMBER)
    assert TITLE in member and PUBLIC_TITLE in member and "This quarter:* 2 decisions" in member
    assert "private channel" not in member
    other = home_text(slack, NON_MEMBER)
    hides_everything_of_it(other)
    assert PUBLIC_TITLE in other
    assert ":lock: 1 decision in a private channel — only its members see it." in other
    # This quarter still counts it, under no outcome.
    assert "This quarter:* 2 decisions" in other
    assert ":lock: 1 decision in a private channel" in other.split("This quarter")[1]
    assert "Both: *1*" not in other  # its outcome (changed to Both) is not told


# -- the digest ------------------------------------------------------------------------------


def digests_in(slack: SlackDriver, channel: str) -> list[str]:
    return [
        everything(m)
        for m in slack.state.messages_in(channel, include_ephemeral=False)
        if "Hiring digest" in m["text"]
    ]


def test_a_digest_posted_elsewhere_counts_it_and_one_posted_in_the_channel_names_it(
    slack: SlackDriver, private_decision: None
) -> None:
    start(slack, EXEC, "Chief of staff")  # still waiting for answers
    assert "will be posted in <#C0GENERAL>" in hire(slack, ADMIN, "digest channel #general")["text"]
    assert "Posted this week's digest" in hire(slack, ADMIN, "digest now")["text"]
    (general,) = digests_in(slack, "C0GENERAL")
    hides_everything_of_it(general)
    assert "Chief of staff" not in general
    assert PUBLIC_TITLE in general
    assert "2 decisions so far this week" in general
    assert ":lock: 1 decision in a private channel" in general
    assert "Open conversations (1)" in general
    assert ":lock: 1 conversation in a private channel" in general
    # Posted to the private channel itself, its readers may read it.
    assert "will be posted in <#C0EXEC" in hire(slack, ADMIN, "digest channel #exec-hiring")["text"]
    hire(slack, ADMIN, "digest now")
    (own,) = digests_in(slack, EXEC)
    assert TITLE in own and PUBLIC_TITLE in own and "Chief of staff" in own
    assert "private channel" not in own


def test_a_preview_shows_a_non_member_no_more_than_the_count(
    slack: SlackDriver, private_decision: None
) -> None:
    hire(slack, ADMIN, "digest channel #exec-hiring")
    member = everything(hire(slack, MEMBER, "digest"))
    assert TITLE in member and "private channel" not in member
    other = everything(hire(slack, NON_MEMBER, "digest"))
    hides_everything_of_it(other)
    assert ":lock: 1 decision in a private channel" in other and PUBLIC_TITLE in other


# -- DMs, and when Slack won't say -----------------------------------------------------------


def test_a_conversation_started_in_a_dm_is_only_for_the_person_in_it(
    slack: SlackDriver,
) -> None:
    dm = slack.state.open_dm(MEMBER)["id"]
    start(slack, dm, "Staff engineer, side project")
    mine = everything(hire(slack, MEMBER, "list"))
    assert "Staff engineer, side project" in mine and "private channel" not in mine
    before = len(slack.state.calls_to("conversations.members"))
    other = everything(hire(slack, NON_MEMBER, "list"))
    assert "side project" not in other and dm not in other
    assert ":lock: 1 decision in a private channel" in other
    # Someone else's DM is never theirs: no need to ask Slack who is in it.
    assert len(slack.state.calls_to("conversations.members")) == before
    assert "private channel you're not in" in everything(hire(slack, NON_MEMBER, "show 1"))


def test_when_slack_wont_say_who_is_in_the_channel_it_stays_hidden_and_says_why(
    slack: SlackDriver, private_decision: None
) -> None:
    slack.state.inject_fault("conversations.members", "error", times=None, error="missing_scope")
    shown = everything(hire(slack, MEMBER, "list"))  # a member, but Slack won't confirm it
    hides_everything_of_it(shown)
    assert ":lock: 1 decision in a private channel" in shown
    assert "I couldn't check which private channels you're in (Slack said `missing_scope`)" in (
        shown
    )
    refused = everything(hire(slack, MEMBER, "show 1"))
    hides_everything_of_it(refused)
    assert "couldn't check that you're in it (Slack said `missing_scope`)" in refused
    slack.state.faults.clear()
    assert TITLE in everything(hire(slack, MEMBER, "show 1"))


def test_who_is_in_a_channel_is_asked_once_per_page_not_per_row(
    slack: SlackDriver, private_decision: None
) -> None:
    start(slack, EXEC, "Chief of staff")
    before = len(slack.state.calls_to("conversations.members"))
    for _ in range(3):
        assert "Chief of staff" in everything(hire(slack, MEMBER, "list"))
    # Two rows in #exec-hiring, three requests: one call, then the brief cache.
    assert len(slack.state.calls_to("conversations.members")) - before <= 1


def test_the_scheduled_digest_counts_it_in_another_channel(
    app: Runtime, slack: SlackDriver, private_decision: None
) -> None:
    """The weekly job, not only `/hire digest now`: posted in #general, a count."""
    hire(slack, ADMIN, "digest channel #general")
    now = datetime.now(UTC)
    due = now - timedelta(minutes=5)
    with app.session_factory.begin() as session:
        session.execute(update(Decision).values(decided_at=now - timedelta(minutes=10)))
        session.execute(
            update(DigestSettings).values(
                weekday=due.weekday(),
                hour=due.hour,
                minute=due.minute,
                timezone="UTC",
                updated_at=now - timedelta(days=6.5),
            )
        )
    assert post_due_digests(app.services, app.clients, "test") == 1
    (general,) = digests_in(slack, "C0GENERAL")
    hides_everything_of_it(general)
    assert "2 decisions this week" in general and PUBLIC_TITLE in general
    assert ":lock: 1 decision in a private channel" in general
