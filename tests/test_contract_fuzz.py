"""Contract fuzzing: schemathesis generates requests from the committed OpenAPI documents
and sends them through the real gateway with real tokens. No answer may be a 5xx, and every
answer must be one the contract documents: its status code, content type, headers and body
schema.

Each example is sent as one of several callers (a clinician of a team, an organisation
administrator, an EPR, a BI tool and the aggregation service), so requests reach past the
permission checks into validation and the business rules. Path ids are sometimes swapped for
ids that exist (the clinician's team, person and assessments) so that "found" answers are
checked too, not only "not found".

`make test` runs a bounded number of examples per operation (EQUITAS_FUZZ_EXAMPLES, default
below); `make fuzz` runs many more.
"""

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from equitas_idp.demo import DemoUser
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

from tests.support.authorisation_table import TABLE, read_table
from tests.support.fixtures import Tokens
from tests.support.world import World, build_world

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("scoring", "aggregation", "reporting")
EXAMPLES = int(os.environ.get("EQUITAS_FUZZ_EXAMPLES", "100"))

SCHEMAS = {s: schemathesis.openapi.from_path(REPO / "openapi" / f"{s}.yaml") for s in SERVICES}
OPERATIONS = {
    op.label: op
    for schema in SCHEMAS.values()
    for result in schema.get_all_operations()
    for op in [result.ok()]
}
CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Each caller's column in the authorisation matrix: cases aimed at things that exist are sent
# as a caller the matrix says is allowed, so they reach the business rules.
COLUMNS = {
    "clinician": "team",
    "organisation admin": "admin",
    "EPR": "rio",
    "BI tool": "powerbi",
    "aggregation": "aggregation",
}
ALLOWED = {
    operation: sorted(c for c, column in COLUMNS.items() if statuses[column] < 300)
    for operation, statuses in read_table(TABLE.read_text()).items()
}

# The gateway refuses a request line and headers over 16 KiB (Caddy: 431) before any
# service sees them; the contract is about what the services answer.
GATEWAY_HEADER_LIMIT = 16 * 1024


@dataclass(frozen=True)
class Fuzzing:
    base_url: str
    callers: dict[str, dict[str, str]]
    world: World
    real_ids: dict[str, list[str]]


@pytest.fixture(scope="module")
async def fuzzing_module(
    gateway: httpx.AsyncClient, tokens: Tokens, demo_users: dict[str, DemoUser]
) -> Fuzzing:
    world = await build_world(gateway, tokens, demo_users)
    return Fuzzing(str(gateway.base_url).rstrip("/"), await _callers(tokens), world, {})


async def _callers(tokens: Tokens) -> dict[str, dict[str, str]]:
    async def bearer(client: str, scope: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {await tokens.system(client, scope)}"}

    return {
        "clinician": await tokens.headers("clinician.a"),
        "organisation admin": await tokens.headers("org.admin"),
        "EPR": await bearer("rio-epr-demo", "patient:write patient:read"),
        "BI tool": await bearer("powerbi-demo", "aggregate:read"),
        "aggregation": await bearer("aggregation-service", "feed:read"),
    }


@pytest.fixture
async def fuzzing(fuzzing_module: Fuzzing, tokens: Tokens) -> Fuzzing:
    """Things that exist, made afresh for each operation: an earlier operation's examples may
    have discharged the person or deleted the assessments. Tokens too: the module can outlast
    one."""
    world = fuzzing_module.world
    person = await world.new_person()
    real_ids = {
        "code": [world.team],
        "person_id": [person],
        "assessment_id": [
            await world.new_assessment(submitted=False, person_id=person),
            await world.new_assessment(submitted=True, person_id=person),
            await world.new_deleted_assessment(),
        ],
        "instrument": ["hef"],
        "variant": ["standard"],
        "version": ["1.0.0-provisional"],
    }
    return replace(fuzzing_module, callers=await _callers(tokens), real_ids=real_ids)


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _with_real_values(case: Any, fuzzing: Fuzzing) -> Any:
    """A valid case made to reach further: the clinician's team where a team is named, and
    ``If-Match: *`` so a change gets past the ETag check to the business rules."""
    if isinstance(case.body, dict) and "team_code" in case.body:
        case.body["team_code"] = fuzzing.real_ids["code"][0]
    if case.query and "team" in case.query:
        case.query["team"] = fuzzing.real_ids["code"][0]
    if case.headers is not None and "if-match" in {k.lower() for k in case.headers}:
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "if-match"}
        case.headers["If-Match"] = "*"
    return case


def cases(operation: Any, fuzzing: Fuzzing) -> st.SearchStrategy[tuple[Any, str]]:
    """(case, caller): valid and invalid requests from any caller, and valid ones aimed at
    things that exist (the team, the person, and a draft, a submitted and a deleted
    assessment) from a caller allowed to act on them."""
    anyone = st.sampled_from(sorted(fuzzing.callers))
    allowed = ALLOWED.get(operation.label) or sorted(fuzzing.callers)
    names = [p.name for p in operation.path_parameters]
    known = [name for name in names if name in fuzzing.real_ids]
    choices = [
        dict(zip(known, values, strict=True))
        for values in itertools.product(*(fuzzing.real_ids[name] for name in known))
    ]
    aimed = [
        st.tuples(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real or None).map(
                lambda case: _with_real_values(case, fuzzing)
            ),
            st.sampled_from(allowed),
        )
        for real in choices
    ]
    return st.one_of(
        st.tuples(operation.as_strategy(GenerationMode.POSITIVE), anyone),
        st.tuples(operation.as_strategy(GenerationMode.NEGATIVE), anyone),
        *aimed,
    )


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_answers_follow_the_contract(label: str, fuzzing: Fuzzing, http: requests.Session) -> None:
    @given(example=cases(OPERATIONS[label], fuzzing))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=DirectoryBasedExampleDatabase(str(REPO / "var" / "hypothesis")),
        print_blob=True,
    )
    def fuzz(example: tuple[Any, str]) -> None:
        case, caller = example
        token = fuzzing.callers[caller]
        sent = case.as_transport_kwargs(base_url=fuzzing.base_url, headers=token)
        # Always as this caller: schemathesis' negative cases may drop the Authorization
        # header, and "no token" is the authorisation matrix's to check.
        sent["headers"] = {
            **{k: v for k, v in sent["headers"].items() if k.lower() != "authorization"},
            **token,
        }
        prepared = requests.Request(
            sent["method"], sent["url"], params=sent.get("params"), headers=sent["headers"]
        ).prepare()
        head = len(prepared.url or "") + sum(
            len(k) + len(str(v)) + 4 for k, v in sent["headers"].items()
        )
        assume(head < GATEWAY_HEADER_LIMIT)
        # Answers, not speed (as in the authorisation matrix): under a full run's load a
        # PDF report once took longer than 30 s, while every answer was as documented.
        response = http.request(**sent, timeout=120)
        case.validate_response(
            response, checks=CHECKS, headers=sent["headers"], transport_kwargs=sent
        )

    fuzz()
