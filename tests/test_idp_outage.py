"""The identity provider down (issue 23, decision 0019): tokens keep verifying with the
keys each service fetched before, until they expire; readiness says degraded (still ready)
and why; a token signed with a key the services never saw is a 401, not a 500; once the
provider is back, readiness says ready again.

A stack of its own: this test stops its IdP.
"""

import asyncio
import base64
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from equitas_stack.stack import SERVICES, Stack
from joserfc import jwt
from joserfc.jwk import RSAKey

from services.common.auth import JWKS_CHECK_INTERVAL_S
from services.scoring.tests.api.hef import create_person
from tests.support.faults_report import record
from tests.support.fixtures import Tokens, create_team
from tests.support.own_stack import own_stack

pytestmark = pytest.mark.slow

# Reads with tokens issued before the outage, while it lasts; `make faults` raises them.
CLIENTS = int(os.environ.get("IDP_OUTAGE_CLIENTS", "4"))
MAX_REQUESTS = int(os.environ.get("IDP_OUTAGE_MAX_REQUESTS", "200"))
LOAD_S = float(os.environ.get("IDP_OUTAGE_LOAD_S", "2.0"))


@pytest.fixture(scope="module")
def idp_stack() -> Iterator[Stack]:
    with own_stack("idp-outage") as system:
        yield system


def _readiness(stack: Stack, service: str) -> httpx.Response:
    port = stack.config.service_ports[service]
    return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)


def _until(what: Callable[[], bool], timeout_s: float, why: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not what():
        assert time.monotonic() < deadline, why
        time.sleep(0.2)


def _signed_by_a_stranger(token: str) -> str:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    key = RSAKey.generate_key(2048)
    return jwt.encode({"alg": "RS256", "kid": "a-key-nobody-published"}, claims, key)


async def test_tokens_verify_from_cached_keys_while_the_idp_is_down(
    idp_stack: Stack, nhs_number: Callable[[], str]
) -> None:
    url = idp_stack.config.public_url
    tokens = Tokens(url, {})
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        team = await create_team(http, tokens, {"clinician.a": "member"})
        clinician = await tokens.headers("clinician.a")
        person = (await create_person(http, clinician, team, nhs_number()))["id"]
        # Issued before the outage, first shown to the services during it.
        unseen = {"Authorization": f"Bearer {await tokens.user('clinician.b')}"}
        epr = {"Authorization": f"Bearer {await tokens.system('rio-epr-demo', 'patient:read')}"}
        for service in SERVICES:
            assert _readiness(idp_stack, service).json()["checks"]["jwks"] == "ok"

        idp = idp_stack.processes["idp"]
        idp.send_signal(signal.SIGTERM)
        idp.wait(timeout=30)

        for service in SERVICES:
            _until(
                lambda service=service: (
                    _readiness(idp_stack, service).json()["status"] == "degraded"
                ),
                JWKS_CHECK_INTERVAL_S + 10,
                f"{service} never said degraded",
            )
            ready = _readiness(idp_stack, service)
            assert ready.status_code == 200  # still ready: kept in service
            body = ready.json()
            assert body["checks"]["database"] == "ok"
            assert body["checks"]["jwks"].startswith(
                "degraded: the identity provider's keys cannot be fetched (ConnectError); "
                "tokens are verified with the keys fetched"
            ), body
        through_gateway = await http.get("/api/scoring/readyz")
        assert through_gateway.status_code == 200
        assert through_gateway.json()["status"] == "degraded"

        statuses = await _reads_under_load(
            http,
            [
                (f"/api/scoring/people/{person}", clinician),
                ("/api/scoring/me", unseen),
                ("/fhir/Patient", epr),
            ],
        )
        assert statuses, "no reads during the outage"
        assert set(statuses) == {200}, statuses
        me = await http.get("/api/scoring/me", headers=unseen)
        assert me.status_code == 200, me.text
        for service in SERVICES:
            who = await http.get(f"/api/{service}/me", headers=clinician)
            assert who.status_code == 200, (service, who.text)
        fhir = await http.get("/fhir/Patient", headers=epr)
        assert fhir.status_code == 200, fhir.text
        # A key no service has: refused, however often it is tried while the IdP is down.
        stranger = _signed_by_a_stranger(clinician["Authorization"].removeprefix("Bearer "))
        for _ in range(3):
            refused = await http.get(
                "/api/scoring/me", headers={"Authorization": f"Bearer {stranger}"}
            )
            assert refused.status_code == 401, refused.text
            assert refused.headers["content-type"] == "application/problem+json"
        # Signing in needs the provider: the gateway's 503, to try again.
        login = await http.get("/idp/.well-known/openid-configuration")
        assert login.status_code == 503
        assert login.headers["retry-after"] == "1"

        idp_stack.restart("idp")
        for service in SERVICES:
            _until(
                lambda service=service: _readiness(idp_stack, service).json()["status"] == "ready",
                JWKS_CHECK_INTERVAL_S + 30,
                f"{service} never said ready again",
            )
            assert _readiness(idp_stack, service).json()["checks"]["jwks"] == "ok"
        fresh = Tokens(url, {})
        after = await http.get("/api/scoring/me", headers=await fresh.headers("clinician.a"))
        assert after.status_code == 200, after.text
    record(
        "idp_down",
        {
            "clients": CLIENTS,
            "requests_during_outage": len(statuses),
            "errors": 0,
            "readiness": "degraded",
            "unknown_key": 401,
        },
    )


async def _reads_under_load(
    http: httpx.AsyncClient, reads: list[tuple[str, dict[str, str]]]
) -> list[int]:
    statuses: list[int] = []
    stop_at = time.monotonic() + LOAD_S

    async def client(number: int) -> None:
        turn = number
        while time.monotonic() < stop_at and len(statuses) < MAX_REQUESTS:
            path, headers = reads[turn % len(reads)]
            turn += 1
            statuses.append((await http.get(path, headers=headers)).status_code)

    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return statuses
