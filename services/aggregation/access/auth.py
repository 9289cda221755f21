"""``AggregateReader``: the one dependency every metrics and BI route takes to learn who is
calling and what they may read (``access.scope``, decision 0021)."""

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from services.aggregation.access.scope import Basis, NotAReader, ReaderScope, reader_basis
from services.aggregation.access.teams import LeadTeams
from services.aggregation.hierarchy import repository
from services.aggregation.hierarchy.rules import LEVEL_OF_KIND, Level
from services.aggregation.settings import AggregationSettings
from services.common.auth import Credentials, Principal, current_principal
from services.common.direct import direct_connection
from services.common.errors import Forbidden


def lead_teams(request: Request) -> LeadTeams:
    """The worker's ``LeadTeams``, made on first use from the app's HTTP client."""
    state = request.app.state
    found: LeadTeams | None = getattr(state, "lead_teams", None)
    if found is None:
        settings: AggregationSettings = state.settings
        found = LeadTeams(state.http, settings.scoring_url, settings.teams_cache_s)
        state.lead_teams = found
    return found


async def scope_of(request: Request, principal: Principal) -> ReaderScope:
    try:
        basis = reader_basis(principal)
    except NotAReader as exc:
        raise Forbidden(str(exc)) from exc
    organisation = principal.organisation_code or ""
    if basis is Basis.teams:
        teams = await lead_teams(request).led_by(principal)
        if not teams:
            raise Forbidden(
                "Aggregates are for team leads, organisation roles (analyst, board member, "
                "administrator) and commissioners; you lead no team"
            )
        return ReaderScope(basis, organisation, Level.team, frozenset(), teams)
    async with direct_connection(request.app.state.engine) as conn:
        own = await repository.unit(conn, organisation)
        units = await repository.units_under(conn, [organisation], date.today())
    # An organisation the reference file does not list yet is taken to be a trust (its
    # assessments name it); its teams are found through them.
    level = LEVEL_OF_KIND[own.kind] if own is not None else Level.trust
    return ReaderScope(basis, organisation, level, units, frozenset())


async def aggregate_reader(request: Request, credentials: Credentials) -> ReaderScope:
    principal = await current_principal(request, credentials)
    return await scope_of(request, principal)


AggregateReader = Annotated[ReaderScope, Depends(aggregate_reader)]
"""Every metrics and BI route's caller: 401 without a valid token, 403 for anyone who may
read no aggregates, else the scope they may read."""
