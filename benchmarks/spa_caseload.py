"""The SPA's first screen and its caseload (issue 19), in Debian chromium through the
gateway with the real IdP and services.

- ``first_screen_js_gzip_kb`` (budget 250): the JavaScript the browser fetches to show the
  first screen (the start page, from a cold cache), each file gzipped (level 6, as the
  gateway or a CDN would serve it) and summed, in KiB.
- ``caseload_ms`` (budget 1500): from navigation to the caseload's rows visible, median of
  10 loads. Each load is a clinician opening ``/caseload`` and logging in: the time runs
  from the start of the page load that comes back from the IdP (``performance.timeOrigin``
  of that document) to the first row of the caseload table in the page, so it covers
  fetching the app, the code exchange, ``/me`` and the caseload's first page (50 people,
  half with assessments). Every load is in a new browser context: a cold cache, the worst
  case; ``caseload_warm_ms`` is the same with the app's files already cached.

Results go to ``var/bench/spa_caseload.json`` and into ``var/bench/spa.json``
(read-update-write, as ``spa_hef`` does).
"""

import gzip
import re
import statistics
import uuid
from typing import Any

import httpx
from equitas_idp.demo import load_demo_users
from equitas_stack.stack import DEMO_USERS_FILE
from playwright.sync_api import Browser, Page, expect, sync_playwright

from benchmarks.harness import BenchContext, load_average
from benchmarks.spa_hef import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, merge_into_spa_results
from services.scoring.tests.api.hef import all_rated
from tests.support.world import next_nhs_number

NAME = "spa_caseload"
FIRST_SCREEN_BUDGET_KB = 250.0
CASELOAD_BUDGET_MS = 1500.0
LOADS = 10
PEOPLE = 50
CLINICIAN = "clinician.a"

# Runs in every document: notes when the caseload's first row is in the page.
_ROWS_WATCH = """
(() => {
  const seen = () => document.querySelector('[data-testid="caseload-table"] tbody tr') !== null;
  const note = () => { if (window.__rowsAt === undefined && seen()) window.__rowsAt = performance.now(); };
  new MutationObserver(note).observe(document, { childList: true, subtree: true });
})();
"""


def _setup(context: BenchContext) -> None:
    """A team with the clinician and a full first page of people, half assessed."""
    users = {u.username: u for u in load_demo_users(DEMO_USERS_FILE)}
    admin = {"Authorization": f"Bearer {context.user_token('org.admin')}"}
    clinician = {"Authorization": f"Bearer {context.user_token(CLINICIAN)}"}
    with httpx.Client(base_url=context.public_url, timeout=30) as http:
        code = f"C-{uuid.uuid4().hex[:10].upper()}"
        http.post(
            "/api/scoring/teams", json={"code": code, "name": "Caseload bench"}, headers=admin
        ).raise_for_status()
        http.put(
            f"/api/scoring/teams/{code}/members/{users[CLINICIAN].uid}",
            json={"display_name": users[CLINICIAN].name, "role": "member"},
            headers=admin,
        ).raise_for_status()
        for number in range(PEOPLE):
            person = http.post(
                "/api/scoring/people",
                json={
                    "team_code": code, "nhs_number": next_nhs_number(), "given_name": "Bench",
                    "family_name": f"Caseload{chr(97 + number % 26)}", "birth_date": "1980-01-01",
                    "sex": "female",
                },
                headers=clinician,
            )  # fmt: skip
            person.raise_for_status()
            if number % 2 == 0:
                http.post(
                    f"/api/scoring/people/{person.json()['id']}/assessments",
                    params={"submit": "true"},
                    json={
                        "episode_type": "referral",
                        "assessed_on": "2026-03-01",
                        "responses": all_rated("low"),
                    },
                    headers=clinician,
                ).raise_for_status()


def _first_screen_js(browser: Browser, public_url: str) -> tuple[float, int]:
    context = browser.new_context()
    try:
        page = context.new_page()
        scripts: list[bytes] = []
        page.on(
            "response",
            lambda r: scripts.append(r.body()) if r.request.resource_type == "script" else None,
        )
        page.goto(public_url + "/", wait_until="networkidle")
        expect(page.get_by_role("button", name="Log in")).to_be_visible(timeout=TIMEOUT_MS)
        gzipped = sum(len(gzip.compress(body, compresslevel=6)) for body in scripts)
        return round(gzipped / 1024, 1), len(scripts)
    finally:
        context.close()


def _caseload_load(page: Page, public_url: str) -> float:
    page.goto(public_url + "/caseload")
    page.get_by_role("button", name="Log in").click()
    page.locator(f'[data-username="{CLINICIAN}"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(public_url) + "/caseload$"), timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("caseload-table").locator("tbody tr").first).to_be_visible(
        timeout=TIMEOUT_MS
    )
    return float(page.evaluate("() => window.__rowsAt"))


def _caseload_times(browser: Browser, public_url: str, *, cold: bool) -> list[float]:
    """Ten loads, each in a new context (cold) or all in one (the app's files cached)."""
    times: list[float] = []
    shared = None if cold else browser.new_context()
    if shared is not None:
        shared.add_init_script(_ROWS_WATCH)
    try:
        for _ in range(LOADS):
            context = shared or browser.new_context()
            if shared is None:
                context.add_init_script(_ROWS_WATCH)
            try:
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                times.append(_caseload_load(page, public_url))
                page.close()
            finally:
                if shared is None:
                    context.close()
    finally:
        if shared is not None:
            shared.close()
    return times


def run(context: BenchContext) -> dict[str, Any]:
    load_before = load_average()
    _setup(context)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            js_kb, js_files = _first_screen_js(browser, context.public_url)
            cold = _caseload_times(browser, context.public_url, cold=True)
            warm = _caseload_times(browser, context.public_url, cold=False)
        finally:
            browser.close()
    result: dict[str, Any] = {
        "first_screen_js_gzip_kb": js_kb,
        "first_screen_js_files": js_files,
        "caseload_ms": round(statistics.median(cold), 1),
        "caseload_max_ms": round(max(cold), 1),
        "caseload_warm_ms": round(statistics.median(warm), 1),
        "loads": LOADS,
        "people_on_caseload": PEOPLE,
        "load_average_before": load_before,
        "warnings": [],
    }
    if js_kb > FIRST_SCREEN_BUDGET_KB:
        result["warnings"].append(
            f"first_screen_js_gzip_kb {js_kb} is over the {FIRST_SCREEN_BUDGET_KB:g} KB budget"
        )
    if result["caseload_ms"] > CASELOAD_BUDGET_MS:
        result["warnings"].append(
            f"caseload_ms {result['caseload_ms']} is over the {CASELOAD_BUDGET_MS:g} ms budget"
        )
    merge_into_spa_results({"first_screen_js_gzip_kb": js_kb, "caseload_ms": result["caseload_ms"]})
    return result
