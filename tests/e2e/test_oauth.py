"""Multi-workspace mode: installs through the real OAuth routes, then each workspace's
commands, digests and reminders go out with its own bot token, and an uninstalled workspace
gets nothing more while the other carries on and its data stays."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from bot.db.models import (
    DigestRun,
    DigestSettings,
    HiringConversation,
    Nudge,
    Workspace,
    slack_bots,
    slack_installations,
)
from bot.db.session import make_engine
from bot.emulator import EmulatorServer, SlackDriver, wait_for
from bot.emulator.state import SECOND_TEAM, Call
from tests.e2e.harness import BotProcess
from tests.e2e.test_hire import buttons, everything

CLIENT_ID = "111.222"
CLIENT_SECRET = "s3cr3t-value"
OAUTH_ENV = {
    "SLACK_BOT_TOKEN": "",
    "SLACK_CLIENT_ID": CLIENT_ID,
    "SLACK_CLIENT_SECRET": CLIENT_SECRET,
}


def test_install_page_links_to_slack_and_stores_the_state(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    bot = BotProcess(
        database_url=f"sqlite:///{tmp_path / 'oauth.db'}",
        api_url=emulator.api_url,
        workdir=tmp_path,
        extra_env=OAUTH_ENV,
    )
    bot.migrate()
    bot.start()
    try:
        page = httpx.get(f"{bot.url}/slack/install", timeout=10)
        assert page.status_code == 200
        assert "https://slack.com/oauth/v2/authorize?state=" in page.text
        assert "client_id=111.222" in page.text and "scope=commands" in page.text
        # A callback with a forged state is refused, not an error page with a traceback.
        forged = httpx.get(f"{bot.url}/slack/oauth_redirect?code=abc&state=forged", timeout=10)
        assert forged.status_code in {400, 401, 403} and "Traceback" not in forged.text
    finally:
        bot.stop()
    assert "s3cr3t-value" not in bot.logs()


@dataclass(frozen=True)
class Side:
    """One workspace as its people see it."""

    team: str
    manager: str
    hiring: str
    general: str
    url: str
    title: str
    admin: str  # a workspace admin: the digest's settings are theirs to change


ACME = Side(
    "T0HIRING", "U0MANAGER", "C0HIRING", "C0GENERAL", "https://acme.slack.com/", "Acme", "U0ADMIN"
)
GLOBEX = Side(
    SECOND_TEAM.id,
    "U2MANAGER",
    "C2HIRING",
    "C2GENERAL",
    "https://globex.slack.com/",
    "Globex",
    "U2ADMIN",
)
NO_TOKEN_LINE = f"workspace {GLOBEX.team} has no bot token"


@dataclass
class TwoWorkspaces:
    bot: BotProcess
    emulator: EmulatorServer
    slack: SlackDriver

    def database(self, statement: Any) -> list[Any]:
        engine = make_engine(self.bot.database_url)
        try:
            with engine.begin() as connection:
                result = connection.execute(statement)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def calls_since(self, mark: int) -> list[Call]:
        return self.emulator.state.calls_to()[mark:]

    def sent(self, channel: str) -> list[Call]:
        """Every chat.postMessage call for `channel`, whatever Slack answered (each call's
        team is known as soon as it is made; its answer may still be on its way)."""
        return [
            c
            for c in self.calls_since(0)
            if c.method == "chat.postMessage" and c.args.get("channel") == channel
        ]

    def digests(self, side: Side) -> list[dict[str, Any]]:
        messages = self.slack.state.messages_in(side.general, include_ephemeral=False)
        return [m for m in messages if "Hiring digest" in everything(m)]

    def root(self, side: Side) -> dict[str, Any] | None:
        """The root message of the side's hiring conversation, once posted."""
        messages = self.slack.state.messages_in(side.hiring, include_ephemeral=False)
        return next((m for m in messages if m["text"].startswith("Hiring decision #")), None)

    def thread(self, side: Side) -> list[dict[str, Any]]:
        root = self.root(side)
        assert root is not None
        return self.slack.state.thread(side.hiring, root["ts"])

    def nudges(self, side: Side) -> list[dict[str, Any]]:
        return [m for m in self.thread(side) if "still waiting" in everything(m)]

    def reply(self, side: Side, text: str, user: str | None = None) -> str:
        """`/hire <text>` by the side's manager (or `user`); the ephemeral answer."""
        user = user or side.manager
        before = len(self.slack.state.ephemeral_for(user))
        result = self.slack.command(user, side.hiring, "/hire", text)
        assert result.status == 200
        replies = wait_for(lambda: self.slack.state.ephemeral_for(user)[before:], message=text)
        return everything(replies[-1])

    def make_due(self, ago: timedelta) -> None:
        """Every digest schedule at `ago` before now, set long enough ago to apply to this
        week's digest but not to last week's (which would be reported as missed)."""
        due = datetime.now(UTC) - ago
        self.database(
            update(DigestSettings).values(
                weekday=due.weekday(),
                hour=due.hour,
                minute=due.minute,
                timezone="UTC",
                updated_at=datetime.now(UTC) - timedelta(days=6, hours=12),
            )
        )

    def idle_since(self, ago: timedelta) -> None:
        """Every conversation last touched `ago` before now: a new idle spell for each."""
        self.database(update(HiringConversation).values(last_activity_at=datetime.now(UTC) - ago))

    def run_cron(self) -> str:
        """`hiring-bot digest`, as cron runs it; its log."""
        done = subprocess.run(
            [*self.bot.command, "digest"],
            env=self.bot.env(),
            cwd=self.bot.workdir,
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    def bot_tokens(self) -> dict[str, str]:
        rows = self.database(select(slack_bots.c.team_id, slack_bots.c.bot_token))
        return {team: token for team, token in rows}


@pytest.fixture(params=["sqlite", "postgres"])
def two_workspaces(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TwoWorkspaces]:
    """`hiring-bot serve` in OAuth mode (no SLACK_BOT_TOKEN) and a Slack with two teams."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'oauth.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database("oauth")
        request.addfinalizer(lambda: server.drop_database(url))
    with EmulatorServer() as emulator:
        emulator.state.add_team(SECOND_TEAM)
        emulator.state.configure_oauth(CLIENT_ID, CLIENT_SECRET)
        bot = BotProcess(
            database_url=url,
            api_url=emulator.api_url,
            workdir=tmp_path,
            extra_env={
                **OAUTH_ENV,
                "NUDGE_AFTER_SECONDS": "3600",
                "DIGEST_GRACE_SECONDS": str(3 * 24 * 3600),
            },
        )
        bot.migrate()
        bot.start()
        try:
            yield TwoWorkspaces(bot, emulator, emulator.attach(bot.url, bot.signing_secret))
        finally:
            bot.stop()


def test_two_workspaces_each_with_its_own_token_until_one_uninstalls(
    two_workspaces: TwoWorkspaces,
) -> None:
    world, slack = two_workspaces, two_workspaces.slack
    both = (ACME, GLOBEX)

    # Installed through the app's own /slack/install and /slack/oauth_redirect.
    for side in both:
        page = slack.install(side.team)
        assert page.status == 200 and "Thank you!" in page.body, page.body
    tokens = world.bot_tokens()
    assert set(tokens) == {ACME.team, GLOBEX.team}
    assert tokens[ACME.team] != tokens[GLOBEX.team]

    # Commands in both, each answered as that workspace (Bolt authorizes with its token).
    for side in both:
        card = slack.command(side.manager, side.hiring, "/role", "pe").created
        assert card is not None and "product engineer" in card["text"].lower()
        said = world.reply(side, "digest channel #general", side.admin)
        assert f"will be posted in <#{side.general}>" in said
        slack.command(side.manager, side.hiring, "/hire", f"Platform engineer at {side.title}")
    roots = {side: wait_for(lambda s=side: world.root(s), message="root") for side in both}
    for side in both:
        (post,) = wait_for(
            lambda s=side: [
                c for c in world.sent(s.hiring) if (c.response or {}).get("ts") == roots[s]["ts"]
            ],
            message="the root's call answered",
        )
        assert post.team == side.team
        authorized = {c.team for c in world.calls_since(0) if c.method == "auth.test"}
        assert side.team in authorized
    # Each sees its own log only; Globex's export reads Globex's decisions (none yet), not Acme's.
    listing = world.reply(GLOBEX, "list all")
    assert "at Globex" in listing and "at Acme" not in listing
    assert "No decisions to export yet" in world.reply(GLOBEX, "export")
    # A click (interactivity) and the Home tab (an event) in each, with its own token too.
    for side in both:
        question = wait_for(lambda s=side: world.thread(s)[1:], message="1st question")[-1]
        action_id = buttons(question)["Startup / early-stage"]
        assert (
            slack.click(side.manager, question["ts"], action_id, channel=side.hiring).status == 200
        )
        wait_for(lambda s=side: len(world.thread(s)) >= 3, message=f"{side.title}'s 2nd question")
        assert slack.open_home(side.manager).status == 200
        wait_for(lambda s=side: s.manager in slack.state.home_views, message="the Home tab")
    for side in both:
        published = [c for c in world.calls_since(0) if c.method == "views.publish"]
        assert {c.team for c in published if c.args["user_id"] == side.manager} == {side.team}

    # A scheduled digest in each: its own token, links on its own domain.
    world.make_due(timedelta(days=2))
    for side in both:
        (digest,) = wait_for(lambda s=side: world.digests(s), message=f"{side.title}'s digest")
        assert f"{side.url}archives/{side.hiring}/p" in everything(digest)
        other = GLOBEX if side is ACME else ACME
        assert other.url not in everything(digest)
        assert {c.team for c in world.sent(side.general)} == {side.team}

    # A reminder in each idle conversation, each with its own token.
    world.idle_since(timedelta(hours=2))
    for side in both:
        wait_for(lambda s=side: world.nudges(s), message=f"{side.title}'s reminder")
        nudge_posts = [c for c in world.sent(side.hiring) if "still waiting" in str(c.args)]
        assert nudge_posts and {c.team for c in nudge_posts} == {side.team}

    # Globex uninstalls the app: Slack revokes its token and tells the app.
    assert slack.uninstall(GLOBEX.team).status == 200
    wait_for(lambda: set(world.bot_tokens()) == {ACME.team}, message="Globex's token deleted")
    mark = len(world.emulator.state.calls)

    # Next week and a new idle spell in both: Acme still gets them, Globex nothing.
    world.idle_since(timedelta(hours=3))
    world.make_due(timedelta(minutes=5))
    cron_log = world.run_cron()  # cron and the server's scheduler race; each posts once
    assert NO_TOKEN_LINE in cron_log
    wait_for(lambda: len(world.digests(ACME)) == 2, message="Acme's next digest")
    wait_for(lambda: len(world.nudges(ACME)) == 2, message="Acme's next reminder")
    skipped = select(func.count()).select_from(Nudge).where(Nudge.status == "skipped")
    wait_for(lambda: world.database(skipped)[0][0] == 1, message="Globex's reminder skipped")
    assert {c.team for c in world.calls_since(mark)} == {ACME.team}
    assert len(world.digests(GLOBEX)) == 1 and len(world.nudges(GLOBEX)) == 1
    # Said once by this server, however many ticks passed over Globex.
    assert world.bot.logs().count(NO_TOKEN_LINE) == 1

    # Globex's data is all still there, only its installation is gone.
    (globex_id,) = world.database(select(Workspace.id).where(Workspace.team_id == GLOBEX.team))[0]
    for model in (HiringConversation, DigestSettings, DigestRun, Nudge):
        count = select(func.count()).select_from(model).where(model.workspace_id == globex_id)
        assert world.database(count)[0][0] >= 1, model.__name__
    installations = select(slack_installations.c.team_id)
    assert [team for (team,) in world.database(installations)] == [ACME.team]

    # Nothing went out without a token Slack knows, and no token reached another team.
    calls = [c for c in world.calls_since(0) if c.method != "response_url"]  # no token there
    assert all(c.team is not None for c in calls), [c for c in calls if c.team is None]
    assert not [
        c
        for c in calls
        if (c.response or {}).get("error") in {"channel_not_found", "not_authed", "user_not_found"}
    ]
    assert CLIENT_SECRET not in world.bot.logs()


def test_a_revoked_token_stops_its_workspace_alone_and_is_not_retried(
    two_workspaces: TwoWorkspaces,
) -> None:
    world, slack = two_workspaces, two_workspaces.slack
    for side in (ACME, GLOBEX):
        assert slack.install(side.team).status == 200
        said = world.reply(side, "digest channel #general", side.admin)
        assert f"will be posted in <#{side.general}>" in said
        slack.command(side.manager, side.hiring, "/hire", f"Platform engineer at {side.title}")
        wait_for(lambda s=side: world.root(s), message="root")

    # Globex's token dies and the app is not told (its event was lost while it was down).
    world.emulator.state.revoke_team_tokens(GLOBEX.team)
    mark = len(world.emulator.state.calls)
    world.make_due(timedelta(minutes=5))
    world.idle_since(timedelta(hours=2))
    world.run_cron()
    wait_for(lambda: world.digests(ACME) and world.nudges(ACME), message="Acme's posts")
    failed = select(DigestRun.status, DigestRun.error).where(DigestRun.status == "failed")
    wait_for(lambda: world.database(failed), message="Globex's run recorded as failed")
    assert world.database(failed) == [("failed", "token_revoked")]
    wait_for(lambda: set(world.bot_tokens()) == {ACME.team}, message="the dead token dropped")
    globex_nudge = select(Nudge.status).join(Workspace).where(Workspace.team_id == GLOBEX.team)
    # Passed over once the token is gone, or tried once if the server's scheduler got to it
    # while the cron run was still on the digest.
    wait_for(
        lambda: world.database(globex_nudge) in ([("skipped",)], [("failed",)]),
        message="Globex's reminder done with",
    )
    # Each piece of Globex's work was tried with the dead token at most once.
    refused = [c for c in world.calls_since(mark) if c.team == GLOBEX.team]
    assert {c.response["error"] for c in refused} == {"token_revoked"}
    posts = [c.args["channel"] for c in refused if c.method == "chat.postMessage"]
    assert sorted(posts) in (["C2GENERAL"], ["C2GENERAL", "C2HIRING"])
    world.run_cron()
    assert len([c for c in world.calls_since(mark) if c.team == GLOBEX.team]) == len(refused)
    assert world.digests(GLOBEX) == [] and world.nudges(GLOBEX) == []

    # Acme's bot token is revoked and the app told (tokens_revoked): it stops too.
    assert slack.revoke_tokens(ACME.team).status == 200
    wait_for(lambda: world.bot_tokens() == {}, message="Acme's bot token deleted")
    mark = len(world.emulator.state.calls)
    world.idle_since(timedelta(hours=3))
    world.run_cron()
    assert world.calls_since(mark) == []
    assert len(world.nudges(ACME)) == 1
