"""What every FHIR route reads from a request: who calls (systems only), the body (media
type and size), ``Prefer`` and ``If-Match``, the base URL, and the context writes need."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Request

from services.common.auth import Principal, require
from services.common.input_rules import INTEGER_MAX, whole_number
from services.common.observability import request_id_var
from services.common.permissions import Permission
from services.scoring.audit.service import endpoint_of
from services.scoring.fhir.bundle import if_match_version
from services.scoring.fhir.fhir_route import FhirHttpError
from services.scoring.fhir.ingest_plan import PatientWrite
from services.scoring.fhir.operation_outcome import FhirInputError
from services.scoring.fhir.parsing import media_format
from services.scoring.fhir.service import WriteContext
from services.scoring.people.models import Person

Result = TypeVar("Result")


def system_client(permission: Permission) -> Callable[..., Awaitable[Principal]]:
    """The caller holds ``permission`` and is a system (client credentials), bound to an
    organisation: staff use the Equitas API, where caseloads decide what they see."""

    async def dependency(
        principal: Annotated[Principal, Depends(require(permission))],
    ) -> Principal:
        if principal.kind != "system":
            raise FhirHttpError.of(403, "The FHIR endpoint is for systems (client credentials)")
        return principal

    return dependency


PatientWriter = Annotated[Principal, Depends(system_client(Permission.patient_write))]
PatientReader = Annotated[Principal, Depends(system_client(Permission.patient_read))]

# The gateway's limit for /fhir ("32MB" in the Caddyfile, decimal). Checked here too, from
# Content-Length before reading, so the refusal is an OperationOutcome.
MAX_BODY_BYTES = 32_000_000
# Bodies larger than this are parsed and validated in a worker thread, so the event loop
# keeps serving other requests meanwhile (docs/benchmarks.md has the measurements).
OFF_LOOP_BYTES = 256 * 1024


def base_url(request: Request) -> str:
    return f"{request.app.state.settings.public_url.rstrip('/')}/fhir"


def weak_etag(version: int) -> str:
    return f'W/"{version}"'


def person_headers(person: Person) -> dict[str, str]:
    return {
        "ETag": weak_etag(person.version),
        "Last-Modified": format_datetime(person.updated_at, usegmt=True),
    }


async def read_body(request: Request) -> tuple[bytes, str]:
    """The request body and its Content-Type: 415 for other media types, 413 when too
    large (from Content-Length before reading anything, else while reading)."""
    content_type = request.headers.get("content-type")
    if not content_type:
        raise FhirHttpError.of(415, "Send Content-Type: application/fhir+json or +xml")
    try:
        media_format(content_type)
    except FhirInputError as error:
        raise FhirHttpError(415, error.issues) from None
    too_large = f"The body is larger than {MAX_BODY_BYTES:,} bytes; send smaller Bundles"
    declared = request.headers.get("content-length", "")
    if declared and whole_number(declared, maximum=MAX_BODY_BYTES) is None:
        raise FhirHttpError.of(413, too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise FhirHttpError.of(413, too_large)
        chunks.append(chunk)
    return b"".join(chunks), content_type


async def off_loop(size: int, work: Callable[[], Result]) -> Result:
    """``work()``, in a worker thread when the input is large."""
    if size > OFF_LOOP_BYTES:
        return await asyncio.to_thread(work)
    return work()


def search_problem(error: FhirInputError) -> FhirHttpError:
    """A bad search or condition in the URL or a header is a 400 (FHIR http.html)."""
    return FhirHttpError(400, error.issues)


def version_number(text: str) -> int | None:
    """A Patient version number, or None when ``text`` cannot name one (not a number, or
    beyond what the version column holds)."""
    return whole_number(text, maximum=INTEGER_MAX)


def if_match_header(raw: str | None) -> int | None:
    """The version ``If-Match`` names, if sent (400 when it names none)."""
    if raw is None:
        return None
    try:
        return if_match_version(raw, "header.if-match")
    except FhirInputError as error:
        raise FhirHttpError(400, error.issues) from None


def local_system_of(request: Request, principal: Principal) -> str | None:
    """The identifier system of the calling client's own local identifiers, if it has one
    (``ScoringSettings.fhir_local_identifier_systems``)."""
    systems: dict[str, str] = request.app.state.settings.fhir_local_identifier_systems
    return systems.get(principal.client_id)


def preferred_return(request: Request) -> Literal["minimal", "representation", "OperationOutcome"]:
    """``Prefer: return=...`` (FHIR http.html#ops); a representation by default."""
    for part in request.headers.get("prefer", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key.strip() == "return" and value.strip() in ("minimal", "OperationOutcome"):
            return "minimal" if value.strip() == "minimal" else "OperationOutcome"
    return "representation"


def write_context(
    request: Request,
    principal: Principal,
    organisation_id: uuid.UUID,
    audit_detail: Callable[[PatientWrite], dict[str, Any]] = lambda write: {},
) -> WriteContext:
    return WriteContext(
        principal=principal,
        organisation_id=organisation_id,
        lookup=request.app.state.deprivation,
        endpoint=endpoint_of(request),
        request_id=request_id_var.get(),
        audit_detail=audit_detail,
    )
