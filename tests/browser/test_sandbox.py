"""The sandbox as a person uses it: only typing and clicking, in headless Chromium."""

from __future__ import annotations

import copy
import csv
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page

from bot.emulator import EmulatorServer, EmulatorState
from bot.emulator.app_settings import MESSAGES_TAB_OFF
from bot.manifest import load_manifest
from bot.sandbox import page_routes
from tests.browser.conftest import SCREENSHOTS, SandboxProcess

pytestmark = pytest.mark.browser

MANAGER, TEAMMATE, ADMIN = "U0MANAGER", "U0TEAMMATE", "U0ADMIN"
STARTUP_ANSWERS = [
    "Startup / early-stage",
    "Critical — ship and iterate",
    "B2B SaaS / subscription app",
    "Small, multi-skilled team",
    "Yes — talks to users, owns roadmap",
    "User-facing features",
]


def type_command(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.fill('[data-testid="composer-input"]', text)
    page.press('[data-testid="composer-input"]', "Enter")


def start_hire(page, title: str = "Senior engineer, checkout team") -> None:  # type: ignore[no-untyped-def]
    type_command(page, f"/hire {title}")
    page.locator('[data-testid="replies-link"]').first.click()
    page.get_by_test_id("thread-messages").get_by_text("Question 1 of 6", exact=True).wait_for()


def thread_button(page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_test_id("thread-messages").get_by_role("button", name=label, exact=True).last


def test_role_card_appears_for_the_user(page) -> None:  # type: ignore[no-untyped-def]
    type_command(page, "/role product engineer")
    card = page.get_by_test_id("message").filter(has_text="Source:")
    card.wait_for()
    assert "Only visible to you" in card.inner_text()
    assert "Product engineer" in card.inner_text()
    assert card.get_by_role("link", name=re.compile("Product engineer")).first.is_visible()


def test_hints_list_the_commands(page) -> None:  # type: ignore[no-untyped-def]
    page.fill('[data-testid="composer-input"]', "/ro")
    hints = page.get_by_test_id("hint")
    hints.first.wait_for()
    assert "/role" in hints.first.inner_text()


def answer(page: Page, index: int) -> None:
    """Click the answer to question `index + 1`, then wait for what follows it: the next
    question (or the recommendation), and the answered question's edit saying who chose."""
    thread_button(page, STARTUP_ANSWERS[index]).click()
    following = f"Question {index + 2} of 6" if index < 5 else "Recommendation: Product engineer"
    page.get_by_test_id("thread-messages").get_by_text(following).first.wait_for()
    page.get_by_test_id("thread-messages").get_by_text("answered by", exact=False).nth(
        index
    ).wait_for()


def test_full_hire_conversation_by_buttons(page) -> None:  # type: ignore[no-untyped-def]
    start_hire(page)
    for index in range(len(STARTUP_ANSWERS)):
        answer(page, index)
    thread_button(page, "Accept: Product engineer").click()
    page.get_by_test_id("messages").get_by_text("Decided").first.wait_for()
    assert "Product engineer" in page.get_by_test_id("messages").inner_text()


def test_typed_thread_reply_answers(page) -> None:  # type: ignore[no-untyped-def]
    start_hire(page, "Platform engineer")
    page.fill('[data-testid="thread-input"]', "large")
    page.press('[data-testid="thread-input"]', "Enter")
    thread = page.get_by_test_id("thread-messages")
    thread.get_by_text("Question 2 of 6", exact=True).wait_for()
    # The answered question is edited after the next one is posted: wait for it, too.
    thread.get_by_text("answered by", exact=False).first.wait_for()


def test_an_answer_also_sent_to_the_channel(page) -> None:  # type: ignore[no-untyped-def]
    """The thread's "Also send to # hiring": the reply answers, and shows in the channel
    too, marked as a reply to a thread, as Slack shows it."""
    start_hire(page, "Search engineer")
    assert (
        page.get_by_test_id("thread-composer")
        .inner_text()
        .strip()
        .endswith("Also send to # hiring")
    )
    page.check('[data-testid="thread-broadcast"]')
    page.fill('[data-testid="thread-input"]', "startup")
    page.press('[data-testid="thread-input"]', "Enter")
    thread = page.get_by_test_id("thread-messages")
    thread.get_by_text("Question 2 of 6", exact=True).wait_for()
    in_channel = (
        page.get_by_test_id("messages").get_by_test_id("message").filter(has_text="startup")
    )
    in_channel.get_by_test_id("replied-to").wait_for()
    assert not page.is_checked('[data-testid="thread-broadcast"]')  # one reply at a time
    # The DM with the bot has a text box: the manifest turns its Messages tab on.
    page.get_by_test_id("dm-bot").click()
    assert page.get_by_test_id("composer-input").is_visible()
    assert not page.get_by_test_id("messages-off").is_visible()


def test_the_apps_dm_says_when_its_messages_tab_is_off(browser) -> None:  # type: ignore[no-untyped-def]
    """An app whose manifest turns the Messages tab off (as manifest.yml once did): Slack's
    sentence where the DM's text box was, and no text box in its threads either."""
    manifest = copy.deepcopy(load_manifest())
    manifest["features"]["app_home"]["messages_tab_enabled"] = False
    state = EmulatorState(manifest=manifest, links_to_emulator=True)
    state.add_message(channel=state.open_dm(MANAGER)["id"], user="U0BOT", text="Question 1 of 6")
    with EmulatorServer(state=state, extra_routes=page_routes()) as emulator:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(emulator.url)
        page.get_by_test_id("dm-bot").click()
        page.get_by_test_id("messages-off").wait_for()
        assert page.get_by_test_id("messages-off").inner_text() == MESSAGES_TAB_OFF
        assert not page.get_by_test_id("composer-input").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / "test_the_apps_dm_says_when_its_messages_tab_is_off.png")
        )
        # A channel still has its text box.
        page.get_by_test_id("channel-hiring").click()
        assert page.get_by_test_id("composer-input").is_visible()
        context.close()


def test_teammates_click_is_refused(page) -> None:  # type: ignore[no-untyped-def]
    start_hire(page, "Growth engineer")
    page.select_option('[data-testid="user-switcher"]', TEAMMATE)
    thread_button(page, "Startup / early-stage").click()
    refusal = (
        page.get_by_test_id("thread-messages")
        .get_by_text("Only", exact=False)
        .filter(has_text="who started this conversation")
    )
    refusal.first.wait_for()
    assert "Question 2 of 6" not in page.get_by_test_id("thread-messages").inner_text()


def test_narrow_window_still_reads_well(browser, sandbox_url: str) -> None:  # type: ignore[no-untyped-def]
    from tests.browser.conftest import SCREENSHOTS

    context = browser.new_context(viewport={"width": 420, "height": 800})
    page = context.new_page()
    page.goto(sandbox_url)
    type_command(page, "/role compare pe vs swe")
    page.get_by_text("Product engineer vs Software engineer").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "narrow_compare.png"))
    assert page.get_by_test_id("composer-input").is_visible()
    context.close()


def decide_by_buttons(page, title: str) -> None:  # type: ignore[no-untyped-def]
    start_hire(page, title)
    for index in range(len(STARTUP_ANSWERS)):
        answer(page, index)
    thread_button(page, "Accept: Product engineer").click()
    page.get_by_test_id("messages").get_by_text("Decided").first.wait_for()


def test_digest_posts_into_the_digest_channel(page) -> None:  # type: ignore[no-untyped-def]
    decide_by_buttons(page, "Backend engineer, search")
    page.get_by_test_id("thread-close").click()
    page.select_option('[data-testid="user-switcher"]', ADMIN)  # the settings are an admin's
    type_command(page, "/hire digest channel #general")
    page.get_by_text("The digest will be posted in").first.wait_for()
    page.get_by_test_id("post-digest").click()
    page.get_by_text("Posted this week's digest").wait_for()
    page.get_by_test_id("channel-general").click()
    digest = page.get_by_test_id("message").filter(has_text="Hiring digest")
    digest.wait_for()
    assert "Backend engineer, search" in digest.inner_text()


def test_home_tab_lists_the_decision(page) -> None:  # type: ignore[no-untyped-def]
    decide_by_buttons(page, "Mobile engineer, onboarding")
    page.get_by_test_id("nav-home").click()
    home = page.get_by_test_id("home")
    home.wait_for()
    page.get_by_test_id("home").get_by_text("Mobile engineer, onboarding").first.wait_for()
    assert "Recent decisions" in home.inner_text()
    # Maya is not an admin: the settings say who can change them instead of opening.
    page.get_by_test_id("home").get_by_role("button", name="Change").click()
    modal = page.get_by_test_id("modal-form")
    modal.get_by_text("Only workspace admins can change the digest").wait_for()
    page.get_by_test_id("modal-close").click()
    # Ada, an admin, changes them and names Maya a digest manager.
    modal.wait_for(state="hidden")
    page.select_option('[data-testid="user-switcher"]', ADMIN)
    page.get_by_test_id("nav-home").click()
    # Her own Home tab, not Maya's still on screen: a click there would be refused again.
    page.get_by_test_id("home").get_by_text("Hi @Ada Okafor").wait_for()
    page.get_by_test_id("home").get_by_role("button", name="Change").click()
    page.locator("#input-managers").wait_for(state="attached")
    assert "Digest managers" in modal.inner_text()
    page.fill("#input-time", "31:00")
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("input-error").first.wait_for()
    page.select_option("#input-channel", "C0GENERAL")
    page.fill("#input-time", "10:00")
    page.select_option("#input-managers", MANAGER)
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("home").get_by_text("Mondays at 10:00 (UTC)").wait_for()
    page.get_by_test_id("channel-general").click()
    told = page.get_by_test_id("message").filter(has_text="Digest settings changed by")
    told.wait_for()
    assert "Maya Patel" in told.inner_text() and "Mondays at 10:00 (UTC)" in told.inner_text()


# -- the sandbox behaves like Slack: it remembers, delivers files, opens its own links ------


def test_restart_mid_conversation_then_carry_on(page: Page, sandbox: SandboxProcess) -> None:
    title = "Site reliability engineer, payments"
    start_hire(page, title)
    thread = page.get_by_test_id("thread-messages")
    answer(page, 0)
    answer(page, 1)

    sandbox.restart()

    # The page that was open carries on: its next click reaches the restarted bot, which
    # finds the question it asked before the restart.
    answer(page, 2)

    # A fresh load shows the same channel and thread, from the saved workspace.
    page.reload()
    page.get_by_test_id("messages").get_by_text(title).first.wait_for()
    page.locator('[data-testid="replies-link"]').first.click()
    for number in (1, 2, 3, 4):
        thread.get_by_text(f"Question {number} of 6", exact=True).wait_for()
    assert thread.get_by_text("answered by", exact=False).count() == 3
    for index in range(3, len(STARTUP_ANSWERS)):
        answer(page, index)
    thread_button(page, "Accept: Product engineer").click()
    page.get_by_test_id("messages").get_by_text("Decided").first.wait_for()


def test_a_lost_workspace_shows_its_threads_deleted_and_restarts_them(
    page: Page, sandbox: SandboxProcess
) -> None:
    title = "Platform engineer, lost thread"
    start_hire(page, title)
    answer(page, 0)
    page.get_by_test_id("thread-close").click()
    newer = "Security engineer, also lost"  # listed above it on Home: its buttons come first
    type_command(page, f"/hire {newer}")
    page.get_by_test_id("messages").get_by_text(newer).first.wait_for()
    sandbox.stop()
    (sandbox.workdir / "sandbox.workspace.json").unlink()  # the workspace is lost
    sandbox.start()
    assert "had no thread in the saved workspace" in sandbox.log.read_text()

    page.reload()
    page.get_by_test_id("nav-home").click()
    home = page.get_by_test_id("home")
    row = home.locator(".block.section").filter(has_text=title).first
    row.wait_for()
    assert "Thread deleted" in row.inner_text()
    controls = row.locator("xpath=following-sibling::*[1]")
    controls.get_by_role("button", name="Restart in a new thread").click()
    home.get_by_text("Restarted #").wait_for()
    # That one, not the row above it: each row's buttons act on their own conversation.
    above = home.locator(".block.section").filter(has_text=newer).first
    assert "Thread deleted" in above.inner_text()
    assert (
        "Thread deleted"
        not in home.locator(".block.section").filter(has_text=title).first.inner_text()
    )

    # Back in #hiring, in a new thread, at the question it was on, with its answer.
    page.get_by_test_id("channel-hiring").click()
    root = page.get_by_test_id("message").filter(has_text=title).last
    root.locator('[data-testid="replies-link"]').click()
    thread = page.get_by_test_id("thread-messages")
    thread.get_by_text("restarted this conversation here", exact=False).wait_for()
    thread.get_by_text("Question 2 of 6", exact=True).wait_for()
    assert thread.get_by_text(STARTUP_ANSWERS[0]).first.is_visible()


def test_export_arrives_as_a_file_in_the_dm(page: Page) -> None:
    title = "Data engineer, exports"
    decide_by_buttons(page, title)
    page.get_by_test_id("thread-close").click()
    type_command(page, "/hire export")
    page.get_by_text("as a CSV file in a direct message").wait_for()
    page.get_by_test_id("dm-bot-unread").wait_for()  # the sidebar says something arrived

    page.get_by_test_id("dm-bot").click()
    page.get_by_test_id("file").filter(has_text="Hiring decisions").wait_for()
    with page.expect_download() as download_info:
        page.get_by_test_id("file-download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("hiring-decisions-")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["decision_id", "title", "channel_id", "started_by"]
    assert any(row[1] == title and row[7] == "product_engineer" for row in rows[1:])

    # Commands work in the DM too. Left here, this test's screenshot (the export, then the
    # log with its thread links) is the README's docs/sandbox.png.
    type_command(page, "/hire list")
    page.get_by_test_id("messages").get_by_text("Hiring decisions —").wait_for()


def test_thread_links_open_inside_the_page(page: Page, sandbox_url: str) -> None:
    title = "Frontend engineer, design system"
    decide_by_buttons(page, title)
    page.get_by_test_id("thread-close").click()
    thread = page.get_by_test_id("thread")

    page.get_by_test_id("nav-home").click()
    row = page.get_by_test_id("home").locator(".block.section").filter(has_text=title).first
    row.get_by_role("button", name="Open thread").click()
    thread.get_by_text("Recommendation: Product engineer").first.wait_for()
    assert thread.get_by_text(title).first.is_visible()
    assert re.search(r"/archives/C0HIRING/p\d{16}$", page.url), page.url
    assert page.get_by_role("heading", name="# hiring").is_visible()

    # The links in /hire list open the same thread, and a permalink loaded from scratch does.
    page.get_by_test_id("thread-close").click()
    type_command(page, "/hire list")
    listed = page.get_by_test_id("message").filter(has_text="Hiring decisions —")
    listed.locator(".section").filter(has_text=title).get_by_role("link", name="thread").click()
    thread.get_by_text("Recommendation: Product engineer").first.wait_for()
    permalink = page.url
    page.goto(sandbox_url)
    page.goto(permalink)
    thread.get_by_text("Recommendation: Product engineer").first.wait_for()


def test_emoji_shortcodes_are_drawn(page: Page) -> None:
    type_command(page, "/hire digest")
    preview = page.get_by_test_id("message").filter(has_text="Preview")
    preview.wait_for()
    assert "👀 Preview" in preview.inner_text()
    assert ":eyes:" not in preview.inner_text()


def test_unknown_command_gets_slacks_answer(page: Page) -> None:
    type_command(page, "/roles")
    notice = page.get_by_test_id("message").filter(has_text="is not a valid command")
    notice.wait_for()
    assert notice.locator(".author").inner_text() == "Slackbot"
    assert (
        '/roles is not a valid command. In Slack, all messages that start with the "/" '
        "character are interpreted as commands." in notice.inner_text()
    )
    assert "Only visible to you" in notice.inner_text()


MRKDWN_PROBE = """
(text) => {
  const node = mrkdwn(text);
  const pick = (selector) => [...node.querySelectorAll(selector)].map((n) => n.textContent);
  return {
    text: node.textContent,
    strong: pick("strong"), em: pick("em"), s: pick("s"), code: pick("code"), pre: pick("pre"),
    quote: pick("blockquote"), mention: pick(".mention"), special: pick(".special-mention"),
    items: pick(".list-item"), dates: pick("time.date"),
    links: [...node.querySelectorAll("a[href^='http']")].map((a) => [a.textContent, a.href]),
  };
}
"""


def test_mrkdwn_is_drawn_as_slack_draws_it(page: Page) -> None:
    sample = (
        "*bold* _italic_ ~struck~ `a_b*c` 2*3*4 snake_case_name :rocket: 10:30:00\n"
        "<https://example.com/a_b|the *docs*> <@U0TEAMMATE|theo> <#C0GENERAL|general> <!here>\n"
        "&gt; quoted &amp; kept\n"
        "• first\n"
        "• second\n"
        "```pre *not bold*```\n"
        "<!date^1700000000^{date_short} at {time}|Nov 14, 2023>"
    )
    seen = page.evaluate(MRKDWN_PROBE, sample)
    assert seen["strong"] == ["bold", "docs"]
    assert seen["em"] == ["italic"]
    assert seen["s"] == ["struck"]
    assert seen["code"] == ["a_b*c"]
    assert "2*3*4 snake_case_name 🚀 10:30:00" in seen["text"]
    assert seen["links"] == [["the docs", "https://example.com/a_b"]]
    assert seen["mention"] == ["@Theo Nguyen", "#general"]
    assert seen["special"] == ["@here"]
    assert seen["quote"] == ["quoted & kept"]
    assert seen["items"] == ["•first", "•second"]
    assert seen["pre"] == ["pre *not bold*"]
    # 1700000000 is 22:13 UTC on 14 November 2023: Maya's London, then Ada's Tokyo.
    assert seen["dates"] == ["Nov 14, 2023 at 10:13 PM"]
    page.select_option('[data-testid="user-switcher"]', ADMIN)
    assert page.evaluate(MRKDWN_PROBE, sample)["dates"] == ["Nov 15, 2023 at 7:13 AM"]


def test_times_are_in_each_persons_time_zone(page: Page) -> None:
    page.fill('[data-testid="composer-input"]', "Morning, all")
    page.press('[data-testid="composer-input"]', "Enter")
    said = page.get_by_test_id("message").filter(has_text="Morning, all")
    shown = said.get_by_test_id("time")
    shown.wait_for()
    moment = datetime.fromisoformat(shown.get_attribute("datetime") or "")
    zones = ((MANAGER, "Europe/London"), (TEAMMATE, "America/New_York"), (ADMIN, "Asia/Tokyo"))
    for user, zone in zones:
        page.select_option('[data-testid="user-switcher"]', user)
        local = moment.astimezone(ZoneInfo(zone))
        hour = local.hour % 12 or 12
        expected = f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
        assert page.get_by_test_id("user-tz").inner_text().endswith(zone.replace("_", " "))
        assert shown.inner_text() == expected, (user, zone)


def test_moving_the_clock_ninety_days_brings_the_check_in(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A sandbox of its own: the shared one's clock must not jump three months for the rest.
    own = SandboxProcess(tmp_path)
    own.start(fresh=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(own.url)
        page.wait_for_selector('[data-testid="composer-input"]')
        decide_by_buttons(page, "Checkout engineer, payments")
        page.get_by_test_id("thread-close").click()
        for _ in range(3):  # +30 days, three times: the check-in falls due at 90
            page.get_by_test_id("clock-month").click()
        page.get_by_test_id("dm-bot-unread").wait_for(timeout=30_000)  # the scheduler's tick
        page.get_by_test_id("dm-bot").click()
        asked = page.get_by_test_id("message").filter(has_text="Did it hold up?")
        asked.wait_for()
        assert "Was hiring a product engineer the right call for Checkout engineer, payments" in (
            asked.inner_text()
        )
        asked.get_by_role("button", name="Yes", exact=True).click()
        page.get_by_test_id("message").filter(has_text="You answered").wait_for()
        page.get_by_test_id("nav-home").click()
        page.get_by_test_id("home").get_by_text("How past calls held up").wait_for()
        assert "1 answered" in page.get_by_test_id("home").inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "test_moving_the_clock_ninety_days.png"))
    finally:
        context.close()
        own.stop()


def dm_question_button(page: Page, number: int, label: str):  # type: ignore[no-untyped-def]
    return (
        page.get_by_test_id("messages")
        .get_by_test_id("message")
        .filter(has_text=f"Question {number} of 6")
        .get_by_role("button", name=label, exact=True)
        .last
    )


def test_ask_the_team_with_all_three_people(page: Page) -> None:
    """Maya asks Theo and Ada from question 1; each answers in their own DM (switching
    people with *You are*); the thread then shows all three voices in one message."""
    start_hire(page, "Platform engineer, payments")
    thread_button(page, "Ask the team…").click()
    page.get_by_test_id("modal-form").wait_for()
    page.select_option("#input-invitees", [TEAMMATE, ADMIN])
    page.get_by_test_id("modal-submit").click()
    thread = page.get_by_test_id("thread-messages")
    thread.get_by_text("Asking the team", exact=False).wait_for()
    for index in range(6):
        answer(page, index)
    page.get_by_test_id("thread-close").click()
    for user in (TEAMMATE, ADMIN):
        page.select_option('[data-testid="user-switcher"]', user)
        page.get_by_test_id("dm-bot").click()
        for number, label in enumerate(STARTUP_ANSWERS, 1):
            button = dm_question_button(page, number, label)
            button.wait_for()
            button.click()
        page.get_by_test_id("messages").get_by_text("Thanks", exact=False).wait_for()
    page.select_option('[data-testid="user-switcher"]', MANAGER)
    page.get_by_test_id("channel-hiring").click()
    page.locator('[data-testid="replies-link"]').first.click()
    shown = thread.get_by_test_id("message").filter(has_text="The team's view")
    shown.wait_for()
    assert "3 voices" in shown.inner_text()
