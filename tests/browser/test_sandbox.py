"""The sandbox as a person uses it: only typing and clicking, in headless Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MANAGER, TEAMMATE = "U0MANAGER", "U0TEAMMATE"
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
    card = page.get_by_test_id("message").filter(has_text="Focus and ownership")
    card.wait_for()
    assert "Only visible to you" in card.inner_text()
    assert "Product engineer" in card.inner_text()


def test_hints_list_the_commands(page) -> None:  # type: ignore[no-untyped-def]
    page.fill('[data-testid="composer-input"]', "/ro")
    hints = page.get_by_test_id("hint")
    hints.first.wait_for()
    assert "/role" in hints.first.inner_text()


def test_full_hire_conversation_by_buttons(page) -> None:  # type: ignore[no-untyped-def]
    start_hire(page)
    for index, label in enumerate(STARTUP_ANSWERS):
        thread_button(page, label).click()
        following = (
            f"Question {index + 2} of 6" if index < 5 else "Recommendation: Product engineer"
        )
        page.get_by_test_id("thread-messages").get_by_text(following).first.wait_for()
    thread_button(page, "Accept: Product engineer").click()
    page.get_by_test_id("messages").get_by_text("Decided").first.wait_for()
    assert "Product engineer" in page.get_by_test_id("messages").inner_text()


def test_typed_thread_reply_answers(page) -> None:  # type: ignore[no-untyped-def]
    start_hire(page, "Platform engineer")
    page.fill('[data-testid="thread-input"]', "large")
    page.press('[data-testid="thread-input"]', "Enter")
    page.get_by_test_id("thread-messages").get_by_text("Question 2 of 6", exact=True).wait_for()
    assert "answered by" in page.get_by_test_id("thread-messages").inner_text()


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
    for index, label in enumerate(STARTUP_ANSWERS):
        thread_button(page, label).click()
        following = (
            f"Question {index + 2} of 6" if index < 5 else "Recommendation: Product engineer"
        )
        page.get_by_test_id("thread-messages").get_by_text(following).first.wait_for()
    thread_button(page, "Accept: Product engineer").click()
    page.get_by_test_id("messages").get_by_text("Decided").first.wait_for()


def test_digest_posts_into_the_digest_channel(page) -> None:  # type: ignore[no-untyped-def]
    decide_by_buttons(page, "Backend engineer, search")
    page.get_by_test_id("thread-close").click()
    type_command(page, "/hire digest channel #general")
    page.get_by_text("The digest will be posted here").wait_for()
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
    page.get_by_test_id("home").get_by_role("button", name="Change").click()
    page.get_by_test_id("modal-form").wait_for()
    page.fill("#input-time", "31:00")
    page.get_by_test_id("modal-submit").click()
    page.get_by_test_id("input-error").first.wait_for()
