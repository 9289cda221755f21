"""Adding someone to the caseload by NHS number: a person no team cares for is added at
once; one another team cares for needs a reason (break-glass), which the administrator
then sees and can withdraw. Taking someone off the caseload ends the team's access."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    StaffApi,
    check_axe,
    check_reflow,
    login,
    make_person,
    make_team,
    unique_family_name,
)

REASON = "Covering a home visit for the north team this week"


def spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def test_break_glass_add_then_the_admin_withdraws_it(
    page: Page,
    new_context: Callable[[], BrowserContext],
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    admin = staff_api("org.admin")
    team_a = make_team(admin, {"clinician.a": "member", "team.lead": "lead"}, name="North team")
    team_b = make_team(admin, {"clinician.b": "member"}, name="South team")
    family = unique_family_name("Glass")
    person = make_person(staff_api("clinician.a"), team_a, "Tomos", family)

    login(page, public_url, "clinician.b")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    page.get_by_label("NHS number", exact=True).fill("123")
    page.get_by_role("button", name="Add to caseload").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an NHS number of 10 digits")
    check_axe(page, "the add form with an error")

    page.get_by_label("NHS number", exact=True).fill(spaced(person["nhs_number"]))
    if page.get_by_label("Add to the caseload of").count() > 0:
        page.get_by_label("Add to the caseload of").select_option(team_b)
    page.get_by_role("button", name="Add to caseload").click()
    expect(page.get_by_role("heading", name="Another team cares for this person")).to_be_visible()
    check_axe(page, "the break-glass reason")
    check_reflow(page, "the break-glass reason")
    screenshot(page, "break-glass-reason")

    page.get_by_label("Why do you need access?").fill(REASON)
    page.get_by_role("button", name="Give reason and add to caseload").click()
    added = page.get_by_test_id("caseload-added")
    expect(added).to_contain_text(f"Tomos {family}")
    screenshot(page, "break-glass-added")
    added.get_by_role("link", name=f"Tomos {family}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Tomos {family}")

    # The lead of the team that cares for the person is shown it on their caseload page.
    lead = new_context().new_page()
    login(lead, public_url, "team.lead")
    lead.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    seen = lead.locator("li.nhsuk-card").filter(has_text=f"Team {team_b}")
    expect(seen).to_contain_text(REASON)
    check_axe(lead, "the lead's caseload with break-glass access")
    screenshot(lead, "break-glass-lead")

    other = new_context().new_page()
    login(other, public_url, "org.admin")
    other.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()
    other.get_by_role("link", name="Break-glass access").click()
    entry = (
        other.get_by_test_id("break-glass-list")
        .locator("li.nhsuk-card")
        .filter(has_text=f"Team {team_b}")
    )
    expect(entry).to_contain_text(REASON)
    check_axe(other, "break-glass access")
    check_reflow(other, "break-glass access")
    screenshot(other, "break-glass-list")
    entry.get_by_role("button", name="Withdraw access").click()
    entry.get_by_role("button", name="Withdraw access now").click()
    expect(entry.get_by_role("alert")).to_contain_text("at least 5 characters")
    check_axe(other, "withdrawing access, with an error")
    entry.get_by_label("Why are you withdrawing this access?").fill("The visit is over")
    entry.get_by_role("button", name="Withdraw access now").click()
    expect(
        other.get_by_test_id("break-glass-list")
        .locator("li.nhsuk-card")
        .filter(has_text=f"Team {team_b}")
    ).to_have_count(0)
    screenshot(other, "break-glass-withdrawn")

    # The withdrawal ended clinician.b's access at once.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    page.get_by_label("Search your caseload by name or NHS number").fill(family)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("caseload-empty")).to_be_visible()


def test_adding_someone_no_team_cares_for_and_taking_them_off(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    admin = staff_api("org.admin")
    team_a = make_team(admin, {"clinician.a": "member"}, name="East team")
    family = unique_family_name("Discharged")
    person = make_person(staff_api("clinician.a"), team_a, "Ewan", family)
    # Discharged from team A through the API: known to the trust, cared for by no team.
    staff_api("clinician.a").call("DELETE", f"/teams/{team_a}/caseload/{person['id']}", 204)

    login(page, public_url, "clinician.a")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    page.get_by_label("NHS number", exact=True).fill("9999999999")
    page.get_by_role("button", name="Add to caseload").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_axe(page, "adding an unknown or invalid NHS number")
    screenshot(page, "add-refused")

    page.get_by_label("NHS number", exact=True).fill(person["nhs_number"])
    if page.get_by_label("Add to the caseload of").count() > 0:
        page.get_by_label("Add to the caseload of").select_option(team_a)
    page.get_by_role("button", name="Add to caseload").click()
    added = page.get_by_test_id("caseload-added")
    expect(added).to_contain_text(f"Ewan {family}")
    added.get_by_role("link", name=f"Ewan {family}").click()

    page.get_by_role("button", name="Take off the caseload of East team").click()
    check_axe(page, "confirming a discharge")
    screenshot(page, "discharge-confirm")
    page.get_by_role("button", name="Yes, take them off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    page.get_by_label("Search your caseload by name or NHS number").fill(family)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("caseload-empty")).to_be_visible()
