"""The HEF profile, a submitted assessment, amending it with a reason and its revisions, in
a real browser through the gateway: change since the first and previous assessments and
suggested actions; the error summary when the reason is missing; the draft, not-found and
no-access states. axe-core (WCAG 2.2 AA) on each, no sideways scroll, screenshots.
"""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from services.scoring.tests.api.hef import HEF, all_rated
from tests.browser.conftest import StaffApi, login, make_person, make_team, unique_family_name
from tests.browser.test_hef_form import check_screen

Screenshot = Callable[[Page, str], Path]


def _submit(clinician: StaffApi, person_id: str, on: str, responses: dict[str, str]) -> Any:
    return clinician.call(
        "POST",
        f"/people/{person_id}/assessments",
        201,
        params={"submit": "true"},
        json={"episode_type": "review", "assessed_on": on, "responses": responses},
    )


def test_profile_shows_change_and_actions_and_an_amendment_is_kept_with_its_reason(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    admin = staff_api("org.admin")
    team = make_team(admin, {"clinician.a": "member"})
    clinician = staff_api("clinician.a")
    person = make_person(clinician, team, "Ellis", unique_family_name("Profile"))
    _submit(clinician, person["id"], "2026-01-10", all_rated("low"))
    latest = _submit(clinician, person["id"], "2026-03-10", {**all_rated("low"), "housing": "high"})
    social = HEF.sections[0]

    login(page, public_url, "clinician.a", f"/assessments/{latest['id']}/profile")
    expect(page.get_by_role("heading", level=1, name=f"{HEF.title} profile")).to_be_visible()
    table = page.get_by_test_id("profile-table")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=social.title))
    expect(row).to_contain_text("2 higher (worse)")  # housing low (1) -> high (3)
    expect(row).to_contain_text("High impact")
    changed = page.get_by_test_id("profile-item-changes")
    housing = changed.get_by_role("row").filter(has_text="Home and living environment")
    expect(housing).to_contain_text("Worse")  # since first and since previous
    expect(page.get_by_test_id("suggested-actions").first).to_be_visible()
    check_screen(page, "the profile with change", screenshot, "profile")

    # The PDF for the care record, from the reporting service with the user's own token.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the profile (PDF) for the care record").click()
    download = downloading.value
    assert download.suggested_filename == "hef-profile-2026-03-10.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    expect(page.get_by_text("The PDF has been downloaded.")).to_be_visible()

    page.get_by_role("link", name="See the answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted assessment")
    check_screen(page, "a submitted assessment", screenshot, "submitted")

    page.get_by_role("link", name="Amend this assessment").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Amend this assessment")
    expect(heading).to_be_focused()
    page.locator("#amend-housing").get_by_label("Low impact", exact=True).check()
    page.get_by_role("button", name="Submit amendment").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter why you are amending this assessment")
    check_screen(page, "the amend page with an error", screenshot, "amend-error")

    page.get_by_label("Why are you amending it?").fill("Housing rating entered on the wrong line")
    page.get_by_role("button", name="Submit amendment").click()
    expect(page.get_by_role("heading", level=1, name=f"{HEF.title} profile")).to_be_visible()
    expect(row).to_contain_text("No change")

    page.get_by_role("link", name="See the answers").click()
    page.get_by_role("link", name="Revisions and amendment reasons").click()
    revisions = page.get_by_test_id("revisions-table")
    expect(revisions.get_by_role("row")).to_have_count(3)
    expect(revisions).to_contain_text("Housing rating entered on the wrong line")
    expect(revisions).to_contain_text("First submission")
    check_screen(page, "the revisions", screenshot, "revisions")

    stored = clinician.call("GET", f"/assessments/{latest['id']}", 200)
    assert stored["revision"] == 2
    assert stored["responses"]["housing"] == "low"


def test_draft_not_found_no_access_and_forbidden_states(
    new_context: Callable[[], BrowserContext],
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    admin = staff_api("org.admin")
    team = make_team(admin, {"clinician.a": "member"})
    clinician = staff_api("clinician.a")
    person = make_person(clinician, team, "Kit", unique_family_name("States"))
    draft = clinician.call(
        "POST",
        f"/people/{person['id']}/assessments",
        201,
        json={"episode_type": "referral", "assessed_on": "2026-03-01", "responses": {}},
    )

    page = new_context().new_page()
    login(page, public_url, "clinician.a", f"/assessments/{draft['id']}/profile")
    expect(page.get_by_test_id("profile-empty")).to_contain_text("is a draft")
    check_screen(page, "the profile of a draft", screenshot, "draft-profile")

    # Another team's clinician: the same page as for an id that does not exist.
    stranger = new_context().new_page()
    login(stranger, public_url, "clinician.b", f"/assessments/{draft['id']}")
    no_access = "This assessment was not found, or you do not have access"
    expect(stranger.get_by_role("heading", level=1, name=no_access)).to_be_visible()
    check_screen(stranger, "another team's assessment", screenshot, "no-access")

    # A role without assessments (an analyst reads aggregates only): forbidden, said plainly.
    analyst = new_context().new_page()
    login(analyst, public_url, "analyst", f"/people/{person['id']}/assessments/new")
    forbidden = "You do not have access to this page"
    expect(analyst.get_by_role("heading", level=1, name=forbidden)).to_be_visible()
    check_screen(analyst, "the start page for an analyst", screenshot, "forbidden")

    login(page, public_url, "clinician.a", f"/assessments/{uuid.uuid4()}/profile")
    no_such = "This assessment was not found, or you do not have access"
    expect(page.get_by_role("heading", level=1, name=no_such)).to_be_visible()
    check_screen(page, "an assessment that does not exist", screenshot, "not-found")
