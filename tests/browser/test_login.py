"""A real browser (Debian chromium, headless) opens the SPA through the gateway, logs in
as a demo clinician on the IdP's page and sees their name and organisation.

The browser and pages come from tests/browser/conftest.py: one Playwright per session (a
second one started beside it in the same thread would fail)."""

import pytest
from equitas_stack.stack import Stack
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_clinician_logs_in_and_sees_name_and_organisation(stack: Stack, page: Page) -> None:
    page.goto(stack.config.public_url + "/")
    page.get_by_role("button", name="Log in").click()
    # The IdP's page lists demo users; pick the clinician in team A.
    page.locator('[data-username="clinician.a"]').first.click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("user-name")).to_have_text("Asha Patel")
    expect(page.get_by_test_id("user-organisation")).to_contain_text("Equitas Demo Trust A (EQA)")
