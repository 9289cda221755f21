"""The HEF form in a real browser (Debian chromium through the gateway, the real IdP and
services): clinician.a starts, completes and submits a HEF with the keyboard alone and sees
the profile; a failed submit puts focus on the error summary; a second browser context edits
the same draft and the first gets the conflict screen with both versions and keeps its
answers. axe-core (WCAG 2.2 AA) on every screen and state reached, reflow at 320 px,
screenshots under var/screenshots/.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Locator, Page, expect

from services.scoring.tests.api.hef import HEF
from tests.browser.conftest import (
    StaffApi,
    check_axe,
    check_reflow,
    login,
    make_person,
    make_team,
    unique_family_name,
)

Screenshot = Callable[[Page, str], Path]
MAX_TABS = 120


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab (only Tab) until `target` has focus, as a keyboard user would."""
    handle = target.element_handle()
    assert handle is not None
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => el === document.activeElement", handle):
            return
    raise AssertionError(f"Tab never reached {target}")


def check_screen(page: Page, where: str, screenshot: Screenshot, name: str) -> None:
    """axe, no sideways scrolling on a desktop screen nor at 320 px, and a screenshot."""
    check_axe(page, where)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways on a desktop screen: {widths}"
    check_reflow(page, where)
    screenshot(page, name)


def _team_with_person(staff_api: Callable[[str], StaffApi]) -> tuple[StaffApi, dict[str, Any]]:
    admin = staff_api("org.admin")
    team = make_team(admin, {"clinician.a": "member", "team.lead": "lead"})
    clinician = staff_api("clinician.a")
    return clinician, make_person(clinician, team, "Rowan", unique_family_name("Hef"))


def test_clinician_completes_and_submits_a_hef_with_the_keyboard_and_sees_the_profile(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    """From the caseload to the profile with Tab, Space, Enter and typing only (the login on
    the IdP's page is the fixture's)."""
    clinician, person = _team_with_person(staff_api)
    login(page, public_url, "clinician.a", "/caseload")

    # The caseload: find the person by name, open them, start a HEF.
    expect(page.get_by_role("heading", level=1, name="Your caseload")).to_be_visible()
    tab_to(page, page.get_by_label("Search your caseload by name or NHS number"))
    page.keyboard.type(person["family_name"])
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name=f"{person['family_name'].upper()}, Rowan")
    expect(page.get_by_test_id("caseload-table").locator("tbody tr")).to_have_count(1)
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{public_url}/people/{person['id']}")
    tab_to(page, page.get_by_test_id("start-assessment"))
    page.keyboard.press("Enter")

    # Start: episode type and date (today is filled in), then Enter on "Start assessment".
    expect(page.get_by_role("heading", level=1, name="Start an assessment")).to_be_visible()
    check_screen(page, "the start page", screenshot, "start")
    tab_to(page, page.locator("#episode-type-referral"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Start assessment"))
    page.keyboard.press("Enter")

    # One determinant per step; each indicator answered with Tab and Space (Tab enters a
    # radio group on its first answer, "No impact"; other answers are reached with the arrow
    # keys, which this test does not use: Tab, Space and Enter only).
    for number, section in enumerate(HEF.sections, start=2):
        heading = page.get_by_role("heading", level=1, name=section.title)
        expect(heading).to_be_visible()
        expect(heading).to_be_focused()
        expect(page.get_by_test_id("step-counter")).to_have_text(
            f"Step {number} of {len(HEF.sections) + 2}"
        )
        for item in section.items:
            tab_to(page, page.locator(f"#item-{item.id}-none"))
            page.keyboard.press("Space")
        if number == 2:
            check_screen(page, f"the step '{section.title}'", screenshot, "first-step")
        tab_to(page, page.get_by_role("button", name="Save and continue"))
        page.keyboard.press("Enter")

    heading = page.get_by_role("heading", level=1, name="Check your answers")
    expect(heading).to_be_focused()
    first = HEF.sections[0].items[0]
    expect(page.get_by_test_id(f"answer-{first.id}")).to_have_text("No impact")
    check_screen(page, "check your answers", screenshot, "check")
    tab_to(page, page.get_by_role("button", name="Submit assessment"))
    page.keyboard.press("Enter")

    # The profile: the five determinants in a table beside the chart.
    expect(page.get_by_role("heading", level=1, name=f"{HEF.title} profile")).to_be_visible()
    table = page.get_by_test_id("profile-table")
    expect(table.get_by_role("row")).to_have_count(len(HEF.sections) + 1)
    for section in HEF.sections:
        expect(table.get_by_role("rowheader", name=section.title)).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"\(bar chart\)"))).to_be_visible()
    # Every indicator at "no impact": each determinant's level says so.
    expect(table.get_by_role("row").nth(1)).to_contain_text("No impact")
    check_screen(page, "the profile", screenshot, "profile")

    assessments = clinician.call("GET", f"/people/{person['id']}/assessments", 200)
    [summary] = assessments["assessments"]
    assert summary["status"] == "submitted"
    assert summary["overall"]["scores"]["total"] == 0


def test_a_failed_submit_moves_focus_to_the_error_summary(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    clinician, person = _team_with_person(staff_api)
    draft = clinician.call(
        "POST",
        f"/people/{person['id']}/assessments",
        201,
        json={
            "episode_type": "review",
            "assessed_on": "2026-03-01",
            "responses": {"housing": "low"},
        },
    )
    login(page, public_url, "clinician.a", f"/assessments/{draft['id']}?step=check")
    submit = page.get_by_role("button", name="Submit assessment")
    tab_to(page, submit)
    page.keyboard.press("Enter")

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(len(HEF.lookup().items) - 1)
    check_screen(page, "the error summary", screenshot, "error-summary")

    # Its first link leads to the unanswered indicator, focused, on its determinant's step.
    tab_to(page, summary.get_by_role("link").first)
    page.keyboard.press("Enter")
    second = HEF.sections[0].items[1]
    expect(page.locator(f"#item-{second.id}-none")).to_be_focused()


def _answer(page: Page, item_id: str, label: str) -> None:
    page.locator(f"#item-{item_id}").get_by_label(label, exact=True).check()


def test_a_second_editor_gets_the_conflict_screen_and_keeps_their_answers(
    new_context: Callable[[], BrowserContext],
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    clinician, person = _team_with_person(staff_api)
    draft = clinician.call(
        "POST",
        f"/people/{person['id']}/assessments",
        201,
        json={
            "episode_type": "referral",
            "assessed_on": "2026-03-01",
            "responses": {"housing": "low"},
        },
    )
    section = HEF.sections[0]
    housing, other = section.items[0].id, section.items[1].id
    path = f"/assessments/{draft['id']}?step={section.id}"

    first = new_context().new_page()
    login(first, public_url, "clinician.a", path)
    second = new_context().new_page()
    login(second, public_url, "team.lead", path)
    for page in (first, second):
        expect(page.get_by_role("heading", level=1, name=section.title)).to_be_visible()

    # The team lead saves first.
    _answer(second, housing, "High impact")
    expect(second.get_by_test_id("save-status")).to_contain_text("Draft saved")

    # The clinician's save now names an old version: 412, and the conflict screen.
    _answer(first, housing, "Moderate impact")
    _answer(first, other, "Low impact")
    conflict = first.get_by_test_id("conflict-screen")
    expect(conflict).to_be_visible()
    expect(first.get_by_role("heading", level=1)).to_be_focused()
    housing_row = conflict.get_by_role("group", name=section.items[0].text)
    expect(housing_row.get_by_role("radio", name="Your version: Moderate impact")).to_be_checked()
    expect(housing_row.get_by_role("radio", name="Their version: High impact")).not_to_be_checked()
    check_screen(first, "the conflict screen", screenshot, "conflict")

    first.get_by_role("button", name="Save the chosen answers").click()
    expect(first.get_by_role("heading", level=1, name=section.title)).to_be_visible()
    expect(first.get_by_test_id("save-status")).to_contain_text("Draft saved")
    saved = clinician.call("GET", f"/assessments/{draft['id']}", 200)
    assert saved["responses"][housing] == "moderate"
    assert saved["responses"][other] == "low"
    screenshot(first, "after-conflict")


def test_the_easy_read_variant_is_the_same_form_in_its_own_words(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    _, person = _team_with_person(staff_api)
    login(page, public_url, "clinician.a", f"/people/{person['id']}/assessments/new")
    page.get_by_label("Health Equalities Framework (HEF) - easy read (provisional)").check()
    page.get_by_label("Review", exact=True).check()
    page.get_by_role("button", name="Start assessment").click()

    heading = page.get_by_role("heading", level=1, name="My life and where I live")
    expect(heading).to_be_focused()
    where = page.get_by_role("group", name="Where I live")
    expect(where.get_by_label("A big problem")).to_be_visible()
    expect(page.get_by_test_id("step-counter")).to_have_text("Step 2 of 7")
    check_screen(page, "the easy-read form", screenshot, "easy-read")


def test_a_draft_is_saved_as_you_go_and_resumes_where_it_was_left(
    new_context: Callable[[], BrowserContext],
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    clinician, person = _team_with_person(staff_api)
    draft = clinician.call(
        "POST",
        f"/people/{person['id']}/assessments",
        201,
        json={"episode_type": "referral", "assessed_on": "2026-03-01"},
    )
    first, second = HEF.sections[0], HEF.sections[1]
    page = new_context().new_page()
    login(page, public_url, "clinician.a", f"/assessments/{draft['id']}")
    expect(page.get_by_role("heading", level=1, name=first.title)).to_be_focused()
    for item in first.items:
        _answer(page, item.id, "Moderate impact")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1, name=second.title)).to_be_focused()
    _answer(page, second.items[0].id, "High impact")
    expect(page.get_by_test_id("save-status")).to_contain_text("Draft saved")

    # Later, in another session: it opens on the first determinant with an unanswered
    # indicator, with every answer given so far.
    later = new_context().new_page()
    login(later, public_url, "clinician.a", f"/assessments/{draft['id']}")
    expect(later.get_by_role("heading", level=1, name=second.title)).to_be_visible()
    expect(later.locator(f"#item-{second.items[0].id}-high")).to_be_checked()
    expect(later.get_by_role("navigation", name="Assessment steps")).to_contain_text(
        f"{first.title} ({len(first.items)} of {len(first.items)} answered)"
    )
    screenshot(later, "resumed")
