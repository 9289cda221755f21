"""A clinician logs in, opens the caseload, finds a person by name and by NHS number, and
opens their page; each screen passes axe and reflows at 320 px."""

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    StaffApi,
    check_axe,
    check_reflow,
    login,
    make_person,
    make_team,
    unique_family_name,
)


def test_clinician_opens_the_caseload_and_finds_a_person(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    team = make_team(staff_api("org.admin"), {"clinician.a": "member"}, name="Caseload team")
    family = unique_family_name("Caseload")
    person = make_person(staff_api("clinician.a"), team, "Priya", family)

    login(page, public_url, "clinician.a")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Your caseload")
    expect(heading).to_be_focused()
    expect(page.get_by_test_id("caseload-table")).to_be_visible()
    check_axe(page, "the caseload")
    check_reflow(page, "the caseload")
    screenshot(page, "caseload")

    search = page.get_by_label("Search your caseload by name or NHS number")
    search.fill(family.lower()[:-2])
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_test_id("caseload-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{family.upper()}, Priya")
    expect(rows.first).to_contain_text("None yet")
    screenshot(page, "caseload-search-by-name")

    number = person["nhs_number"]
    search.fill(f"{number[:3]} {number[3:6]} {number[6:]}")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{number[:3]} {number[3:6]} {number[6:]}")

    search.fill("Nobodyhasthisname")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("caseload-empty")).to_be_visible()
    check_axe(page, "the caseload with no match")
    screenshot(page, "caseload-no-match")

    search.fill("12345")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("alert")).to_contain_text("An NHS number has 10 digits")
    check_axe(page, "the caseload with a search error")
    screenshot(page, "caseload-search-error")

    search.fill(family)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"{family.upper()}, Priya").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"Priya {family}")
    expect(heading).to_be_focused()
    expect(page.get_by_test_id("person-postcode")).to_contain_text("Source: Entered by staff")
    expect(page.get_by_test_id("timeline-empty")).to_be_visible()
    check_axe(page, "the person page")
    check_reflow(page, "the person page")
    screenshot(page, "person")
