"""The one way a service is assembled: middleware, error handlers, health, auth, database.

Nothing is built at import time: ``build_app`` returns an app whose lifespan creates the
engine, the HTTP client and the token verifier, and disposes of them on shutdown.
"""

import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.auth import JwksCache, TokenPolicy, TokenVerifier
from services.common.database import make_engine, prepare_database, service_database_url
from services.common.errors import (
    PROBLEM_JSON,
    Problem,
    install_problem_handlers,
    problem_response,
    unexpected_error,
)
from services.common.http import make_http_client
from services.common.metrics import Gauges, ServiceMetrics, metrics_router
from services.common.observability import RequestContextMiddleware, configure_logging
from services.common.rate_limit import TOO_MANY, ClientLimits, RateLimitMiddleware
from services.common.request_text import refuse_control_characters
from services.common.settings import ServiceSettings

Hook = Callable[[FastAPI], Awaitable[None]]
PROBLEM_REF = "#/components/schemas/Problem"
REF_TEMPLATE = "#/components/schemas/{model}"


@dataclass
class ServiceSpec:
    name: str  # "scoring", used in paths (/api/scoring) and database names
    title: str
    version: str
    description: str
    routers: Sequence[APIRouter]
    migrations_dir: Path
    on_startup: Sequence[Hook] = field(default_factory=list)
    on_shutdown: Sequence[Hook] = field(default_factory=list)
    readiness_gauges: Gauges | None = None


class Health(BaseModel):
    # ok (healthz); ready, or degraded: ready with a dependency impaired (checks says why).
    status: str
    service: str
    checks: dict[str, str] = {}
    gauges: dict[str, float] = Field(
        default_factory=dict,
        description="Measurements reported with readiness (the aggregation feed's lag); "
        "informative, never a reason to be unready",
    )


def operation_id(route: APIRoute) -> str:
    """Stable, readable operation ids for the generated SPA client: ``<tag>-<function>``."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}"


def health_router(spec: ServiceSpec) -> APIRouter:
    router = APIRouter(tags=["health"])

    async def healthz() -> Health:
        return Health(status="ok", service=spec.name)

    async def readyz(request: Request) -> Any:
        checks: dict[str, str] = {}
        try:
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # readiness reports any failure as not ready
            checks["database"] = f"unavailable: {type(exc).__name__}"
        jwks: JwksCache = request.app.state.token_verifier.jwks
        jwks_status = await jwks.status()
        checks["jwks"] = str(jwks_status)
        if checks["database"] == "ok" and jwks_status.state != "unavailable":
            # Degraded is still ready: cached keys verify tokens while the IdP is down.
            status = "ready" if jwks_status.state == "ok" else "degraded"
            gauges = await _gauges(request.app)
            return Health(status=status, service=spec.name, checks=checks, gauges=gauges)
        return problem_response(
            503,
            "Not ready",
            "not-ready",
            detail=", ".join(f"{k}: {v}" for k, v in checks.items()),
        )

    async def _gauges(app: FastAPI) -> dict[str, float]:
        if spec.readiness_gauges is None:
            return {}
        try:
            return await spec.readiness_gauges(app)
        except Exception:  # a measurement that fails is left out; readiness stands
            return {}

    for prefix, in_schema in (("", False), (f"/api/{spec.name}", True)):
        router.add_api_route(
            f"{prefix}/healthz", healthz, methods=["GET"], include_in_schema=in_schema
        )
        router.add_api_route(
            f"{prefix}/readyz",
            readyz,
            methods=["GET"],
            include_in_schema=in_schema,
            response_model=Health,
            responses={503: {"description": "A dependency is unavailable"}},
        )
    return router


def build_app(spec: ServiceSpec, settings: ServiceSettings) -> FastAPI:
    settings.require_role_mapping()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(spec.name, settings.log_level, json_output=settings.log_json)
        database = settings.database_name_for(spec.name)
        url = service_database_url(settings.database_url, database)
        if settings.migrate_on_start:
            await prepare_database(settings.database_url, database, spec.migrations_dir)
        engine = make_engine(
            url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout_s=settings.database_pool_timeout_s,
        )
        http = make_http_client()
        app.state.settings = settings
        app.state.engine = engine
        app.state.sessionmaker = async_sessionmaker(
            engine, class_=AsyncSession, expire_on_commit=False
        )
        app.state.http = http
        app.state.token_verifier = TokenVerifier(
            TokenPolicy(
                issuer=settings.oidc_issuer,
                audience=settings.oidc_audience,
                algorithms=tuple(settings.oidc_allowed_algorithms),
                leeway_s=settings.oidc_leeway_s,
                role_permissions=settings.role_permissions,
            ),
            JwksCache(settings.jwks_url, http),
        )
        for hook in spec.on_startup:
            await hook(app)
        # What start-up built lives as long as the worker: keep it out of every garbage
        # collection from now on (fewer objects to scan per request).
        gc.collect()
        gc.freeze()
        gc.set_threshold(settings.gc_young_threshold, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            for hook in spec.on_shutdown:
                await hook(app)
            await http.aclose()
            await engine.dispose()

    app = FastAPI(
        title=spec.title,
        version=spec.version,
        description=spec.description,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        openapi_url=f"/api/{spec.name}/openapi.json",
        docs_url=f"/api/{spec.name}/docs",
        redoc_url=None,
        # First of every route's dependencies: no text with control characters gets past.
        dependencies=[Depends(refuse_control_characters)],
    )
    app.state.settings = settings
    _serve_problems_as_problem_json(app)
    install_problem_handlers(app)
    metrics = ServiceMetrics(spec.name, app, spec.readiness_gauges)
    app.state.metrics = metrics
    staff, systems = settings.rate_limits()
    # Inside the request context (the last added runs first): a refusal has its request id,
    # access-log line and metrics like any other answer.
    app.add_middleware(
        RateLimitMiddleware, limits=ClientLimits(staff, systems, settings.rate_limit_clients)
    )
    app.add_middleware(
        RequestContextMiddleware, unhandled=unexpected_error, observe=metrics.observe
    )
    app.include_router(health_router(spec))
    # On the service's own port only: the gateway routes nothing there (decision 0044).
    app.include_router(metrics_router(metrics))
    for router in spec.routers:
        app.include_router(router)
    return app


def _serve_problems_as_problem_json(app: FastAPI) -> None:
    """Document error bodies under ``application/problem+json`` (FastAPI files a response
    model under ``application/json``), so generated clients type them correctly."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                # Any request may be refused for a control character in a header it carries
                # (request_text checks every header), so every operation can answer 422.
                operation.setdefault("responses", {}).setdefault(
                    "422",
                    {
                        "description": "Invalid fields, each named in errors[]",
                        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
                    },
                )
                if operation.get("security"):
                    # Whoever sends credentials is rate limited (rate_limit, decision 0043).
                    operation["responses"].setdefault(
                        "429",
                        {
                            "description": f"{TOO_MANY}: this client is over its rate limit; "
                            "Retry-After says when to try again",
                            "headers": {
                                "Retry-After": {
                                    "description": "Seconds to wait",
                                    "schema": {"type": "integer"},
                                }
                            },
                            "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
                        },
                    )
                for response in operation.get("responses", {}).values():
                    content = response.get("content", {})
                    schema = content.get("application/json", {}).get("schema", {})
                    if schema.get("$ref", "").endswith("/HTTPValidationError"):
                        # Validation failures are answered as problem+json too.
                        content.pop("application/json")
                        content[PROBLEM_JSON] = {"schema": {"$ref": PROBLEM_REF}}
                        response["description"] = "Invalid fields, each named in errors[]"
                    elif PROBLEM_JSON in content and "application/json" in content:
                        content[PROBLEM_JSON] = content.pop("application/json")
        schemas = document.get("components", {}).get("schemas", {})
        if "HTTPValidationError" in schemas:
            del schemas["HTTPValidationError"], schemas["ValidationError"]
            schemas.setdefault("Problem", Problem.model_json_schema(ref_template=REF_TEMPLATE))
            for name, definition in (
                Problem.model_json_schema(ref_template=REF_TEMPLATE).get("$defs", {}).items()
            ):
                schemas.setdefault(name, definition)
            schemas["Problem"].pop("$defs", None)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
