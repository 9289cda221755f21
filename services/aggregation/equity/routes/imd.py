"""The IMD lookup over HTTP (decision 0046): an organisation administrator loads a vintage
of the English Indices of Deprivation from its published CSV (streamed, whole or nothing);
a dataset may say which vintage its LSOA codes are on."""

import asyncio
from typing import Annotated

import asyncpg
from fastapi import Header, Path, Request

from services.aggregation.equity import imd_lookup, imports
from services.aggregation.equity.routes.caller import (
    CSV_TYPE,
    DatasetId,
    EquityCaller,
    OrganisationAdmin,
    UnsupportedType,
    equity_router,
    readable_dataset,
    writable,
)
from services.aggregation.equity.routes.imports import field_problems, unreadable
from services.aggregation.equity.schemas import (
    DatasetImdVintage,
    EquityImdLookupRead,
    ImdVintage,
)
from services.common.direct import direct_connection
from services.common.errors import InvalidInput, PayloadTooLarge, problem_responses

router = equity_router()

# The published File 7 is about 15 MB (IoD2019): room for an edition with more columns.
LOOKUP_MAX_BYTES = 64 * 1024 * 1024
LOOKUP_BODY = {
    "requestBody": {
        "required": True,
        "description": "The IoD File 7 (or File 1) CSV as published, header row first: its "
        "'LSOA code (2011)' (IoD2019) or 'LSOA code (2021)' (IoD2025) and 'Index of Multiple "
        "Deprivation (IMD) Decile ...' columns are read, every other column ignored.",
        "content": {CSV_TYPE: {"schema": {"type": "string"}}},
    }
}


def _lookup_read(row: asyncpg.Record) -> EquityImdLookupRead:
    return EquityImdLookupRead(
        vintage=row["vintage"],
        lsoa_year=row["lsoa_year"],
        lsoas=row["lsoas"],
        loaded_at=row["loaded_at"],
    )


@router.put(
    "/imd-lookups/{vintage}",
    summary="Load (or replace) the IMD lookup of a vintage from its published CSV: every row "
    "or none",
    openapi_extra=LOOKUP_BODY,
    responses=problem_responses(400, 413, 415),
)
async def load_imd_lookup(
    admin: OrganisationAdmin,
    vintage: Annotated[ImdVintage, Path(description="IoD2019 (2011 LSOAs) or IoD2025 (2021)")],
    request: Request,
    content_type: Annotated[str, Header(max_length=200)] = "",
) -> EquityImdLookupRead:
    if content_type.split(";")[0].strip().lower() != CSV_TYPE:
        raise UnsupportedType(f"Send the lookup as {CSV_TYPE}")
    try:
        file = await imports.spool(request.stream(), LOOKUP_MAX_BYTES)
    except OverflowError:
        raise PayloadTooLarge("The file is larger than an IMD lookup can be") from None
    try:
        found = await asyncio.to_thread(imd_lookup.read_lookup, imports.csv_rows(file), vintage)
    except imports.FileUnreadable as exc:
        raise unreadable(exc) from None
    finally:
        file.close()
    if isinstance(found, imd_lookup.LookupRefused):
        if found.header:
            detail = "The header is not that of an IoD lookup file"
        elif found.rejected:
            detail = f"{found.rejected} row{'s' if found.rejected != 1 else ''} refused"
        else:
            detail = "The file has no LSOAs"
        raise InvalidInput(
            f"{detail}; the {vintage} lookup is unchanged",
            errors=field_problems(found.header or found.rows),
        )
    row = await imd_lookup.replace_vintage(
        request.app.state.engine, vintage, found.deciles, admin.subject
    )
    return _lookup_read(row)


@router.get(
    "/imd-lookups",
    summary="The IMD lookups loaded (published figures: any reader may see them)",
)
async def list_imd_lookups(caller: EquityCaller, request: Request) -> list[EquityImdLookupRead]:
    async with direct_connection(request.app.state.engine) as conn:
        rows = await conn.fetch(imd_lookup.VINTAGE_SELECT + " ORDER BY vintage")
    return [_lookup_read(r) for r in rows]


@router.get(
    "/datasets/{dataset_id}/imd-vintage",
    summary="The IMD vintage a dataset's LSOA codes are read against",
    responses=problem_responses(404),
)
async def get_dataset_imd_vintage(
    caller: EquityCaller, dataset_id: DatasetId, request: Request
) -> DatasetImdVintage:
    async with direct_connection(request.app.state.engine) as conn:
        dataset = await readable_dataset(conn, caller, dataset_id)
    return DatasetImdVintage(imd_vintage=dataset["imd_vintage"])


@router.put(
    "/datasets/{dataset_id}/imd-vintage",
    summary="Say which IMD vintage a dataset's LSOA codes are on (for its later imports)",
    responses=problem_responses(400, 404),
)
async def set_dataset_imd_vintage(
    caller: EquityCaller, dataset_id: DatasetId, body: DatasetImdVintage, request: Request
) -> DatasetImdVintage:
    async with direct_connection(request.app.state.engine) as conn:
        writable(caller, await readable_dataset(conn, caller, dataset_id))
        await conn.execute(
            "UPDATE equity_dataset SET imd_vintage = $2 WHERE id = $1", dataset_id, body.imd_vintage
        )
    return body
