"""Shared by the FHIR API tests: fixtures with fresh NHS numbers, EPR tokens, DB checks."""

import copy
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from equitas_stack.stack import Stack

from services.common.database import service_database_url
from tests.support.fixtures import Tokens

FIXTURES = Path(__file__).parents[1] / "fixtures" / "fhir"
NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
RIO = "rio-epr-demo"  # trust EQA
SYSTMONE = "systmone-epr-demo"  # trust EQB
READ_WRITE = "patient:write patient:read"
FHIR_JSON = "application/fhir+json"
FHIR_XML = "application/fhir+xml"
OUTCOME_SYSTEM = "https://equitas.nhs.example/fhir/CodeSystem/ingest-outcome"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return orjson.loads(fixture_bytes(name))


def with_nhs_number(resource: dict[str, Any], number: str) -> dict[str, Any]:
    """A copy of a Patient with its NHS number identifier set to ``number``."""
    changed = copy.deepcopy(resource)
    identifiers = [i for i in changed.get("identifier", []) if i.get("system") == NHS_SYSTEM]
    if identifiers:
        identifiers[0]["value"] = number
    else:
        changed.setdefault("identifier", []).insert(0, {"system": NHS_SYSTEM, "value": number})
    return changed


def patient(number: str, fixture: str = "patient-minimal.json", **elements: Any) -> dict[str, Any]:
    """A fixture Patient with a fresh NHS number and some elements replaced."""
    return with_nhs_number(fixture_json(fixture), number) | elements


def xml_with_nhs_number(name: str, number: str) -> bytes:
    """A fixture in XML with every test-range NHS number in it replaced by ``number``."""
    return re.sub(rb"999\d{7}", number.encode(), fixture_bytes(name))


def body(resource: Any) -> bytes:
    return orjson.dumps(resource)


async def epr_headers(
    tokens: Tokens, client: str = RIO, scope: str = READ_WRITE, content_type: str = FHIR_JSON
) -> dict[str, str]:
    token = await tokens.system(client, scope)
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


def outcome_codes(response_json: dict[str, Any]) -> list[str]:
    """The Equitas outcome codes (``issue.details``) of an OperationOutcome."""
    return [
        coding["code"]
        for issue in response_json.get("issue", [])
        for coding in issue.get("details", {}).get("coding", [])
        if coding.get("system") == OUTCOME_SYSTEM
    ]


def assert_operation_outcome(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR_JSON), response.headers
    outcome: dict[str, Any] = response.json()
    assert outcome["resourceType"] == "OperationOutcome", outcome
    assert outcome["issue"], outcome
    return outcome


@asynccontextmanager
async def scoring_db(stack: Stack) -> AsyncIterator[asyncpg.Connection]:
    url = service_database_url(stack.database_url, f"{stack.config.database_prefix}scoring")
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        yield conn
    finally:
        await conn.close()


async def people_with_number(conn: asyncpg.Connection, number: str) -> list[asyncpg.Record]:
    """Every person with this NHS number, in any organisation, with the organisation's code."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT p.*, o.ods_code FROM person p JOIN organisation o ON o.id = p.organisation_id "
        "WHERE p.nhs_number = $1 ORDER BY o.ods_code",
        number,
    )
    return rows


async def resources_mentioning(conn: asyncpg.Connection, text: str) -> int:
    """How many stored Patient versions contain ``text`` (e.g. an NHS number) anywhere."""
    count: int = await conn.fetchval(
        "SELECT count(*) FROM patient_resource WHERE resource::text LIKE '%' || $1 || '%'", text
    )
    return count
