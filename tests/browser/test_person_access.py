"""A clinician of another team cannot open a person: a clear "not found or no access" page,
the same as for an id that does not exist. An organisation administrator then finds that
refused attempt in the audit log with the outcome filter."""

import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    DEMO_UIDS,
    StaffApi,
    check_axe,
    check_reflow,
    login,
    make_person,
    make_team,
    unique_family_name,
)

NO_ACCESS = "This person was not found, or you do not have access"


def test_another_teams_clinician_cannot_open_the_person_and_the_admin_sees_the_attempt(
    page: Page,
    new_context: Callable[[], BrowserContext],
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    admin = staff_api("org.admin")
    team_a = make_team(admin, {"clinician.a": "member"})
    make_team(admin, {"clinician.b": "member"})
    person = make_person(staff_api("clinician.a"), team_a, "Sian", unique_family_name("Private"))

    login(page, public_url, "clinician.b", path=f"/people/{person['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(NO_ACCESS)
    expect(page.get_by_text("Sian")).to_have_count(0)
    check_axe(page, "the no-access page")
    check_reflow(page, "the no-access page")
    screenshot(page, "no-access")

    page.get_by_role("link", name="Go to your caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    # An id that does not exist looks the same, so the page gives nothing away.
    login(page, public_url, "clinician.b", path=f"/people/{uuid.uuid4()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(NO_ACCESS)

    other = new_context().new_page()
    login(other, public_url, "org.admin")
    other.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()
    other.get_by_role("link", name="Audit log").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Audit log")
    check_axe(other, "the audit log")
    other.get_by_label("Person or record ID").fill(person["id"])
    other.get_by_label("Outcome").select_option("refused")
    other.get_by_role("button", name="Apply filters").click()
    table = other.get_by_test_id("audit-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows.first).to_contain_text("Refused")
    expect(rows.first).to_contain_text(
        f"{DEMO_UIDS['clinician.b'].name} ({DEMO_UIDS['clinician.b'].uid})"
    )
    expect(rows.first).to_contain_text(person["id"])
    assert "outcome=refused" in other.url
    assert person["id"] in other.url
    check_axe(other, "the audit log, filtered")
    check_reflow(other, "the audit log, filtered")
    screenshot(other, "audit-refused")

    # Nothing refused on an id nobody ever asked for.
    other.get_by_label("Person or record ID").fill(str(uuid.uuid4()))
    other.get_by_role("button", name="Apply filters").click()
    expect(other.get_by_test_id("audit-empty")).to_be_visible()
    check_axe(other, "the audit log with no entries")
    screenshot(other, "audit-empty")
