"""A real browser (Debian chromium, headless) opens the SPA through the gateway, logs in
as a demo clinician on the IdP's page and sees their name and organisation."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from equitas_stack.stack import Stack
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Without these, chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: `make install-chromium` installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


def test_clinician_logs_in_and_sees_name_and_organisation(stack: Stack, page: Page) -> None:
    page.goto(stack.config.public_url + "/")
    page.get_by_role("button", name="Log in").click()
    # The IdP's page lists demo users; pick the clinician in team A.
    page.locator('[data-username="clinician.a"]').first.click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("user-name")).to_have_text("Asha Patel")
    expect(page.get_by_test_id("user-organisation")).to_contain_text("Equitas Demo Trust A (EQA)")
