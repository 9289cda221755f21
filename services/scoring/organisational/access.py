"""Who may read and change an organisation's board assessments and its HEAT projects.

Stated once here (decision 0030):
- the board tools (subject: the organisation): its board members and its Equitas
  administrators, in the organisation of the role they selected;
- HEAT (subject: a project or programme the organisation owns): anyone holding a role in the
  owning organisation (clinicians, analysts, board members, administrators);
- read only: the commissioner (ICB) of that organisation, as recorded in the organisation
  hierarchy (``organisation.parent_ods_code``), for callers who read aggregates there.
System clients have no part in it (the feed has its own permission).
"""

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import Depends
from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from services.common.auth import Principal, current_principal
from services.common.errors import Forbidden
from services.common.permissions import Permission
from services.scoring.organisations.models import Organisation

SubjectType = Literal["organisation", "programme"]
BOARD = (Permission.board_assess, Permission.organisation_admin)


def _staff(principal: Principal) -> bool:
    return principal.kind == "user" and bool(principal.permissions)


def _own(principal: Principal, organisation: Organisation) -> bool:
    return _staff(principal) and principal.organisation_code == organisation.ods_code


def _commissioner(principal: Principal, organisation: Organisation) -> bool:
    return (
        _staff(principal)
        and principal.has(Permission.aggregate_read)
        and principal.organisation_code is not None
        and organisation.parent_ods_code == principal.organisation_code
    )


def may_change(principal: Principal, organisation: Organisation, subject: SubjectType) -> bool:
    if not _own(principal, organisation):
        return False
    if subject == "organisation":
        return any(principal.has(p) for p in BOARD)
    return True


def may_read(principal: Principal, organisation: Organisation, subject: SubjectType) -> bool:
    return may_change(principal, organisation, subject) or _commissioner(principal, organisation)


def readable_organisations(principal: Principal) -> ColumnElement[bool]:
    """A SQL condition on ``Organisation``: its own, or those it commissions (for reading)."""
    code = principal.organisation_code or ""
    own = col(Organisation.ods_code) == code
    if principal.has(Permission.aggregate_read):
        return or_(own, col(Organisation.parent_ods_code) == code)
    return own


def readable_subjects(principal: Principal, organisation: Organisation) -> Sequence[SubjectType]:
    return [s for s in ("organisation", "programme") if may_read(principal, organisation, s)]


async def _organisational_staff(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    """Members of staff with a role: anyone else is refused (403) before any lookup."""
    if not _staff(principal):
        raise Forbidden("Organisational assessments are for members of staff with a role")
    return principal


Staff = Annotated[Principal, Depends(_organisational_staff)]
