"""Multi-workspace mode: the OAuth install route works on the migrated tables."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.emulator import EmulatorServer
from tests.e2e.harness import BotProcess


def test_install_page_links_to_slack_and_stores_the_state(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    bot = BotProcess(
        database_url=f"sqlite:///{tmp_path / 'oauth.db'}",
        api_url=emulator.api_url,
        workdir=tmp_path,
        extra_env={
            "SLACK_BOT_TOKEN": "",
            "SLACK_CLIENT_ID": "111.222",
            "SLACK_CLIENT_SECRET": "s3cr3t-value",
        },
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
