"""A database that cannot be reached is a 503 OperationOutcome on FHIR routes, never a 500."""

import orjson
from starlette.requests import Request

from services.scoring.fhir.fhir_route import FHIR_EXCEPTION_HANDLERS

SCOPE = {"type": "http", "method": "POST", "path": "/fhir", "headers": [], "query_string": b""}


async def test_an_unreachable_database_is_a_transient_503() -> None:
    request = Request(SCOPE)
    response = await FHIR_EXCEPTION_HANDLERS[Exception](request, ConnectionRefusedError())
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    outcome = orjson.loads(response.body)
    assert outcome["resourceType"] == "OperationOutcome"
    assert [issue["code"] for issue in outcome["issue"]] == ["transient"]


async def test_a_bug_is_still_a_500() -> None:
    request = Request(SCOPE)
    response = await FHIR_EXCEPTION_HANDLERS[Exception](request, ValueError("a bug"))
    assert response.status_code == 500
