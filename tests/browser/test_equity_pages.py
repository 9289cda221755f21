"""Service equity in the browser (issue 22): a team lead creates a dataset, uploads a CSV the
test makes, reads its completeness, engagement (with suppressed cells), representation
against a reference population, an evaluation, keeps the action plan, and sees the reject
report of a bad file. axe and 320 px reflow on every page; screenshots in var/screenshots/.

The data is the test's own: a new team (led by team.lead), its dataset and a reference
population with a unique title, so other tests' data never matters.
"""

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import StaffApi, check_axe, check_reflow, login, make_team
from tests.support.fixtures import Tokens

HEADER = (
    "person_key,referral_date,opted_in,appointments_offered,appointments_attended,"
    "appointments_dna,discharge_date,discharge_reason,outcome_before,outcome_after,age,sex,"
    "ethnic_category,imd_decile,lsoa"
)
LSOAS = ("E01000001", "E01000002")


def activity_csv() -> str:
    """60 referrals in 2025: 30 in IMD quintile 1, 25 in quintile 3 and 5 in quintile 5 (a
    count the service must suppress). Ethnic category missing on 20 rows; no language,
    religion and the like at all (the least complete fields); nobody Black or Black British
    (absent against the reference)."""
    rows = [HEADER]
    for i in range(60):
        decile = 1 if i < 30 else (5 if i < 55 else 10)
        month = 1 + i % 12
        before = month < 7
        offered = 4
        dna = (2 if before else 1) if decile == 1 else i % 2
        attended = offered - dna
        ethnic = "" if i % 3 == 0 else ("A" if i % 2 else "H")
        discharge = f"2025-{month:02d}-28" if i % 4 else ""
        reason = ("dropped_out" if i % 5 == 0 else "completed") if discharge else ""
        rows.append(
            f"pk_{i:04d},2025-{month:02d}-03,{'yes' if i % 6 else 'no'},{offered},{attended},"
            f"{dna},{discharge},{reason},{10 + i % 7},{14 + i % 5},{20 + i % 60},"
            f"{1 + i % 2},{ethnic},{decile},{LSOAS[i % 2]}"
        )
    return "\n".join(rows) + "\n"


BAD_CSV = (
    HEADER
    + "\n"
    + "pk_1,2025-02-03,yes,4,3,1,,,,,40,1,A,1,E01000001\n"
    + "pk_2,2025-02-31,yes,4,3,1,,,,,40,1,A,1,E01000001\n"
    + "pk_3,2025-02-03,maybe,4,3,1,,,,,40,7,A,1,E01000001\n"
)


def aggregation_client(public_url: str, tokens: Tokens, username: str) -> httpx.Client:
    with ThreadPoolExecutor(max_workers=1) as worker:
        token = worker.submit(asyncio.run, tokens.user(username)).result()
    return httpx.Client(
        base_url=public_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )


def load_reference(public_url: str, tokens: Tokens, title: str) -> None:
    """A census-style table for two areas, as an organisation administrator loads one."""
    counts = [
        {"area_code": area, "category": category, "people": people}
        for area in LSOAS
        for category, people in (
            ("white", 700),
            ("asian_or_asian_british", 200),
            ("black_or_black_british", 100),
        )
    ]
    with aggregation_client(public_url, tokens, "org.admin") as admin:
        made = admin.post(
            "/api/aggregation/equity/reference-populations",
            json={"title": title, "dimension": "ethnic_group", "counts": counts},
        )
        assert made.status_code == 201, made.text


def check_page(page: Page, where: str, screenshot: Callable[[Page, str], Path], name: str) -> None:
    check_axe(page, where)
    check_reflow(page, where)
    screenshot(page, name)


def open_section(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Pages of this dataset").get_by_role(
        "link", name=name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_team_lead_analyses_their_service(
    page: Page,
    public_url: str,
    tokens: Tokens,
    staff_api: Callable[[str], StaffApi],
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    suffix = uuid.uuid4().hex[:8]
    team_name = f"Equity team {suffix}"
    make_team(staff_api("org.admin"), {"team.lead": "lead"}, name=team_name)
    reference = f"Census 2021 ethnic group {suffix}"
    load_reference(public_url, tokens, reference)
    good = tmp_path / "activity.csv"
    good.write_text(activity_csv(), encoding="utf-8")
    bad = tmp_path / "activity-bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")

    login(page, public_url, "team.lead")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Service equity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service equity")
    expect(page.get_by_role("heading", name="Create a dataset")).to_be_visible()
    check_page(page, "the datasets page", screenshot, "datasets")

    # Creating: a missing name is said plainly, then the dataset is made for the team.
    page.get_by_role("button", name="Create dataset").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the dataset")
    check_axe(page, "the new dataset form with errors")
    title = f"MSK physiotherapy {suffix}"
    page.get_by_label("Dataset name").fill(title)
    page.get_by_label("Whose activity is it?").select_option(label=team_name)
    page.get_by_label("People experiencing homelessness").check()
    page.get_by_role("button", name="Create dataset").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dataset and upload")
    expect(page.get_by_test_id("dataset-details")).to_contain_text(team_name)
    expect(page.get_by_test_id("dataset-details")).to_contain_text("None yet")
    expect(page.get_by_text("A file is imported whole or not at all")).to_be_visible()
    check_page(page, "an empty dataset", screenshot, "dataset-empty")

    # An empty dataset's analyses say so rather than showing empty tables.
    open_section(page, "Engagement and outcomes")
    expect(page.get_by_test_id("analysis-empty")).to_be_visible()
    open_section(page, "Dataset and upload")

    # Neither CSV nor XLSX: said before anything is sent.
    notes = tmp_path / "notes.txt"
    notes.write_text("not an activity file", encoding="utf-8")
    page.get_by_label("Activity file (CSV or Excel .xlsx)").set_input_files(str(notes))
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("alert")).to_contain_text("The file must be a CSV or an Excel")

    # A bad file: the reject report, by row number and reason, and nothing imported.
    page.get_by_label("Activity file (CSV or Excel .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload file").click()
    report = page.get_by_test_id("reject-report")
    expect(report).to_contain_text("activity-bad.csv was not imported")
    expect(report).to_contain_text("Nothing from this file was imported.")
    rows = page.get_by_test_id("reject-rows")
    expect(rows.locator("tbody tr")).to_have_count(3)
    expect(rows.locator("tbody tr").nth(0)).to_contain_text("3")
    expect(rows.locator("tbody tr").nth(0)).to_contain_text("referral_date")
    expect(rows).to_contain_text("opted_in")
    expect(rows).to_contain_text("sex")
    expect(page.get_by_test_id("dataset-details")).to_contain_text("None yet")
    check_page(page, "the reject report", screenshot, "reject-report")

    # A good file: imported whole, with the progress shown while it goes.
    page.get_by_label("Activity file (CSV or Excel .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_test_id("upload-done")).to_contain_text("activity.csv was imported: 60 rows")
    expect(page.get_by_test_id("dataset-details")).to_contain_text("About 60")
    check_page(page, "a dataset after an upload", screenshot, "dataset-uploaded")

    open_section(page, "Data completeness")
    # Ethnic category is missing on a third of the rows; language was never supplied.
    table = page.get_by_test_id("completeness-table")
    expect(table.get_by_role("row").filter(has_text="Ethnic group")).to_contain_text("33.3%")
    expect(page.get_by_test_id("least-complete")).to_contain_text("Language: 100.0% not recorded")
    expect(table.get_by_role("row").filter(has_text="Language")).to_contain_text("Least complete")
    check_page(page, "completeness", screenshot, "completeness")
    page.get_by_label("Show completeness").select_option("imd_quintile")
    expect(page.get_by_test_id("completeness-table").first).to_contain_text("1 (most deprived)")
    check_axe(page, "completeness by IMD quintile")

    open_section(page, "Engagement and outcomes")
    engagement = page.get_by_test_id("engagement")
    expect(engagement.get_by_role("table").first).to_contain_text("1 (most deprived)")
    expect(page.get_by_test_id("engagement-suppressed")).to_be_visible()
    expect(engagement.get_by_role("table").first).to_contain_text("Suppressed")
    expect(engagement).to_contain_text("Did not attend (DNA) rate, by deprivation (IMD quintile)")
    check_page(page, "engagement", screenshot, "engagement")
    page.get_by_label("Break the figures down by").select_option("sex")
    expect(engagement).to_contain_text("Referrals, by sex")
    check_axe(page, "engagement by sex")
    # Only the second half of the year: the figures say which records they cover.
    page.get_by_text("Choose the period and clinical area").click()
    page.locator("#engagement-from-day").fill("1")
    page.locator("#engagement-from-month").fill("7")
    page.locator("#engagement-from-year").fill("2025")
    page.get_by_role("button", name="Show these figures").click()
    expect(page.get_by_test_id("engagement-coverage")).to_have_text(
        "Figures for referrals from 1 July 2025."
    )
    expect(engagement).to_contain_text("Referrals, by sex")
    check_axe(page, "engagement for a period")

    open_section(page, "Representation")
    page.get_by_label("Compare with").select_option(label=f"{reference} (ethnic group, 2 areas)")
    expect(page.get_by_test_id("absent-groups")).to_contain_text("Black or Black British")
    expect(page.get_by_test_id("representation-table")).to_contain_text("White")
    check_page(page, "representation", screenshot, "representation")

    open_section(page, "Evaluate a change")
    page.get_by_role("button", name="Compare before and after").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the date the change was made")
    check_axe(page, "the evaluation form with errors")
    page.locator("#evaluation-intervention-day").fill("1")
    page.locator("#evaluation-intervention-month").fill("7")
    page.locator("#evaluation-intervention-year").fill("2025")
    page.get_by_role("button", name="Compare before and after").click()
    evaluation = page.get_by_test_id("evaluation")
    expect(evaluation.get_by_test_id("evaluation-table")).to_contain_text("1 (most deprived)")
    expect(evaluation.get_by_test_id("gap-verdict")).to_contain_text("gap")
    expect(evaluation).to_contain_text("Regression to the mean")
    check_page(page, "evaluation", screenshot, "evaluation")

    open_section(page, "Action plan")
    expect(page.get_by_test_id("plan-empty")).to_be_visible()
    page.get_by_label("Action", exact=True).select_option("outreach")
    page.get_by_label("Owner (a role, not a person\u2019s name)").fill("Service manager")
    page.get_by_role("button", name="Add step").click()
    expect(page.get_by_test_id("plan-saved")).to_contain_text("The step was added to the plan.")
    plan = page.get_by_test_id("plan-table")
    expect(plan).to_contain_text("Outreach")
    expect(plan).to_contain_text("Planned")
    plan.get_by_role("button", name="Change step: Outreach, Service manager").click()
    # The step's fields as they are, ready to change.
    expect(page.get_by_label("Owner (a role, not a person\u2019s name)")).to_have_value(
        "Service manager"
    )
    page.get_by_label("Status", exact=True).select_option("in_progress")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("plan-saved")).to_contain_text("The step was changed.")
    expect(plan).to_contain_text("In progress")
    check_page(page, "the action plan", screenshot, "plan")


def test_reader_without_write_sees_no_upload_and_others_are_refused(
    page: Page,
    new_context: Callable[[], BrowserContext],
    public_url: str,
    tokens: Tokens,
    screenshot: Callable[[Page, str], Path],
) -> None:
    """A board member reads the trust's datasets but may not upload; a clinician who leads
    no team has no service equity at all."""
    title = f"Trust dataset {uuid.uuid4().hex[:8]}"
    with aggregation_client(public_url, tokens, "analyst") as analyst:
        made = analyst.post(
            "/api/aggregation/equity/datasets", json={"unit_code": "EQA", "title": title}
        )
        assert made.status_code == 201, made.text
        dataset_id = made.json()["id"]
    login(page, public_url, "board.member", f"/equity/datasets/{dataset_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dataset and upload")
    expect(page.get_by_text("You can read this dataset\u2019s figures")).to_be_visible()
    expect(page.get_by_label("Activity file (CSV or Excel .xlsx)")).to_have_count(0)
    check_page(page, "a dataset a board member reads", screenshot, "read-only")

    page.get_by_role("link", name="All datasets").click()
    expect(page.get_by_test_id("datasets-table")).to_contain_text(title)
    expect(page.get_by_role("heading", name="Create a dataset")).to_have_count(0)

    stranger = new_context().new_page()
    login(stranger, public_url, "clinician.a", "/equity/datasets/999999999")
    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "You do not have access to this page"
    )
    check_axe(stranger, "service equity for a clinician")


def test_a_dataset_that_is_not_yours_is_not_found(page: Page, public_url: str) -> None:
    login(page, public_url, "analyst", "/equity/datasets/999999999")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This dataset was not found, or you do not have access"
    )
    check_axe(page, "a dataset not found")


def test_an_administrator_keeps_the_trusts_data(page: Page, public_url: str) -> None:
    """The administrator is a writer (decision 0032) though the menu offers service equity
    to aggregate readers: the page is open to them by address, for the trust or its teams."""
    login(page, public_url, "org.admin", "/equity")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service equity")
    expect(page.get_by_label("Whose activity is it?")).to_contain_text(
        "Equitas Demo Trust A (the whole organisation)"
    )
    check_axe(page, "service equity for an administrator")
