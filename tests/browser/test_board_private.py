"""The board self-assessment in private mode, in a real browser (chromium through the gateway,
the real IdP and services): board.member answers every question, sees the results and a link
whose fragment carries the code; a new browser context (nobody logged in) opens the link and
sees the same results. Nothing about the answers goes to any storing endpoint: the only write
is the stateless private endpoint, and the code is never in an address a server receives.
A changed code is refused in plain words. axe-core (WCAG 2.2 AA) on every screen, reflow at
320 px, screenshots under var/screenshots/.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.browser.conftest import StaffApi, check_axe, check_reflow, login
from tests.browser.test_hef_form import tab_to

Screenshot = Callable[[Page, str], Path]
PRIVATE_ENDPOINT = "/api/scoring/private/board-self-assessment"


def check_screen(page: Page, where: str, screenshot: Screenshot, name: str) -> None:
    check_axe(page, where)
    check_reflow(page, where)
    screenshot(page, name)


def latest_definition(api: StaffApi, instrument: str) -> dict[str, Any]:
    """The newest standard version, as the service lists them (oldest first)."""
    listed = [
        d
        for d in api.call("GET", "/instruments", 200)
        if d["instrument"] == instrument and d["variant"] == "standard"
    ]
    version = listed[-1]["version"]
    definition: dict[str, Any] = api.call(
        "GET", f"/instruments/{instrument}/standard/{version}", 200
    )
    return definition


def answer_every_question(
    page: Page, definition: dict[str, Any], choose: Callable[[int, list[str]], str]
) -> None:
    """Each section is a step; `choose(section index, option codes)` picks every answer."""
    scales = {s["id"]: [o["code"] for o in s["options"]] for s in definition["response_scales"]}
    for index, section in enumerate(definition["sections"]):
        heading = page.get_by_role("heading", level=1, name=section["title"])
        expect(heading).to_be_visible()
        for item in section["items"]:
            code = choose(index, scales[item["scale"]])
            page.locator(f"#item-{item['id']}-{code}").check()
        if index == 0:
            check_axe(page, f"the step '{section['title']}'")
            check_reflow(page, f"the step '{section['title']}'")
        page.get_by_role("button", name=re.compile(r"^(Save and continue|Continue)$")).click()
    expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_visible()


def results_text(page: Page) -> tuple[str, str]:
    table = page.get_by_test_id("maturity-table")
    expect(table).to_be_visible()
    objectives = page.get_by_test_id("suggested-objectives")
    expect(objectives).to_be_visible()
    return table.inner_text(), objectives.inner_text()


def test_a_private_self_assessment_reopens_from_its_link_with_nothing_stored(
    new_context: Callable[[], BrowserContext],
    public_url: str,
    staff_api: Callable[[str], StaffApi],
    screenshot: Screenshot,
) -> None:
    definition = latest_definition(staff_api("board.member"), "board-self-assessment")
    page = new_context().new_page()
    writes: list[str] = []
    urls: list[str] = []

    def seen(request: Request) -> None:
        urls.append(request.url)
        if request.method in {"POST", "PUT", "PATCH", "DELETE"} and "/api/" in request.url:
            writes.append(f"{request.method} {request.url}")

    login(page, public_url, "board.member", "/board/private")
    page.on("request", seen)
    expect(page.get_by_text("nothing you answer is stored")).to_be_visible()
    screenshot(page, "first-step")

    # Domain n answered with the n-th option throughout: 0%, 25%, 50%, 75% of the maximum,
    # so four different maturity levels.
    answer_every_question(page, definition, lambda index, codes: codes[index % len(codes)])
    check_screen(page, "check your answers (private)", screenshot, "check")
    page.get_by_role("button", name="See your results").click()

    heading = page.get_by_role("heading", level=1, name=re.compile("Your results"))
    expect(heading).to_be_visible()
    expect(heading).to_be_focused()
    table, objectives = results_text(page)
    for section in definition["sections"]:
        assert section["title"] in table
    for level in ("Not started", "Emerging", "Developing", "Maturing"):
        assert level in table, table
    assert "Priority" in objectives
    link = page.get_by_test_id("private-link").input_value()
    match = re.fullmatch(re.escape(public_url) + r"/board/private#code=([A-Za-z0-9_-]+)", link)
    assert match, link
    code = match.group(1)
    assert page.url == link
    check_screen(page, "the private results", screenshot, "results")

    # Nothing went to a storing endpoint, and the code was in no address a server received.
    assert writes == [f"POST {public_url}{PRIVATE_ENDPOINT}"], writes
    assert not any(code in url.split("#")[0] for url in urls)

    # The PDF (signed in: the report needs a login), made from the code in a request body.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the results (PDF)").click()
    assert download.value.suggested_filename == "board-self-assessment-private.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert writes[1:] == [f"POST {public_url}/api/reporting/private/board-self-assessment.pdf"]
    assert not any(code in url.split("#")[0] for url in urls)

    # A new browser context (nobody logged in) opens the link: the same results.
    other = new_context().new_page()
    other_urls: list[str] = []
    other.on("request", lambda request: other_urls.append(request.url))
    other.goto(link)
    expect(other.get_by_role("heading", level=1, name=re.compile("Your results"))).to_be_visible()
    assert results_text(other) == (table, objectives)
    expect(other.get_by_test_id("private-link")).to_have_value(link)
    expect(other.get_by_role("link", name="Log out")).to_have_count(0)
    expect(other.get_by_role("button", name="Download the results (PDF)")).to_have_count(0)
    assert not any(code in url.split("#")[0] for url in other_urls)
    check_screen(other, "the results reopened from the link", screenshot, "reopened")

    # A changed code is refused, in plain words.
    changed = code[:-4] + ("AAAA" if not code.endswith("AAAA") else "BBBB")
    tampered = new_context().new_page()
    tampered.goto(f"{public_url}/board/private#code={changed}")
    expect(
        tampered.get_by_role("heading", level=1, name="This link cannot be opened")
    ).to_be_visible()
    expect(tampered.get_by_text("Check the whole link was copied").first).to_be_visible()
    check_screen(tampered, "a changed link", screenshot, "changed-link")


def test_opening_the_private_page_without_a_link_asks_to_log_in_to_answer(
    page: Page, public_url: str, screenshot: Screenshot
) -> None:
    page.goto(f"{public_url}/board/private")
    expect(
        page.get_by_role("heading", level=1, name="Board self-assessment in private")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    check_screen(page, "the private start (logged out)", screenshot, "logged-out")


def test_the_private_self_assessment_with_the_keyboard_alone(
    page: Page, public_url: str, staff_api: Callable[[str], StaffApi]
) -> None:
    """Tab, Space and Enter only: every question's first answer (Tab enters a radio group on
    it), "Continue" on each step, "See your results" at the end."""
    definition = latest_definition(staff_api("board.member"), "board-self-assessment")
    login(page, public_url, "board.member", "/board/private")
    for section in definition["sections"]:
        heading = page.get_by_role("heading", level=1, name=section["title"])
        expect(heading).to_be_focused()
        for item in section["items"]:
            tab_to(page, page.locator(f"#item-{item['id']}-not_in_place"))
            page.keyboard.press("Space")
        tab_to(page, page.get_by_role("button", name="Continue"))
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_focused()
    tab_to(page, page.get_by_role("button", name="See your results"))
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=1, name=re.compile("Your results"))
    expect(heading).to_be_focused()
    expect(page.get_by_test_id("maturity-table")).to_contain_text("Not started")
