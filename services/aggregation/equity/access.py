"""Who may upload a service's activity data and keep its action plan (decision 0032). Pure.

Readers are exactly the aggregate readers of ``access.scope`` (decision 0021) for the
dataset's unit: nothing is restated here. Writers are the people responsible for the
service's data: a team lead for their own team; an organisation administrator or analyst of
the providing organisation (a trust) for it or any of its teams. Commissioners and board
members read; system clients read what their ``aggregate:read`` allows and write nothing.
"""

from services.aggregation.access.scope import Basis, ReaderScope
from services.aggregation.hierarchy.rules import Level
from services.common.auth import Principal
from services.common.permissions import Permission


def may_read(scope: ReaderScope, unit_code: str) -> bool:
    """The unit's figures are the caller's to read: a lead's own teams; an organisation
    role's organisation itself (which the hierarchy may not list yet) and everything under it."""
    if scope.basis is Basis.organisation and unit_code == scope.organisation_code:
        return True
    return scope.may_read_unit(unit_code)


def may_write(principal: Principal, scope: ReaderScope, unit_code: str) -> bool:
    if principal.kind != "user":
        return False
    if scope.basis is Basis.teams:
        return unit_code in scope.teams
    provider_role = principal.has(Permission.organisation_admin) or (
        principal.has(Permission.aggregate_read) and not principal.has(Permission.board_assess)
    )
    return provider_role and scope.level is Level.trust and may_read(scope, unit_code)
