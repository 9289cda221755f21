"""Every router of the aggregation service."""

from fastapi import APIRouter

from services.aggregation.bi.routes import router as bi
from services.aggregation.equity.routes import router as equity
from services.aggregation.feed.routes import router as feed
from services.aggregation.hierarchy.routes import router as hierarchy
from services.aggregation.metrics.routes import router as metrics
from services.common.identity import me_router

routers: list[APIRouter] = [me_router("aggregation")]
routers.append(hierarchy)
routers.append(metrics)
routers.append(bi)
routers.append(feed)
routers.append(equity)
