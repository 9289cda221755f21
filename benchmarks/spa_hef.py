"""HEF step change in the SPA (issue 19: <= 100 ms), measured in Debian chromium through the
gateway with the real IdP and services.

A clinician logs in on the IdP's page, opens a new HEF draft and goes through the
determinants forward and back ``ROUNDS`` times. Each step change answers one indicator
first (so autosave is pending and is sent as the step changes, as in real use), then
presses "Save and continue" or "Previous"; the time is from the press to the first frame
painted after the new step's heading is in the page (performance.now in the page: no
Playwright round trip in the figure). ``hef_step_ms`` is the median, ``hef_step_p95_ms``
the 95th percentile.

Results go to ``var/bench/spa_hef.json`` (all figures) and into ``var/bench/spa.json``
(read-update-write: other SPA benchmarks write its other keys).
"""

import json
import re
import statistics
import uuid
from pathlib import Path
from typing import Any

import httpx
from equitas_idp.demo import load_demo_users
from equitas_stack.stack import DEMO_USERS_FILE
from playwright.sync_api import Page, expect, sync_playwright

from benchmarks.harness import RESULTS_DIR, BenchContext, load_average
from tests.support.world import next_nhs_number

NAME = "spa_hef"
SPA_RESULTS = RESULTS_DIR / "spa.json"
TARGET_MS = 100.0
ROUNDS = 4
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip
TIMEOUT_MS = 15_000

# Press a button, wait for the new step's heading, then for the next painted frame.
_STEP_CHANGE_JS = """
async ([button, expected]) => {
  const target = [...document.querySelectorAll('button')].find((b) => b.textContent === button);
  const heading = () => document.querySelector('h1')?.textContent ?? '';
  const start = performance.now();
  target.click();
  await new Promise((resolve) => {
    if (heading().endsWith(expected)) return resolve();
    const observer = new MutationObserver(() => {
      if (heading().endsWith(expected)) { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - start;
}
"""


def _setup(context: BenchContext) -> tuple[str, list[tuple[str, str, str]]]:
    """A team with the clinician, a person on it and a new HEF draft; the draft's id and, per
    determinant, (section id, title, first indicator id)."""
    users = {u.username: u for u in load_demo_users(DEMO_USERS_FILE)}
    admin = {"Authorization": f"Bearer {context.user_token('org.admin')}"}
    clinician = {"Authorization": f"Bearer {context.user_token('clinician.a')}"}
    with httpx.Client(base_url=context.public_url, timeout=30) as http:
        code = f"B-{uuid.uuid4().hex[:10].upper()}"
        http.post(
            "/api/scoring/teams", json={"code": code, "name": "SPA bench"}, headers=admin
        ).raise_for_status()
        http.put(
            f"/api/scoring/teams/{code}/members/{users['clinician.a'].uid}",
            json={"display_name": users["clinician.a"].name, "role": "member"},
            headers=admin,
        ).raise_for_status()
        person = http.post(
            "/api/scoring/people",
            json={
                "team_code": code, "nhs_number": next_nhs_number(), "given_name": "Bench",
                "family_name": "Stepper", "birth_date": "1980-01-01", "sex": "female",
            },
            headers=clinician,
        )  # fmt: skip
        person.raise_for_status()
        draft = http.post(
            f"/api/scoring/people/{person.json()['id']}/assessments",
            json={"episode_type": "referral", "assessed_on": "2026-03-01"},
            headers=clinician,
        )
        draft.raise_for_status()
        assessment = draft.json()
        definition = http.get(
            f"/api/scoring/instruments/{assessment['instrument']}/{assessment['variant']}/"
            f"{assessment['instrument_version']}",
            headers=clinician,
        )
        definition.raise_for_status()
    sections = [(s["id"], s["title"], s["items"][0]["id"]) for s in definition.json()["sections"]]
    return str(assessment["id"]), sections


def _login(page: Page, public_url: str, path: str) -> None:
    page.goto(public_url + path)
    page.get_by_role("button", name="Log in").click()
    page.locator('[data-username="clinician.a"]').first.click()
    expect(page).to_have_url(re.compile(re.escape(public_url + path.split("?")[0])))


def _measure(page: Page, sections: list[tuple[str, str, str]]) -> list[float]:
    timings: list[float] = []
    options = ["none", "low", "moderate", "high"]
    for round_number in range(ROUNDS):
        answer = options[round_number % len(options)]
        order = list(range(len(sections)))
        for forward in (True, False):
            path = order if forward else order[::-1]
            for position, index in enumerate(path[:-1]):
                _, _, item = sections[index]
                page.locator(f"#item-{item}-{answer}").check()
                _, title, _ = sections[path[position + 1]]
                button = "Save and continue" if forward else "Previous"
                elapsed = page.evaluate(_STEP_CHANGE_JS, [button, title])
                timings.append(float(elapsed))
    return timings


def run(context: BenchContext) -> dict[str, Any]:
    load_before = load_average()
    assessment_id, sections = _setup(context)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            first = sections[0][0]
            _login(page, context.public_url, f"/assessments/{assessment_id}?step={first}")
            expect(page.get_by_role("heading", level=1)).to_contain_text(sections[0][1])
            timings = _measure(page, sections)
        finally:
            browser.close()
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    result: dict[str, Any] = {
        "hef_step_ms": round(statistics.median(timings), 1),
        "hef_step_p95_ms": round(p95, 1),
        "hef_step_max_ms": round(ordered[-1], 1),
        "step_changes": len(timings),
        "target_ms": TARGET_MS,
        "load_average_before": load_before,
        "warnings": [],
    }
    if result["hef_step_ms"] > TARGET_MS:
        result["warnings"].append(
            f"hef_step_ms {result['hef_step_ms']} is over the {TARGET_MS:g} ms budget"
        )
    merge_into_spa_results({"hef_step_ms": result["hef_step_ms"]})
    return result


def merge_into_spa_results(figures: dict[str, Any]) -> None:
    """Read-update-write var/bench/spa.json, keeping the keys other benchmarks wrote."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    current: dict[str, Any] = {}
    if SPA_RESULTS.exists():
        try:
            loaded = json.loads(SPA_RESULTS.read_text(encoding="utf-8"))
            current = loaded if isinstance(loaded, dict) else {}
        except json.JSONDecodeError:
            current = {}
    current.update(figures)
    SPA_RESULTS.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
