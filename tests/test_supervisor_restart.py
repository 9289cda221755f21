"""A service process killed (issue 23, decision 0019): the supervisor behind `make run`
restarts it with backoff while the gateway answers 503 (problem+json, or an
OperationOutcome on /fhir) with Retry-After, never anything else; a crash loop stops the
whole system, saying why.

A stack of its own: these tests kill its processes.
"""

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from equitas_stack.stack import Stack
from equitas_stack.supervisor import RestartPolicy

from services.scoring.tests.api.hef import create_person
from tests.support.faults_report import record
from tests.support.fixtures import Tokens, create_team
from tests.support.own_stack import Supervising, own_stack, supervised

pytestmark = pytest.mark.slow

CLIENTS = int(os.environ.get("SUPERVISOR_CLIENTS", "4"))
MAX_REQUESTS = int(os.environ.get("SUPERVISOR_MAX_REQUESTS", "4000"))
LOAD_AFTER_S = float(os.environ.get("SUPERVISOR_LOAD_AFTER_S", "2.0"))
# Three crashes within a minute is a loop here (five in `make run`), so the test is short.
POLICY = RestartPolicy(first_delay_s=0.5, max_delay_s=2.0, max_crashes=3, window_s=60.0)


@pytest.fixture(scope="module")
def killable_stack() -> Iterator[Stack]:
    with own_stack("supervisor") as system:
        yield system


@pytest.fixture(scope="module")
def supervising(killable_stack: Stack) -> Iterator[Supervising]:
    with supervised(killable_stack, POLICY) as running:
        yield running


def _kill(stack: Stack, name: str) -> int:
    pid = stack.processes[name].pid
    os.kill(pid, signal.SIGKILL)
    return pid


def _unexpected(path: str, response: httpx.Response) -> str | None:
    if response.status_code == 200:
        return None
    if response.status_code != 503:
        return f"{path}: {response.status_code} {response.text[:200]}"
    if response.headers.get("retry-after") != "1":
        return f"{path}: 503 without Retry-After"
    kind = response.headers.get("content-type", "")
    if path.startswith("/fhir"):
        if kind != "application/fhir+json" or response.json()["resourceType"] != "OperationOutcome":
            return f"{path}: 503 as {kind}: {response.text[:200]}"
    elif kind != "application/problem+json" or response.json()["status"] != 503:
        return f"{path}: 503 as {kind}: {response.text[:200]}"
    return None


async def test_a_killed_service_is_restarted_and_the_gateway_answers_503_meanwhile(
    killable_stack: Stack, supervising: Supervising, nhs_number: Callable[[], str]
) -> None:
    url = killable_stack.config.public_url
    tokens = Tokens(url, {})
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        team = await create_team(http, tokens, {"clinician.a": "member"})
        clinician = await tokens.headers("clinician.a")
        person = (await create_person(http, clinician, team, nhs_number()))["id"]
        epr = {"Authorization": f"Bearer {await tokens.system('rio-epr-demo', 'patient:read')}"}
        reads = [
            (f"/api/scoring/people/{person}", clinician),
            (f"/api/scoring/people/{person}/assessments", clinician),
            ("/fhir/Patient", epr),
        ]
        answers: list[tuple[float, str, httpx.Response]] = []
        stop_at = float("inf")

        async def client(number: int) -> None:
            turn = number
            while time.monotonic() < stop_at and len(answers) < MAX_REQUESTS:
                path, headers = reads[turn % len(reads)]
                turn += 1
                answers.append((time.monotonic(), path, await http.get(path, headers=headers)))

        async def fault() -> tuple[float, float]:
            nonlocal stop_at
            await asyncio.sleep(1.0)
            killed_at = time.monotonic()
            old = _kill(killable_stack, "scoring")
            await asyncio.to_thread(
                supervising.wait_for,
                lambda: (
                    killable_stack.processes["scoring"].pid != old
                    and any("scoring is running again" in m for m in supervising.said)
                ),
            )
            back_at = time.monotonic()
            stop_at = back_at + LOAD_AFTER_S
            return killed_at, back_at

        (killed_at, back_at), *_ = await asyncio.gather(
            fault(), *(client(n) for n in range(CLIENTS))
        )

    wrong = [reason for _, path, r in answers if (reason := _unexpected(path, r)) is not None]
    assert not wrong, f"{len(wrong)} answers other than 200 or 503: {wrong[:10]}"
    refused = [at for at, _, r in answers if r.status_code == 503]
    assert refused, "the restart was not seen: no request was refused"
    after = [r.status_code for at, _, r in answers if at > back_at + 0.5]
    assert after, "no reads once scoring was back"
    assert set(after) == {200}, "not full service once scoring was back"
    assert supervising.running, "the supervisor stopped"
    assert any(
        "scoring stopped unexpectedly (killed by signal 9); restarting it in 0.5 s" in m
        for m in supervising.said
    ), supervising.said
    record(
        "service_killed",
        {
            "clients": CLIENTS,
            "requests": len(answers),
            "refused_503": len(refused),
            "other_errors": 0,
            "back_after_kill_s": round(back_at - killed_at, 3),
            "supervisor_running": True,
        },
    )
    print(
        f"{len(answers)} reads; {len(refused)} answered 503 over "
        f"{max(refused) - min(refused):.2f}s; scoring ready again {back_at - killed_at:.2f}s "
        "after it was killed"
    )


def test_a_crash_loop_stops_everything_and_says_why(
    killable_stack: Stack, supervising: Supervising
) -> None:
    processes = dict(killable_stack.processes)
    for _ in range(POLICY.max_crashes):
        if supervising.crash_loop is not None:
            break
        old = _kill(killable_stack, "scoring")
        supervising.wait_for(
            lambda old=old: (
                supervising.crash_loop is not None or killable_stack.processes["scoring"].pid != old
            )
        )
    supervising.wait_for(lambda: not supervising.running)
    message = supervising.crash_loop
    assert message is not None, supervising.said
    assert message.startswith(
        f"scoring crashed {POLICY.max_crashes} times within 60 s (last: killed by signal 9); "
        "stopping Equitas"
    ), message
    # Everything stopped, not only the looping service.
    for name, proc in {**processes, **killable_stack.processes}.items():
        assert proc.poll() is not None, f"{name} is still running"
    record("crash_loop", {"crashes": POLICY.max_crashes, "stopped_everything": True})
