"""Shared fixtures for the browser tests: Debian chromium driven by Playwright through the
real gateway, IdP and services (the `stack` fixture), with helpers to log in as a demo
user, run axe-core on the page, check reflow at 320 CSS px and save screenshots.

axe-core comes from the SPA's own pinned devDependency (frontend/node_modules/axe-core),
added to every page of a context as an init script (the CSP forbids inline scripts; an
init script is the browser's own, not the page's). Screenshots go to var/screenshots/.

Test data (teams, people) is made through the API with real tokens (`StaffApi`), with
unique codes and NHS numbers, as the other system tests do.
"""

import asyncio
import json
import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from equitas_idp.demo import load_demo_users
from equitas_stack.stack import DEMO_USERS_FILE, REPO, Stack
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.support.fixtures import Tokens
from tests.support.world import next_nhs_number

CHROMIUM = Path("/usr/bin/chromium")
# Without these, chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
AXE_SCRIPT = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "var" / "screenshots"
# WCAG 2.2 AA and everything below it, as axe tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFLOW_WIDTH = 320  # CSS px: 1280 px at 400% zoom (WCAG 1.4.10)
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[Browser]:
    # Per module: while Playwright's own event loop is open in this thread, no asyncio test
    # can run (every test after the browser tests failed with "Runner.run() cannot be called
    # from a running event loop"). Depends on the stack so that it closes first: the stack's
    # teardown runs asyncio too.
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is missing: `make install-chromium` installs it")
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: `make install-frontend` installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Opens browser contexts (separate cookie jars and memory: separate people), each with
    axe-core on every page; closes them after the test."""
    opened: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(viewport=DESKTOP, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE_SCRIPT))
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Callable[[], BrowserContext]) -> Page:
    return new_context().new_page()


def login(page: Page, public_url: str, username: str, path: str = "/") -> None:
    """Log in through the real IdP as the demo user `username` and land on `path`.

    Opens `path` in the SPA (a fresh page load, so any session in this tab is forgotten:
    tokens live in memory only), presses "Log in" on the start page, chooses the demo user
    on the IdP's page, and waits until the SPA has completed the code exchange and shows
    `path` again (the SPA sends people back where they started). After this, move around
    by clicking: a `page.goto` would reload the app and end the session in the tab.
    """
    page.goto(public_url + path)
    page.get_by_role("button", name="Log in").click()
    page.locator(f'[data-username="{username}"]').first.click()
    expected = re.compile(re.escape(public_url + path.split("?")[0]) + r"(\?.*)?$")
    expect(page).to_have_url(expected, timeout=TIMEOUT_MS)
    # Logged in: the header names someone and offers "Log out".
    expect(page.get_by_role("link", name="Log out")).to_be_visible(timeout=TIMEOUT_MS)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Runs axe-core on the page as it is now; returns its violations (WCAG 2.2 AA)."""
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
            }));
        }""",
        WCAG_TAGS,
    )
    assert isinstance(result, list)
    return result


def check_axe(page: Page, where: str) -> None:
    """Fails the test if axe finds any WCAG 2.2 AA violation; names each with its nodes."""
    violations = axe_violations(page)
    assert violations == [], f"axe on {where}:\n" + json.dumps(violations, indent=2)


def check_reflow(page: Page, where: str) -> None:
    """At 320 CSS px wide the page must not scroll sideways (WCAG 1.4.10, 400% zoom)."""
    size = page.viewport_size or DESKTOP
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 800})
    try:
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], f"{where} scrolls sideways at 320 px: {widths}"
    finally:
        page.set_viewport_size(size)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`screenshot(page, "caseload")` saves var/screenshots/<test name>--caseload.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def save(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{test}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@dataclass
class StaffApi:
    """The scoring API as one demo user, to make test data the way the SPA would."""

    http: httpx.Client
    username: str

    def call(self, method: str, path: str, expect_status: int, **kwargs: Any) -> Any:
        response = self.http.request(method, "/api/scoring" + path, **kwargs)
        assert response.status_code == expect_status, (method, path, response.text[:500])
        return response.json() if response.content else None


@pytest.fixture
def staff_api(public_url: str, tokens: Tokens) -> Iterator[Callable[[str], StaffApi]]:
    """`staff_api("org.admin")`: an API client holding that demo user's real token."""
    clients: list[httpx.Client] = []

    def make(username: str) -> StaffApi:
        # Playwright's event loop runs in this thread: the async token helper gets its own.
        with ThreadPoolExecutor(max_workers=1) as worker:
            token = worker.submit(asyncio.run, tokens.user(username)).result()
        client = httpx.Client(
            base_url=public_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
        )
        clients.append(client)
        return StaffApi(client, username)

    yield make
    for client in clients:
        client.close()


DEMO_UIDS = {user.username: user for user in load_demo_users(DEMO_USERS_FILE)}


def make_team(admin: StaffApi, members: dict[str, str], name: str = "") -> str:
    """A new team of trust EQA with these demo users in these roles ("member" or "lead")."""
    code = f"T-{uuid.uuid4().hex[:10].upper()}"
    admin.call("POST", "/teams", 201, json={"code": code, "name": name or f"Team {code}"})
    for username, role in members.items():
        user = DEMO_UIDS[username]
        admin.call(
            "PUT",
            f"/teams/{code}/members/{user.uid}",
            200,
            json={"display_name": user.name, "role": role},
        )
    return code


def make_person(clinician: StaffApi, team: str, given: str, family: str) -> dict[str, Any]:
    """A person on `team`'s caseload, made by a clinician of that team."""
    body = {
        "team_code": team,
        "nhs_number": next_nhs_number(),
        "given_name": given,
        "family_name": family,
        "birth_date": "1984-02-29",
        "sex": "female",
        "ethnic_category": "A",
        "postcode": "LS1 4AP",
    }
    person: dict[str, Any] = clinician.call("POST", "/people", 201, json=body)
    return person


def unique_family_name(prefix: str = "Browser") -> str:
    """Letters only (names are validated), unique to this call."""
    return prefix + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:8])
