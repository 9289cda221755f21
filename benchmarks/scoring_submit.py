"""Submitting complete HEF assessments through the gateway, against a floor.

Load: ``clients`` concurrent keep-alive connections (50 by default), each posting
``POST /api/scoring/people/{id}/assessments?submit=true`` with a complete HEF (every
indicator answered) as clinician.a, rotating over the people on team EQA-LD-NORTH's
caseload (seeded first). Each request is the real thing: token verification, the caller's
teams, validation, scoring, the assessment, its revision, the audit events and the change
feed event, in one transaction.

Then the same submits offered at the target rate (400/s) at fixed intervals over the same
50 connections (open loop), latency counted from when each request was due: the headline
``p50_ms``/``p95_ms``/``p99_ms``, the latency a clinician sees while the service sustains the
target throughput. The closed loop's own percentiles (``saturated_*``) only restate its
throughput: with every client always waiting, mean latency = clients / throughput
(Little's law), whatever the service does. See docs/benchmarks.md.

Floor: the same client, connections and token against ``POST /api/scoring/benchmark/floor``
(token verification, one transaction, one INSERT). ``ratio_to_floor`` = submits/s divided
by floor/s: how close the submit path comes to the least any authenticated write can cost
on this machine, so the ratio means something even where absolute numbers do not.
"""

from datetime import UTC, date, datetime
from typing import Any

import httpx

from benchmarks.harness import BenchContext, load_average, run_facts
from benchmarks.load import LoadGenerator, LoadResult, Target, run_paced
from services.scoring.demo_data.rows import hef_definition

NAME = "scoring_submit"
TEAM = "EQA-LD-NORTH"
USER = "clinician.a"
PEOPLE = 2000
TARGETS = {"submits_per_s": 400.0, "p95_ms": 60.0, "ratio_to_floor": 0.5}
MAX_ERROR_RATE = 0.01
SUSTAINED = 0.98  # share of the offered rate that must be answered for the rate to count
_CODES = ("none", "low", "moderate", "high")


def hef_body() -> bytes:
    """A complete HEF standard assessment: every indicator answered with a rating."""
    defn = hef_definition()
    items = [item.id for section in defn.sections for item in section.items]
    responses = {item: _CODES[i % len(_CODES)] for i, item in enumerate(items)}
    assessed_on = min(date(2026, 6, 1), datetime.now(UTC).date())
    body = {
        "episode_type": "review",
        "assessed_on": assessed_on.isoformat(),
        "responses": responses,
    }
    return httpx.Request("POST", "/", json=body).content


def team_people(context: BenchContext, token: str) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=context.public_url, timeout=30) as http:
        while True:
            params = {"team": TEAM, "limit": "200", **({"cursor": cursor} if cursor else {})}
            page = http.get("/api/scoring/people", params=params, headers=headers)
            page.raise_for_status()
            body = page.json()
            ids.extend(p["id"] for p in body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                return ids


def _check_once(context: BenchContext, target: Target, expected: int) -> None:
    """One request before any load, so a broken set-up fails clearly, not as 100% errors."""
    with httpx.Client(base_url=context.public_url, timeout=30) as http:
        answer = http.request(
            target.method, target.paths[0], headers=dict(target.headers), content=target.body
        )
    if answer.status_code != expected:
        raise RuntimeError(
            f"{target.method} {target.paths[0]} answered {answer.status_code}, not {expected}: "
            f"{answer.text[:500]}"
        )


def _warm_up(context: BenchContext, generator: LoadGenerator, target: Target, label: str) -> None:
    options = context.options
    if options.warmup_seconds > 0:
        print(f"  {label}: warming up for {options.warmup_seconds:.0f} s ...", flush=True)
        generator.run(target, connections=options.clients, seconds=options.warmup_seconds)


def _measure(
    context: BenchContext, generator: LoadGenerator, target: Target, label: str
) -> LoadResult:
    options = context.options
    print(f"  {label}: measuring for {options.round_seconds:.0f} s ...", flush=True)
    return generator.run(target, connections=options.clients, seconds=options.round_seconds)


def _targets(context: BenchContext, people: list[str]) -> tuple[Target, Target]:
    """The floor and submit requests, with a token fresh for the next few minutes."""
    token = context.user_token(USER)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    base = context.public_url
    floor = Target(base, "POST", ["/api/scoring/benchmark/floor"], headers)
    paths = [f"/api/scoring/people/{p}/assessments?submit=true" for p in people]
    return floor, Target(base, "POST", paths, headers, hef_body())


def _round_facts(floor: LoadResult, submit: LoadResult) -> dict[str, float]:
    ratio = submit.ok_per_s / floor.ok_per_s if floor.ok_per_s else 0.0
    return {
        "floor_per_s": floor.ok_per_s,
        "submits_per_s": submit.ok_per_s,
        "ratio_to_floor": round(ratio, 3),
        "saturated_p95_ms": submit.p95_ms,
    }


def run(context: BenchContext) -> dict[str, Any]:
    options = context.options
    print(f"  seeding {PEOPLE} people into {TEAM} ...", flush=True)
    print("  " + context.seed("--people", str(PEOPLE), "--team", TEAM), flush=True)
    generator = LoadGenerator.choose(options.client)
    people = team_people(context, context.user_token(USER))
    if not people:
        raise RuntimeError(f"{USER} sees nobody on {TEAM}'s caseload")
    floor, submit = _targets(context, people)
    load_before = load_average()
    _check_once(context, floor, 201)
    _check_once(context, submit, 201)
    _warm_up(context, generator, floor, "floor")
    _warm_up(context, generator, submit, "submit")
    # Floor and submit alternate, so a drift in the machine's speed touches both alike;
    # the round with the median ratio is the headline, every round is kept.
    rounds: list[tuple[LoadResult, LoadResult]] = []
    for number in range(options.rounds):
        if number:
            floor, submit = _targets(context, people)
        label = f" (round {number + 1} of {options.rounds})" if options.rounds > 1 else ""
        measured_floor = _measure(context, generator, floor, "floor" + label)
        rounds.append((measured_floor, _measure(context, generator, submit, "submit" + label)))
    floor_result, submit_result = sorted(rounds, key=lambda r: _round_facts(*r)["ratio_to_floor"])[
        len(rounds) // 2
    ]
    rate = TARGETS["submits_per_s"]
    print(f"  submit at {rate:.0f}/s offered (open loop): measuring ...", flush=True)
    paced = run_paced(submit, connections=options.clients, seconds=options.seconds, rate=rate)
    result: dict[str, Any] = {
        **_round_facts(floor_result, submit_result),
        # 50 clients sustaining the target rate (see the module docstring).
        "p50_ms": paced.p50_ms,
        "p95_ms": paced.p95_ms,
        "p99_ms": paced.p99_ms,
        "saturated_p50_ms": submit_result.p50_ms,
        "saturated_p99_ms": submit_result.p99_ms,
        "errors": submit_result.errors,
        "error_rate": round(submit_result.error_rate, 5),
        "floor_errors": floor_result.errors,
        "clients": options.clients,
        "duration_s": submit_result.duration_s,
        "warmup_s": options.warmup_seconds,
        "people": len(people),
        "load_generator": generator.tool,
        "targets": TARGETS,
        **run_facts(options, load_before=load_before),
        "rounds": [_round_facts(*r) for r in rounds],
        "submit": submit_result.as_dict(),
        "floor": floor_result.as_dict(),
        # Latency below saturation: the target rate offered at fixed intervals over the
        # same connections, latency from when each request was due (load.run_paced).
        "at_target_rate": {"offered_per_s": rate, **paced.as_dict()},
    }
    result["warnings"] = warnings(result, submit_result, floor_result, paced)
    return result


def warnings(
    result: dict[str, Any], submit: LoadResult, floor: LoadResult, paced: LoadResult
) -> list[str]:
    out = []
    for label, load in (("submit", submit), ("floor", floor), ("submit at target rate", paced)):
        if load.error_rate > MAX_ERROR_RATE:
            out.append(
                f"INVALID RUN: {label} had {load.errors} errors in {load.requests} requests "
                f"({load.error_rate:.1%} > {MAX_ERROR_RATE:.0%}); statuses {load.statuses}, "
                f"socket errors {load.socket_errors}"
            )
    missed = []
    if result["submits_per_s"] < TARGETS["submits_per_s"]:
        missed.append(f"submits_per_s {result['submits_per_s']} < {TARGETS['submits_per_s']}")
    if paced.ok_per_s < SUSTAINED * TARGETS["submits_per_s"]:
        missed.append(f"{paced.ok_per_s}/s answered of {TARGETS['submits_per_s']}/s offered")
    if result["p95_ms"] >= TARGETS["p95_ms"]:
        missed.append(f"p95_ms {result['p95_ms']} >= {TARGETS['p95_ms']} at the target rate")
    if result["ratio_to_floor"] < TARGETS["ratio_to_floor"]:
        missed.append(f"ratio_to_floor {result['ratio_to_floor']} < {TARGETS['ratio_to_floor']}")
    if missed:
        out.append("target missed: " + "; ".join(missed))
    return out
