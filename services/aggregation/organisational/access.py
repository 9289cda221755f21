"""Who may read the board roll-ups, and of which organisations (decision 0047).

The aggregate readers of decision 0021, narrowed as scoring narrows the board records
themselves (decision 0030): a board's results are its own and its commissioner's.

- At a trust: its board members and Equitas administrators read their own trust. Its other
  organisation roles (an analyst) and system clients bound to it read none: scoring does not
  show them the board records either.
- At an ICB or a region: whoever reads its aggregates (commissioners, administrators and
  ``aggregate:read`` clients) reads the trusts under it, and any result whose recorded
  commissioner is it or under it.
- Team leads and clinicians read none (403, without asking scoring about their teams).
"""

from typing import Annotated

from fastapi import Depends, Request

from services.aggregation.access.auth import scope_of
from services.aggregation.access.scope import Basis, NotAReader, ReaderScope, reader_basis
from services.aggregation.hierarchy.rules import Level
from services.common.auth import Credentials, Principal, current_principal
from services.common.errors import Forbidden
from services.common.permissions import Permission

NOT_FOR_TEAMS = (
    "Board roll-ups are for a trust's board members and administrators, and for commissioners"
)
NOT_FOR_TRUST_ROLE = (
    "At a trust, board roll-ups are for its board members and administrators (needs "
    "board:assess or organisation:admin)"
)


def refusal(principal: Principal, scope: ReaderScope) -> str | None:
    """Why this organisation-role caller may not read board roll-ups; None if they may."""
    if scope.level is Level.team:
        return NOT_FOR_TEAMS
    if scope.level is Level.trust:
        board = principal.has(Permission.board_assess) or principal.has(
            Permission.organisation_admin
        )
        return None if principal.kind == "user" and board else NOT_FOR_TRUST_ROLE
    return None


async def board_reader(request: Request, credentials: Credentials) -> ReaderScope:
    principal = await current_principal(request, credentials)
    try:
        basis = reader_basis(principal)
    except NotAReader as exc:
        raise Forbidden(str(exc)) from exc
    if basis is Basis.teams:
        raise Forbidden(NOT_FOR_TEAMS)
    scope = await scope_of(request, principal)
    why = refusal(principal, scope)
    if why is not None:
        raise Forbidden(why)
    return scope


BoardReader = Annotated[ReaderScope, Depends(board_reader)]
"""A board roll-up route's caller: 401 without a valid token, 403 for anyone who may read
no board roll-ups, else the organisations under them (``ReaderScope.units``)."""
