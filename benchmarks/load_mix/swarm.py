"""The users of ``make load`` (locust, headless, through its library API).

Run as ``python -m benchmarks.load_mix.swarm PLAN RESULT`` by ``benchmarks.load_mix``: in a
process of its own because locust's gevent must patch the standard library before anything
else is imported, and the harness that starts the stack uses asyncio and asyncpg.

Who does what (each user waits a few seconds between actions, as people do):
- clinicians (the rest of the users), each on one team's caseload: the caseload's first
  page; a person and their profile (assessments over time); a new HEF: a draft with half
  the answers, an autosave with the rest (If-Match), then submit (If-Match,
  Idempotency-Key); the person's profile PDF;
- EPRs (one user in 20): UK Core Patient pushes, one at a time and in transaction Bundles
  of ``BUNDLE_SIZE`` (Idempotency-Key on each);
- analysts and commissioners (one user in 10): the HEF summary by financial year, broken
  down one way (IMD quintile, sex, ethnic group or age band).

Only the measured window counts: the clock and the figures start ``Plan.warmup_s`` after
every user is running (connections opened, caches warm), and the run ends after
``Plan.seconds`` or ``Plan.max_requests`` answers, the first to come.
"""

from gevent import monkey  # type: ignore[import-untyped]

monkey.patch_all()

import itertools  # noqa: E402 - after the patching, as gevent requires
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
import orjson  # noqa: E402
from gevent.event import Event  # type: ignore[import-untyped]  # noqa: E402
from locust import FastHttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from benchmarks.load_mix.figures import Operation, summary  # noqa: E402
from benchmarks.load_mix.world import Plan, Team, nhs_numbers  # noqa: E402
from services.scoring.tests.api.hef import HEF_ITEMS  # noqa: E402

BUNDLE_SIZE = 10
ASSESSED_ON = "2026-09-14"
BREAKDOWNS = ("imd_quintile", "sex", "ethnic_group", "age_band")
FHIR_JSON = "application/fhir+json"
NETWORK_TIMEOUT_S = 30.0
LAST_NHS_BODY = 999_999_999  # the reserved test range ends at 999 999 9999


class World:
    """The plan, and what the measured window recorded (module state: locust makes the
    users, we cannot hand them arguments)."""

    plan: Plan | None = None
    recording = False
    operations: dict[str, Operation] = {}
    user_numbers = itertools.count()
    epr_numbers = itertools.count()

    @classmethod
    def the_plan(cls) -> Plan:
        if cls.plan is None:
            raise RuntimeError("no plan: run this module with a plan file")
        return cls.plan


def _bearer(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {World.the_plan().tokens[name]}"}


def _etag(response: Any) -> str:
    """The ETag an answer carries (the next write's If-Match), or "" (then a 428)."""
    etag: str = (response.headers or {}).get("etag") or ""
    return etag


class Clinician(FastHttpUser):
    weight = 1
    wait_time = between(2, 6)
    network_timeout = NETWORK_TIMEOUT_S
    connection_timeout = NETWORK_TIMEOUT_S

    def on_start(self) -> None:
        plan = World.the_plan()
        self.rng = random.Random(plan.seed * 1000 + next(World.user_numbers))
        self.team: Team = self.rng.choice(plan.teams)
        self.auth = _bearer(self.team.clinician)

    @task(5)
    def caseload(self) -> None:
        self.client.get(
            f"/api/scoring/people?team={self.team.code}&limit=50",
            headers=self.auth,
            name="caseload",
        )

    @task(4)
    def profile(self) -> None:
        person = self.rng.choice(self.team.assessed)
        self.client.get(f"/api/scoring/people/{person}", headers=self.auth, name="person")
        self.client.get(
            f"/api/scoring/people/{person}/assessments", headers=self.auth, name="profile"
        )

    @task(2)
    def hef(self) -> None:
        person = self.rng.choice(self.team.people)
        half = len(HEF_ITEMS) // 2
        answer = self.rng.choice(("none", "low", "moderate", "high"))
        draft = self.client.post(
            f"/api/scoring/people/{person}/assessments",
            json={
                "episode_type": "review",
                "assessed_on": ASSESSED_ON,
                "responses": dict.fromkeys(HEF_ITEMS[:half], answer),
            },
            headers={**self.auth, "Idempotency-Key": str(uuid.uuid4())},
            name="hef draft",
        )
        if draft.status_code != 201:
            return
        assessment = draft.json()["id"]
        saved = self.client.request(
            "PATCH",
            f"/api/scoring/assessments/{assessment}",
            json={"responses": dict.fromkeys(HEF_ITEMS[half:], answer)},
            headers={**self.auth, "If-Match": _etag(draft)},
            name="hef autosave",
        )
        if saved.status_code != 200:
            return
        self.client.post(
            f"/api/scoring/assessments/{assessment}/submit",
            headers={
                **self.auth,
                "If-Match": _etag(saved),
                "Idempotency-Key": str(uuid.uuid4()),
            },
            name="hef submit",
        )

    @task(1)
    def profile_pdf(self) -> None:
        person = self.rng.choice(self.team.assessed)
        with self.client.get(
            f"/api/reporting/people/{person}/hef-profile.pdf",
            headers=self.auth,
            name="person pdf",
            catch_response=True,
        ) as answer:
            if (
                answer.status_code == 200
                and answer.headers.get("content-type") != "application/pdf"
            ):
                answer.failure(f"200 as {answer.headers.get('content-type')}")


class Epr(FastHttpUser):
    fixed_count = 1  # set from the plan
    wait_time = between(1, 4)
    network_timeout = NETWORK_TIMEOUT_S
    connection_timeout = NETWORK_TIMEOUT_S

    def on_start(self) -> None:
        plan = World.the_plan()
        # Each EPR its own block of the test range above the plan's start, so no two push
        # the same NHS number (a second push would be an update, not a create).
        block = (LAST_NHS_BODY - plan.epr_nhs_start) // max(1, self.fixed_count)
        self.numbers = nhs_numbers(plan.epr_nhs_start + next(World.epr_numbers) * block)
        self.headers = {**_bearer("epr"), "Content-Type": FHIR_JSON, "Accept": FHIR_JSON}

    def _patient(self) -> dict[str, Any]:
        return {
            "resourceType": "Patient",
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": next(self.numbers)}],
            "name": [{"family": "Pushed", "given": ["Load"]}],
            "gender": "female",
            "birthDate": "1984-07-02",
        }  # fmt: skip

    @task(3)
    def push_patient(self) -> None:
        self.client.post(
            "/fhir/Patient",
            data=orjson.dumps(self._patient()).decode(),
            headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
            name="fhir patient push",
        )

    @task(1)
    def push_bundle(self) -> None:
        entries = [
            {"resource": self._patient(), "request": {"method": "POST", "url": "Patient"}}
            for _ in range(BUNDLE_SIZE)
        ]
        bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
        self.client.post(
            "/fhir",
            data=orjson.dumps(bundle).decode(),
            headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
            name=f"fhir bundle push ({BUNDLE_SIZE})",
        )


class Analyst(FastHttpUser):
    fixed_count = 1  # set from the plan
    wait_time = between(2, 6)
    network_timeout = NETWORK_TIMEOUT_S
    connection_timeout = NETWORK_TIMEOUT_S

    def on_start(self) -> None:
        plan = World.the_plan()
        number = next(World.user_numbers)
        self.rng = random.Random(plan.seed * 1000 + number)
        self.auth = _bearer(("analyst", "commissioner")[number % 2])

    @task
    def summary(self) -> None:
        by = self.rng.choice(BREAKDOWNS)
        self.client.get(
            f"/api/aggregation/summary?period=financial_year&by={by}",
            headers=self.auth,
            name="aggregate summary",
        )


def _on_request(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: BaseException | None = None,
    **_: Any,
) -> None:
    if not World.recording:
        return
    operation = World.operations.setdefault(name, Operation())
    operation.record(response_time, None if exception is None else _error_kind(exception))


def _error_kind(exception: BaseException) -> str:
    """Short and free of ids: the exception's class and its message without URLs (which
    hold person and assessment ids), so errors of one kind count together."""
    text = re.sub(r"(for )?(url:? ?)?https?://\S+", "<url>", str(exception), flags=re.I)
    return f"{type(exception).__name__}: {text}"


def run(plan: Plan) -> dict[str, Any]:
    World.plan = plan
    Epr.fixed_count = max(1, plan.users // 20)
    Analyst.fixed_count = max(1, plan.users // 10)
    env = Environment(user_classes=[Clinician, Epr, Analyst], host=plan.public_url)
    env.events.request.add_listener(_on_request)  # type: ignore[no-untyped-call]
    spawned = Event()
    env.events.spawning_complete.add_listener(lambda user_count: spawned.set())  # type: ignore[no-untyped-call]
    runner = env.create_local_runner()
    runner.start(plan.users, spawn_rate=plan.spawn_rate)
    if not spawned.wait(timeout=plan.users / plan.spawn_rate + 60):
        runner.quit()
        raise RuntimeError("the users did not all start")
    gevent.sleep(plan.warmup_s)  # connections opened, caches and fonts loaded: not counted
    World.recording = True
    started = time.monotonic()
    deadline = started + plan.seconds
    while time.monotonic() < deadline:
        if sum(len(op.latencies_ms) for op in World.operations.values()) >= plan.max_requests:
            break
        gevent.sleep(0.25)
    World.recording = False
    duration = time.monotonic() - started
    users = runner.user_count
    by_kind = {name.lower(): n for name, n in runner.user_classes_count.items()}
    runner.quit()
    return {
        "users": users,
        "users_by_kind": by_kind,
        "duration_s": round(duration, 1),
        "warmup_s": plan.warmup_s,
        **summary(World.operations, duration),
    }


def main(argv: list[str]) -> int:
    plan_file, result_file = Path(argv[0]), Path(argv[1])
    result = run(Plan.read(plan_file))
    result_file.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
