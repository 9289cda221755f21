"""Accessibility of the shell: axe-core (WCAG 2.2 AA) on the start page and on each role's
landing pages, reflow at 320 CSS px, and focus on the heading after navigation."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import check_axe, check_reflow, login


def test_start_page_is_accessible(
    page: Page, public_url: str, screenshot: Callable[[Page, str], Path]
) -> None:
    page.goto(public_url + "/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    check_axe(page, "the start page")
    check_reflow(page, "the start page")
    screenshot(page, "start")


def test_focus_moves_to_the_heading_on_navigation(
    page: Page, public_url: str, screenshot: Callable[[Page, str], Path]
) -> None:
    login(page, public_url, "org.admin")
    nav = page.get_by_role("navigation", name="Menu")
    nav.get_by_role("link", name="Admin").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Admin")
    expect(heading).to_be_focused()
    check_axe(page, "the admin page")
    check_reflow(page, "the admin page")
    screenshot(page, "admin")


def test_account_and_not_found_pages_are_accessible(
    page: Page, public_url: str, screenshot: Callable[[Page, str], Path]
) -> None:
    login(page, public_url, "clinician.a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_test_id("user-name")).to_be_visible()
    check_axe(page, "your account")
    check_reflow(page, "your account")
    screenshot(page, "account")

    page.goto(public_url + "/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_axe(page, "page not found")
    check_reflow(page, "page not found")
    screenshot(page, "not-found")
