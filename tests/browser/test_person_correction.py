"""Correcting a person's details: saved with If-Match; when someone else saved first, a
clear conflict view keeps what was typed, shows the latest details, and saving again on
the latest version works."""

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


def test_a_correction_that_conflicts_keeps_what_was_typed(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    team = make_team(staff_api("org.admin"), {"clinician.a": "member"})
    family = unique_family_name("Correct")
    clinician = staff_api("clinician.a")
    person = make_person(clinician, team, "Nia", family)

    login(page, public_url, "clinician.a")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload").click()
    page.get_by_label("Search your caseload by name or NHS number").fill(family)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=f"{family.upper()}, Nia").click()
    page.get_by_role("button", name="Correct their details").click()
    page.get_by_label("Given name").fill("")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a given name")
    check_axe(page, "the correction form with an error")
    check_reflow(page, "the correction form")
    screenshot(page, "correction-error")

    page.get_by_label("Given name").fill("Niamh")
    page.get_by_label("Postcode").fill("LS2 9JT")
    # Meanwhile a colleague corrects the family name.
    current = clinician.http.get(f"/api/scoring/people/{person['id']}")
    clinician.call(
        "PATCH",
        f"/people/{person['id']}",
        200,
        json={"family_name": family + "Jones"},
        headers={"If-Match": current.headers["etag"]},
    )
    page.get_by_role("button", name="Save details").click()
    conflict = page.get_by_test_id("person-conflict")
    expect(conflict).to_contain_text("Someone else changed these details while you were working")
    conflict_table = page.get_by_test_id("person-conflict-table")
    expect(conflict_table).to_contain_text("Niamh")
    expect(conflict_table).to_contain_text(family + "Jones")
    expect(page.get_by_label("Given name")).to_have_value("Niamh")
    expect(page.get_by_label("Postcode")).to_have_value("LS2 9JT")
    check_axe(page, "the correction conflict")
    check_reflow(page, "the correction conflict")
    screenshot(page, "correction-conflict")

    page.get_by_role("button", name="Keep my changes and use the latest version").click()
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status")).to_contain_text("The details were saved")
    expect(page.get_by_test_id("person-name")).to_contain_text(f"Niamh {family}Jones")
    expect(page.get_by_test_id("person-postcode")).to_contain_text("LS2 9JT")
    screenshot(page, "correction-saved")
