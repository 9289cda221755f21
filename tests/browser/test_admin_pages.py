"""Organisation administration in the browser: teams and memberships, restoring a deleted
assessment; axe and 320 px reflow on each screen. Staff without the role get a clear
"no access" page rather than a broken one."""

import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from services.scoring.tests.api.hef import all_rated
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


def test_admin_sets_up_a_team_and_its_members(
    page: Page,
    public_url: str,
    screenshot: Callable[[Page, str], Path],
) -> None:
    code = f"T-{uuid.uuid4().hex[:8].upper()}"
    login(page, public_url, "org.admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()
    check_axe(page, "the admin start page")
    check_reflow(page, "the admin start page")
    screenshot(page, "admin")
    page.get_by_role("link", name="Teams and memberships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teams and memberships")

    page.get_by_role("button", name="Set up team").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a team code")
    check_axe(page, "the new team form with errors")
    page.get_by_label("Team code").fill(code)
    page.get_by_label("Team name").fill(f"Browser team {code}")
    page.get_by_label("Review interval in months (optional)").fill("3")
    page.get_by_role("button", name="Set up team").click()
    page.get_by_role("status").get_by_role("link", name=f"Browser team {code}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Browser team {code}")
    check_axe(page, "an empty team")
    screenshot(page, "team-empty")

    lead = DEMO_UIDS["team.lead"]
    page.get_by_label("User ID").fill(lead.uid)
    page.get_by_label("Name", exact=True).fill(lead.name)
    page.get_by_label("Role in the team").select_option("lead")
    page.get_by_role("button", name="Add to team").click()
    members = page.get_by_test_id("members-table")
    expect(members).to_contain_text(lead.name)
    expect(members).to_contain_text("Team lead")
    members.get_by_role("button", name=f"Make a member ({lead.name})").click()
    expect(members.locator("tbody tr").first).to_contain_text("Member")
    check_axe(page, "a team with a member")
    check_reflow(page, "a team with a member")
    screenshot(page, "team-members")
    members.get_by_role("button", name=f"Remove from team ({lead.name})").click()
    members.get_by_role("button", name=f"Yes, remove {lead.name}").click()
    expect(page.get_by_text("No one is in this team yet")).to_be_visible()

    page.get_by_role("link", name="Back to teams").click()
    expect(page.get_by_test_id("teams-table")).to_contain_text("Every 3 months")
    check_axe(page, "the teams list")
    check_reflow(page, "the teams list")
    screenshot(page, "teams")


def test_admin_restores_a_deleted_assessment(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    team = make_team(staff_api("org.admin"), {"clinician.a": "member"})
    clinician = staff_api("clinician.a")
    person = make_person(clinician, team, "Rhys", unique_family_name("Restore"))
    made = clinician.http.post(
        f"/api/scoring/people/{person['id']}/assessments",
        json={"episode_type": "referral", "assessed_on": "2026-03-01", "responses": {}},
    )
    assert made.status_code == 201, made.text
    assessment = made.json()["id"]
    clinician.call(
        "DELETE",
        f"/assessments/{assessment}",
        204,
        params={"reason": "Recorded against the wrong person"},
        headers={"If-Match": made.headers["etag"]},
    )

    login(page, public_url, "org.admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Restore a deleted assessment").click()
    card = page.get_by_test_id("deleted-list").locator("li").filter(has_text=assessment)
    expect(card).to_contain_text("Recorded against the wrong person")
    check_axe(page, "recently deleted assessments")
    check_reflow(page, "recently deleted assessments")
    screenshot(page, "restore")
    card.get_by_role("button", name=f"Restore assessment {assessment}").click()
    expect(card).to_contain_text("Restored")
    expect(page.get_by_role("status")).to_contain_text("The assessment was restored")
    assert clinician.http.get(f"/api/scoring/assessments/{assessment}").status_code == 200

    page.get_by_role("button", name="Restore assessment", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the assessment ID")
    check_axe(page, "restoring by ID with an error")
    screenshot(page, "restore-error")


def test_pages_a_role_does_not_use_say_so(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    # A clinician is not an administrator.
    make_team(staff_api("org.admin"), {"clinician.a": "member"})
    login(page, public_url, "clinician.a", path="/admin/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    check_axe(page, "the forbidden page")
    check_reflow(page, "the forbidden page")
    screenshot(page, "forbidden")

    # An analyst keeps no caseload; the menu offers what they read instead.
    login(page, public_url, "analyst", path="/caseload")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link")).to_have_text(
        ["Dashboards", "Service equity", "Board and HEAT", "Your account"]
    )


def test_team_leads_see_the_dashboards_and_their_caseload(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
) -> None:
    team = make_team(staff_api("org.admin"), {"team.lead": "lead"}, name="Dashboard test team")
    lead = staff_api("team.lead")
    person = make_person(lead, team, "Owen", unique_family_name("Dashboard"))
    done = lead.http.post(
        f"/api/scoring/people/{person['id']}/assessments",
        params={"submit": "true"},
        json={
            "episode_type": "referral",
            "assessed_on": "2026-03-01",
            "responses": all_rated("low"),
        },
    )
    assert done.status_code == 201, done.text
    # The aggregation service reads the change feed now rather than on its next poll.
    synced = staff_api("org.admin").http.post("/api/aggregation/feed/sync")
    assert synced.status_code == 200, synced.text

    login(page, public_url, "team.lead")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Caseload")).to_be_visible()
    menu.get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards")
    # The team's one assessed person is too few to show: suppressed, with the reason.
    panel = page.get_by_test_id("dashboard-panel").filter(has_text=team)
    expect(panel.get_by_role("table").first).to_contain_text("Suppressed")
    expect(panel.get_by_role("img").first).to_be_visible()
    check_axe(page, "the dashboards page")
    check_reflow(page, "the dashboards page")
    screenshot(page, "dashboards")

    # The lead's caseload shows the last assessment and when the review is due.
    menu.get_by_role("link", name="Caseload").click()
    page.get_by_label("Search your caseload by name or NHS number").fill(person["family_name"])
    page.get_by_role("button", name="Search").click()
    row = page.get_by_test_id("caseload-table").locator("tbody tr").first
    expect(row).to_contain_text("Referral, 1 March 2026")
    expect(row).to_contain_text("1 September 2026")
    check_axe(page, "a caseload with assessments")
    screenshot(page, "caseload-with-review")
