"""The metrics API (``/api/aggregation/...``): every route takes ``AggregateReader`` (who may
read what, decision 0021) and ``MetricQuery`` (what is asked, each parameter checked), and
answers figures that have passed disclosure control, with their method, caveats and the
suppression applied."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from services.aggregation.access.auth import AggregateReader
from services.aggregation.metrics.change import compute_change
from services.aggregation.metrics.completeness import compute_completeness
from services.aggregation.metrics.funnel import FunnelMeasure, compute_funnel
from services.aggregation.metrics.inequality import Quantiles, compute_inequality
from services.aggregation.metrics.query import MetricQuery, metric_query
from services.aggregation.metrics.schemas import (
    Change,
    Completeness,
    Funnel,
    Inequality,
    Summary,
    TimeSeries,
)
from services.aggregation.metrics.summary import compute_summary, compute_timeseries
from services.common.direct import direct_connection
from services.common.errors import problem_responses

router = APIRouter(
    prefix="/api/aggregation", tags=["metrics"], responses=problem_responses(401, 403, 422)
)

Query = Annotated[MetricQuery, Depends(metric_query)]


@router.get("/summary", summary="People, assessments, mean score and bands by unit and period")
async def summary(reader: AggregateReader, query: Query, request: Request) -> Summary:
    async with direct_connection(request.app.state.engine) as conn:
        return await compute_summary(conn, reader, query)


@router.get("/timeseries", summary="The summary as one series of periods per unit")
async def timeseries(reader: AggregateReader, query: Query, request: Request) -> TimeSeries:
    async with direct_connection(request.app.state.engine) as conn:
        return await compute_timeseries(conn, reader, query)


@router.get("/change", summary="Paired change, first to latest assessment per person")
async def change(reader: AggregateReader, query: Query, request: Request) -> Change:
    async with direct_connection(request.app.state.engine) as conn:
        return await compute_change(conn, reader, query)


@router.get("/inequality", summary="Slope and relative index of inequality across IMD")
async def inequality(
    reader: AggregateReader,
    query: Query,
    request: Request,
    quantile: Quantiles = Quantiles.imd_quintile,
) -> Inequality:
    async with direct_connection(request.app.state.engine) as conn:
        return await compute_inequality(conn, reader, query, quantile)


@router.get("/completeness", summary="How many assessments record each field")
async def completeness(reader: AggregateReader, query: Query, request: Request) -> Completeness:
    async with direct_connection(request.app.state.engine) as conn:
        return await compute_completeness(conn, reader, query)


@router.get("/funnel", summary="Units against their parent with 95% and 99.8% funnel limits")
async def funnel(
    reader: AggregateReader,
    query: Query,
    request: Request,
    measure: FunnelMeasure = FunnelMeasure.improved,
) -> Funnel:
    async with direct_connection(request.app.state.engine) as conn:
        return await compute_funnel(conn, reader, query, measure)
