"""Reports through the gateway with real tokens (issue 20): the person's HEF profile PDF and
the organisation's HEF summary PDF, each asked for one at a time, as a user would.

- ``person_pdf_p50_ms``, ``person_pdf_p95_ms`` (target p95 < 400 ms): a clinician's PDF of
  a person with three HEF assessments (scoring is read five times, the PDF rendered).
- ``org_pdf_p50_ms``, ``org_pdf_p95_ms`` (target p95 < 3 s): an analyst's HEF summary of
  their trust for the financial year (aggregation is read eight times, the PDF rendered),
  after 40 people of a new team of that trust were assessed twice and the feed synced (and
  whatever earlier benchmarks left in the aggregation store).

Requests: ``EQUITAS_BENCH_REPORTS_PERSON`` (default 60) and ``EQUITAS_BENCH_REPORTS_ORG``
(default 20), after two unmeasured warm-up requests each. Written to
``var/bench/reports.json``.
"""

import os
import statistics
import time
import uuid
from typing import Any

import httpx
from equitas_idp.demo import load_demo_users
from equitas_stack.stack import DEMO_USERS_FILE

from benchmarks.harness import BenchContext, load_average, run_facts
from services.scoring.tests.api.hef import all_rated
from tests.support.world import next_nhs_number

PERSON_TARGET_P95_MS = 400.0
ORG_TARGET_P95_MS = 3000.0
CLINICIAN, ANALYST = "clinician.a", "analyst"
PEOPLE = 40
YEAR = 2026


def _ok(response: httpx.Response, status: int = 200) -> Any:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.url.path}: {response.status_code} {response.text[:300]}"
        )
    return response.json() if "json" in response.headers.get("content-type", "") else None


def _setup(context: BenchContext) -> str:
    """A team of the analyst's trust with the clinician; 40 people assessed in May and
    October; the feed synced. Returns the first person's id."""
    users = {u.username: u for u in load_demo_users(DEMO_USERS_FILE)}
    admin = {"Authorization": f"Bearer {context.user_token('org.admin')}"}
    clinician = {"Authorization": f"Bearer {context.user_token(CLINICIAN)}"}
    with httpx.Client(base_url=context.public_url, timeout=60) as http:
        code = f"R-{uuid.uuid4().hex[:10].upper()}"
        _ok(
            http.post(
                "/api/scoring/teams", json={"code": code, "name": "Report bench"}, headers=admin
            ),
            201,
        )
        user = users[CLINICIAN]
        _ok(
            http.put(
                f"/api/scoring/teams/{code}/members/{user.uid}",
                json={"display_name": user.name, "role": "member"},
                headers=admin,
            )
        )
        first = ""
        for n in range(PEOPLE):
            person = _ok(
                http.post(
                    "/api/scoring/people",
                    json={
                        "team_code": code,
                        "nhs_number": next_nhs_number(),
                        "given_name": "Bench",
                        "family_name": "Report",
                        "birth_date": f"{1950 + n}-06-15",
                        "sex": "female" if n % 2 else "male",
                    },
                    headers=clinician,
                ),
                201,
            )
            first = first or person["id"]
            for on, rating, episode in (
                (f"{YEAR}-05-10", "moderate", "referral"),
                (f"{YEAR}-07-10", "high" if n % 3 else "moderate", "review"),
                (f"{YEAR}-10-10", "low", "discharge"),
            ):
                if n and episode == "review":
                    continue  # only the first person has three; the rest two
                _ok(
                    http.post(
                        f"/api/scoring/people/{person['id']}/assessments",
                        params={"submit": "true"},
                        json={
                            "episode_type": episode,
                            "assessed_on": on,
                            "responses": all_rated(rating),
                        },
                        headers=clinician,
                    ),
                    201,
                )
        _ok(http.post("/api/aggregation/feed/sync", headers=admin))
    return first


def _times(
    context: BenchContext,
    username: str,
    url: str,
    params: dict[str, str],
    count: int,
    parts: dict[str, list[float]] | None = None,
) -> list[float]:
    """Each request's time in ms; ``parts`` collects the service's own Server-Timing
    (``fetch``: reading upstream, ``render``: the PDF)."""
    headers = {"Authorization": f"Bearer {context.user_token(username)}"}
    out: list[float] = []
    with httpx.Client(base_url=context.public_url, timeout=60) as http:
        for n in range(count + 2):
            started = time.perf_counter()
            response = http.get(url, params=params, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or response.headers["content-type"] != "application/pdf":
                raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")
            if n >= 2:  # the first two warm caches (tokens, instrument labels, connections)
                out.append(elapsed)
                for part in response.headers.get("server-timing", "").split(","):
                    name, _, duration = part.strip().partition(";dur=")
                    if parts is not None and duration:
                        parts.setdefault(name, []).append(float(duration))
    return out


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def run(context: BenchContext) -> dict[str, Any]:
    load_before = load_average()
    person = _setup(context)
    person_parts: dict[str, list[float]] = {}
    org_parts: dict[str, list[float]] = {}
    person_ms = _times(
        context,
        CLINICIAN,
        f"/api/reporting/people/{person}/hef-profile.pdf",
        {},
        int(os.environ.get("EQUITAS_BENCH_REPORTS_PERSON", "60")),
        person_parts,
    )
    org_ms = _times(
        context,
        ANALYST,
        "/api/reporting/hef-summary.pdf",
        {"year": str(YEAR)},
        int(os.environ.get("EQUITAS_BENCH_REPORTS_ORG", "20")),
        org_parts,
    )
    result: dict[str, Any] = {
        "person_pdf_p50_ms": round(statistics.median(person_ms), 1),
        "person_pdf_p95_ms": round(_p95(person_ms), 1),
        "org_pdf_p50_ms": round(statistics.median(org_ms), 1),
        "org_pdf_p95_ms": round(_p95(org_ms), 1),
        **{f"person_{k}_p50_ms": round(statistics.median(v), 1) for k, v in person_parts.items()},
        **{f"org_{k}_p50_ms": round(statistics.median(v), 1) for k, v in org_parts.items()},
        "person_requests": len(person_ms),
        "org_requests": len(org_ms),
        **run_facts(context.options, load_before=load_before),
        "warnings": [],
    }
    for key, target in (
        ("person_pdf_p95_ms", PERSON_TARGET_P95_MS),
        ("org_pdf_p95_ms", ORG_TARGET_P95_MS),
    ):
        if result[key] > target:
            result["warnings"].append(f"{key} {result[key]} is over the {target:g} ms target")
    return result
