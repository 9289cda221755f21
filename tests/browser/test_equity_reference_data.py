"""Service equity in the browser, beyond the analyses (tests/browser/test_equity_pages.py):
an upload's rows counted while the service checks them (decision 0050), and the reference
data page, where an organisation administrator loads an IMD lookup and a reference
population and every reader sees what is loaded. axe and 320 px reflow on every page;
screenshots in var/screenshots/.
"""

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import check_axe, check_reflow, login
from tests.browser.test_equity_pages import aggregation_client, check_page
from tests.support.fixtures import Tokens

DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
# The IoD2019 lookup the API tests load (services/aggregation/tests/api/test_equity_imd.py):
# loading it again changes nothing another test relies on.
IOD2019 = {"E01990601": 1, "E01990602": 10, "E01990603": 5}


def iod_file(deciles: dict[str, int], header: str = "LSOA code (2011)") -> str:
    """A File 7 as published: more columns than are read, a name with a comma in it."""
    lines = [f'{header},LSOA name (2011),"Local Authority District name (2019)",{DECILE}']
    lines += [f'{code},Demo {code[-3:]},"Bristol, City of",{d}' for code, d in deciles.items()]
    return "\n".join(lines) + "\n"


def big_activity_csv(rows: int) -> str:
    """Enough referrals for the service to report progress between its batches (10,000)."""
    line = "2025-05-01,yes,4,3,1,34,2,A,3"
    header = (
        "referral_date,opted_in,appointments_offered,appointments_attended,appointments_dna,"
        "age,sex,ethnic_category,imd_decile"
    )
    return header + "\n" + "\n".join([line] * rows) + "\n"


def test_an_upload_shows_the_rows_checked_while_the_service_reads_it(
    page: Page, public_url: str, tokens: Tokens, tmp_path: Path
) -> None:
    title = f"Large activity file {uuid.uuid4().hex[:8]}"
    with aggregation_client(public_url, tokens, "analyst") as analyst:
        made = analyst.post(
            "/api/aggregation/equity/datasets", json={"unit_code": "EQA", "title": title}
        )
        assert made.status_code == 201, made.text
        dataset_id = made.json()["id"]
    rows = 150_000
    big = tmp_path / "activity-large.csv"
    big.write_text(big_activity_csv(rows), encoding="utf-8")

    login(page, public_url, "analyst", f"/equity/datasets/{dataset_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dataset and upload")
    page.get_by_label("Activity file (CSV or Excel .xlsx)").set_input_files(str(big))
    page.get_by_role("button", name="Upload file").click()
    progress = page.get_by_test_id("upload-progress")
    # Asked by the upload's own key while it is open: rows counted as they are checked.
    expect(progress).to_contain_text(re.compile(r"[1-9][\d,]* rows checked so far"), timeout=60_000)
    expect(progress).to_contain_text("Checking every row")
    check_axe(page, "an upload being checked")
    expect(page.get_by_test_id("upload-done")).to_contain_text(
        f"activity-large.csv was imported: {rows:,} rows", timeout=120_000
    )


def test_an_administrator_loads_reference_data_and_readers_see_it(
    page: Page,
    new_context: Callable[[], BrowserContext],
    public_url: str,
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    suffix = uuid.uuid4().hex[:8]
    login(page, public_url, "org.admin", "/equity")
    page.get_by_role("link", name="Reference data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reference data")
    check_page(page, "the reference data page", screenshot, "reference-data")

    # An IMD lookup: a file of the wrong vintage is refused whole, the right one loaded.
    wrong = tmp_path / "iod2019-wrong.csv"
    wrong.write_text(iod_file(IOD2019, header="LSOA code (2021)"), encoding="utf-8")
    good = tmp_path / "iod2019.csv"
    good.write_text(iod_file(IOD2019), encoding="utf-8")
    page.get_by_role("button", name="Load lookup").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the IoD file to load")
    page.get_by_label("Vintage").select_option("IoD2019")
    page.get_by_label("IoD file (CSV)").set_input_files(str(wrong))
    page.get_by_role("button", name="Load lookup").click()
    report = page.get_by_test_id("lookup-reject-report")
    expect(report).to_contain_text("iod2019-wrong.csv was not loaded")
    expect(report).to_contain_text("The IoD2019 lookup is unchanged.")
    expect(page.get_by_test_id("lookup-reject-header")).to_contain_text("LSOA code")
    check_page(page, "a refused IMD lookup", screenshot, "lookup-refused")
    page.get_by_label("IoD file (CSV)").set_input_files(str(good))
    page.get_by_role("button", name="Load lookup").click()
    expect(page.get_by_test_id("lookup-done")).to_contain_text(
        "The IoD2019 (2011 LSOAs) lookup was loaded: 3 LSOAs."
    )
    expect(
        page.get_by_test_id("lookups-table").get_by_role("row").filter(has_text="IoD2019")
    ).to_contain_text("3")

    # A reference population: a count that is no number is said by row before sending; a
    # code the service refuses is shown against its row; a good file is loaded.
    title = f"Census 2021 ethnic group {suffix}"
    unreadable = tmp_path / "counts-unreadable.csv"
    unreadable.write_text(
        "area_code,category,people\nE01000001,white,700\nE01000001,asian_or_asian_british,lots\n",
        encoding="utf-8",
    )
    refused = tmp_path / "counts-refused.csv"
    refused.write_text(
        "area_code,category,people\nE01000001,white,700\nNOT-AN-AREA,white,5\n", encoding="utf-8"
    )
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "Area code,Category,People\n"
        "E01000001,white,700\nE01000001,asian_or_asian_british,200\n"
        "E01000002,white,650\nE01000002,black_or_black_british,150\n",
        encoding="utf-8",
    )
    page.get_by_role("button", name="Load reference population").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Groups the people are counted by").select_option("ethnic_group")
    page.get_by_text("What the file must contain").last.click()
    expect(page.get_by_test_id("reference-groups")).to_contain_text("black_or_black_british")
    page.get_by_label("Counts (CSV)").set_input_files(str(unreadable))
    page.get_by_role("button", name="Load reference population").click()
    rows = page.get_by_test_id("reference-reject-rows")
    expect(rows.locator("tbody tr")).to_have_count(1)
    expect(rows).to_contain_text("3")
    expect(rows).to_contain_text("is not a whole number of people")
    page.get_by_label("Counts (CSV)").set_input_files(str(refused))
    page.get_by_role("button", name="Load reference population").click()
    expect(page.get_by_test_id("reference-reject-report")).to_contain_text(
        "Nothing from this file was loaded."
    )
    expect(page.get_by_test_id("reference-reject-rows")).to_contain_text("area_code")
    check_page(page, "a refused reference population", screenshot, "reference-refused")
    page.get_by_label("Counts (CSV)").set_input_files(str(counts))
    page.get_by_role("button", name="Load reference population").click()
    expect(page.get_by_test_id("reference-done")).to_contain_text(
        f"{title} was loaded: 2 areas, 1,700 people."
    )
    table = page.get_by_test_id("references-table")
    expect(table.get_by_role("row").filter(has_text=title)).to_contain_text("Ethnic group")
    check_page(page, "reference data loaded", screenshot, "reference-loaded")

    # An analyst reads what is loaded, and is offered no form.
    reader = new_context().new_page()
    login(reader, public_url, "analyst", "/equity/reference-data")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Reference data")
    expect(reader.get_by_test_id("references-table")).to_contain_text(title)
    expect(reader.get_by_test_id("lookups-table")).to_contain_text("IoD2019")
    expect(reader.get_by_role("button", name="Load lookup")).to_have_count(0)
    expect(reader.get_by_role("button", name="Load reference population")).to_have_count(0)
    check_axe(reader, "reference data for a reader")
    check_reflow(reader, "reference data for a reader")
