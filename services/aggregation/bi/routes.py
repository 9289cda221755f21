"""BI routes (``docs/bi.md``): the tidy tables as CSV, JSON and Parquet, the OData v4 feed,
and the BI access tokens an organisation or ICB administrator mints for them; one module
each, all under ``/api/aggregation/bi``."""

from fastapi import APIRouter

from services.aggregation.bi import odata_routes, table_routes, token_routes

router = APIRouter()
# In this order the contract lists them.
for part in (table_routes, odata_routes, token_routes):
    router.include_router(part.router)
