"""A session lasts through a long assessment: the page's clock is moved on 45 minutes in
90-second steps (Playwright's fake clock; the IdP and services keep real time) and the SPA
renews its tokens with rotated refresh tokens each time the access token nears expiry
(600 s here), so the clinician is never logged out and no warning shows. Logging out ends
the session at the IdP too."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import StaffApi, check_axe, login, make_person, make_team

STEP = "01:30"  # mm:ss of page time per step: inside the 120 s renewal window
STEPS = 30  # 45 minutes


def test_tokens_renew_through_a_45_minute_session(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    team = make_team(staff_api("org.admin"), {"clinician.a": "member"})
    make_person(staff_api("clinician.a"), team, "Long", "Session")
    refreshes: list[Request] = []

    def note(request: Request) -> None:
        if request.url.endswith("/idp/token") and "grant_type=refresh_token" in (
            request.post_data or ""
        ):
            refreshes.append(request)

    page.on("request", note)
    page.clock.install()
    login(page, public_url, "clinician.a", path="/caseload")
    expect(page.get_by_test_id("caseload-table")).to_be_visible()

    for _ in range(STEPS):
        page.clock.fast_forward(STEP)
        # Let a renewal that the step started finish before the next step.
        page.wait_for_load_state("networkidle")

    # One renewal per 480 s of page time at most (600 s tokens renewed 120 s early), each
    # landing on the next 90 s step: at least four in 45 minutes.
    assert len(refreshes) >= 4, f"only {len(refreshes)} renewals in 45 minutes"
    statuses = [r.response().status for r in refreshes if r.response() is not None]  # type: ignore[union-attr]
    assert statuses == [200] * len(refreshes)
    # Each renewal used the refresh token the previous one returned (rotation).
    sent = [r.post_data for r in refreshes]
    assert len(set(sent)) == len(sent)
    expect(page.get_by_test_id("session-warning")).to_have_count(0)
    expect(page.get_by_role("link", name="Log out")).to_be_visible()

    # Still working: a search and the next page load with the renewed token (searched for:
    # clinician.a's caseload holds every test's people, more than one page).
    page.get_by_label("Search your caseload by name or NHS number").fill("Session")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="SESSION, Long").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Long Session")
    check_axe(page, "a page after 45 minutes")
    screenshot(page, "after-45-minutes")

    page.get_by_role("link", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    screenshot(page, "logged-out")
