"""The board tools and HEAT as stored records, in a real browser (chromium through the gateway,
the real IdP and services), as board.member of trust EQA: the landing page; a board
self-assessment started, answered step by step, submitted, its results with maturity per
domain and suggested objectives, one adopted for a board role with an action, owner and due
date, and progress over the years; a board assurance scorecard with notes, at a glance; a
HEAT assessment of a new project with an action marked done, and the HEAT audit. axe-core
(WCAG 2.2 AA) on every page, reflow at 320 px, screenshots under var/screenshots/.

The shared stack holds other tests' records of EQA, so each test finds its own by the id in
the address, never by position.
"""

import re
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import StaffApi, login
from tests.browser.test_board_private import answer_every_question, check_screen, latest_definition

Screenshot = Callable[[Page, str], Path]
ASSESSMENT_URL = re.compile(r"/board/assessments/([0-9a-f-]{36})(\?.*)?$")


def start(page: Page, instrument: str) -> None:
    page.get_by_test_id(f"start-{instrument}").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Start a"))).to_be_visible()


def test_board_member_completes_a_self_assessment_and_adopts_an_objective(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    board = staff_api("board.member")
    definition = latest_definition(board, "board-self-assessment")
    login(page, public_url, "board.member", "/board")
    expect(page.get_by_role("heading", level=1, name="Board and HEAT")).to_be_visible()
    check_screen(page, "the board landing page", screenshot, "landing")

    start(page, "board-self-assessment")
    check_screen(page, "the start page", screenshot, "start")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(ASSESSMENT_URL)
    match = ASSESSMENT_URL.search(page.url)
    assert match
    assessment_id = match.group(1)

    # Every answer "partly in place" (2 of 4): 50%, "developing", in every domain.
    answer_every_question(page, definition, lambda _index, codes: codes[2])
    check_screen(page, "check your answers", screenshot, "check")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", level=1, name=re.compile("Results"))).to_be_visible()
    table = page.get_by_test_id("maturity-table")
    expect(table.get_by_role("row")).to_have_count(len(definition["sections"]) + 2)
    expect(table).to_contain_text("Developing")
    expect(table).to_contain_text("50%")
    stored = board.call("GET", f"/organisational-assessments/{assessment_id}", 200)
    assert stored["status"] == "submitted"

    # Adopt the first suggested objective not yet adopted by EQA (other tests share it).
    adoptable = page.locator("details[data-ref]").first
    ref = adoptable.get_attribute("data-ref")
    assert ref
    adoptable.locator("summary").click()
    page.get_by_label(f"Board role to take objective {ref} forward").select_option(
        "non_executive_director"
    )
    page.get_by_role("button", name=f"Adopt objective {ref}").click()
    card = page.get_by_test_id(f"adopted-{ref}")
    expect(card).to_be_visible()
    # The adopt control is gone: focus is on the adopted objective, not lost.
    expect(card.get_by_role("heading", level=3)).to_be_focused()
    expect(card).to_contain_text("Non-executive director")

    # An action with an owner and a due date.
    description = f"Board development session {uuid.uuid4().hex[:6]}"
    card.get_by_text("Add an action").click()
    card.get_by_label("Action", exact=True).fill(description)
    card.get_by_label("Owner").fill("Chair")
    due = date.today().replace(year=date.today().year + 1, day=1)
    card.get_by_label("Day").fill(str(due.day))
    card.get_by_label("Month").fill(str(due.month))
    card.get_by_label("Year").fill(str(due.year))
    card.get_by_role("button", name="Add action").click()
    expect(card.get_by_role("table")).to_contain_text(description)
    expect(card.get_by_role("table")).to_contain_text("Chair")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the results (PDF)").click()
    assert download.value.suggested_filename == f"board-self-assessment-{stored['assessed_on']}.pdf"

    progress = page.get_by_test_id("progress-table")
    expect(progress).to_contain_text(str(date.today().year))
    check_screen(page, "the self-assessment results", screenshot, "results")


def test_board_member_rates_a_scorecard_and_sees_it_at_a_glance(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    definition = latest_definition(staff_api("board.member"), "board-assurance")
    login(page, public_url, "board.member", "/board")
    start(page, "board-assurance")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(ASSESSMENT_URL)

    evidence = f"Board paper {uuid.uuid4().hex[:6]}"
    first_cell = definition["sections"][0]["items"][0]["id"]
    page.locator(f"#item-{first_cell}-evidence").fill(evidence)
    # K1 not assured, every other cell assured: K1's row, each priority (each holds one K1
    # cell) and the whole grid roll up to "not assured" (the lowest); K2 to K8 to "assured".
    answer_every_question(
        page, definition, lambda index, _codes: "not_assured" if index == 0 else "assured"
    )
    expect(page.get_by_test_id(f"answer-{first_cell}")).to_contain_text(evidence)
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", level=1, name="Scorecard at a glance")).to_be_visible()
    grid = page.get_by_test_id("scorecard-table")
    # 8 key lines of enquiry and the row of roll-ups by priority, under the header row.
    expect(grid.get_by_role("row")).to_have_count(len(definition["sections"]) + 2)
    expect(grid.get_by_role("row").nth(1)).to_contain_text("Not assured")
    expect(grid.get_by_role("row").nth(2)).not_to_contain_text("Not assured")
    expect(page.get_by_test_id("rollup-rows")).to_contain_text("5 not assured")
    page.get_by_text(definition["sections"][0]["title"]).last.click()
    expect(page.get_by_text(f"Evidence: {evidence}")).to_be_visible()
    expect(page.get_by_test_id("scorecards-over-time")).to_contain_text("(this one)")
    check_screen(page, "the scorecard at a glance", screenshot, "scorecard")


def test_heat_assessment_of_a_new_project_with_an_action_and_the_audit(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    definition = latest_definition(staff_api("board.member"), "heat")
    login(page, public_url, "board.member", "/board")
    start(page, "heat")
    project = f"Outreach clinics {uuid.uuid4().hex[:6]}"
    page.get_by_label("A new project or programme").check()
    page.get_by_label("Name of the project or programme").fill(project)
    page.get_by_label("Review it after").select_option("6")
    check_screen(page, "the HEAT start page", screenshot, "heat-start")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(ASSESSMENT_URL)
    expect(page.get_by_test_id("subject-line")).to_contain_text(project)

    # Every prompt done and every dimension considered: every stage completed.
    answer_every_question(
        page, definition, lambda _index, codes: codes[2] if codes[0] == "no" else codes[1]
    )
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", level=1, name="HEAT assessment")).to_be_visible()
    stages = page.get_by_test_id("stages-table")
    expect(stages.get_by_role("row")).to_have_count(len(definition["sections"]) + 1)
    expect(page.get_by_test_id("review-due")).to_contain_text("Review due")

    description = f"Interpreters at every clinic {uuid.uuid4().hex[:6]}"
    page.get_by_label("Action", exact=True).fill(description)
    page.get_by_label("Owner").fill("Service manager")
    due = date.today().replace(year=date.today().year + 1, day=1)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Add action").click()
    row = page.get_by_role("row").filter(has_text=description)
    expect(row).to_be_visible()
    row.get_by_role("button", name=re.compile("^Mark as done")).click()
    done_row = page.get_by_role("row").filter(has_text=description)
    expect(done_row).to_contain_text("Done")
    # The button is gone: focus is on the action's status, not lost.
    expect(done_row.locator("[id^=action-status-]")).to_be_focused()
    check_screen(page, "the HEAT assessment", screenshot, "heat")

    page.get_by_role("link", name="See the HEAT audit for your organisation").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("HEAT audit"))).to_be_visible()
    expect(page.get_by_test_id("audit-figures")).to_be_visible()

    # The project's audit return: reached the review, every group improved.
    audit = latest_definition(staff_api("board.member"), "heat-audit")
    page.get_by_role("link", name="Back to Board and HEAT").click()
    start(page, "heat-audit")
    page.get_by_label(project).check()
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(ASSESSMENT_URL)
    answers = {"stage_reached": "review", "yes_no": "yes", "impact": "improved"}
    scales = {s["id"]: [o["code"] for o in s["options"]] for s in audit["response_scales"]}
    by_codes = {tuple(codes): answers[scale] for scale, codes in scales.items()}
    answer_every_question(page, audit, lambda _index, codes: by_codes[tuple(codes)])
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("link", name="See the HEAT audit for your organisation").click()
    impact = page.get_by_test_id("audit-impact")
    expect(impact.get_by_role("columnheader", name="Improved")).to_be_visible()
    expect(impact.get_by_role("rowheader", name="Age", exact=True)).to_be_visible()
    check_screen(page, "the HEAT audit", screenshot, "heat-audit")


def test_a_clinician_is_told_the_board_pages_are_not_for_their_role(
    page: Page, public_url: str, screenshot: Screenshot
) -> None:
    login(page, public_url, "clinician.a", "/board")
    expect(
        page.get_by_role("heading", level=1, name="You do not have access to this page")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Board and HEAT")).to_have_count(0)
    check_screen(page, "the board pages for a clinician", screenshot, "forbidden")


def test_board_member_amends_a_submitted_self_assessment_with_a_reason(
    page: Page,
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    board = staff_api("board.member")
    definition = latest_definition(board, "board-self-assessment")
    every = {i["id"]: "planned" for s in definition["sections"] for i in s["items"]}
    submitted = board.call(
        "POST",
        "/organisational-assessments?submit=true",
        201,
        json={
            "instrument": "board-self-assessment",
            "assessed_on": date.today().isoformat(),
            "responses": every,
        },
    )
    login(page, public_url, "board.member", f"/board/assessments/{submitted['id']}")
    expect(page.get_by_test_id("maturity-table")).to_contain_text("Emerging")
    page.get_by_role("link", name="Amend this assessment").click()

    # All answered: it opens at "Check your answers", where the reason is asked for.
    expect(
        page.get_by_role("heading", level=1, name=re.compile("Check your answers"))
    ).to_be_visible()
    page.get_by_role("button", name="Amend the assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter why you are amending it")
    check_screen(page, "the amendment without a reason", screenshot, "amend-error")

    first = definition["sections"][0]
    page.get_by_role("link", name=re.compile(f"^Change.*{re.escape(first['title'])}")).click()
    for item in first["items"]:
        page.locator(f"#item-{item['id']}-embedded").check()
    page.get_by_role("link", name=re.compile("Check your answers")).click()
    page.get_by_label("Why are you amending it?").fill("Board development day evidence seen")
    page.get_by_role("button", name="Amend the assessment").click()

    expect(page.get_by_role("heading", level=1, name=re.compile("Results"))).to_be_visible()
    expect(page.get_by_test_id("subject-line")).to_contain_text("revision 2")
    first_row = page.get_by_test_id("maturity-table").get_by_role("row").nth(1)
    expect(first_row).to_contain_text("Thriving")
    revisions = board.call("GET", f"/organisational-assessments/{submitted['id']}/revisions", 200)
    assert [r["amend_reason"] for r in revisions] == [None, "Board development day evidence seen"]
