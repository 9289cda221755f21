"""Equitas permissions and how national RBAC role codes and system scopes map onto them.

Role codes come from CIS2 (`nhsid_nrbac_roles[].role_code` of the selected role). The
mapping is configuration (``EQUITAS_ROLE_PERMISSIONS``) because each trust decides which
national roles may do what; the default below suits the demo users.
"""

from enum import StrEnum


class Permission(StrEnum):
    person_read = "person:read"
    person_write = "person:write"
    assessment_read = "assessment:read"
    assessment_write = "assessment:write"
    organisation_admin = "organisation:admin"
    audit_read = "audit:read"
    instrument_manage = "instrument:manage"
    aggregate_read = "aggregate:read"
    board_assess = "board:assess"
    patient_read = "patient:read"
    patient_write = "patient:write"
    feed_read = "feed:read"
    report_render = "report:render"


CLINICAL = [
    Permission.person_read,
    Permission.person_write,
    Permission.assessment_read,
    Permission.assessment_write,
]

DEFAULT_ROLE_PERMISSIONS: dict[str, list[Permission]] = {
    # Clinical Practitioner Access Role (national code).
    "S8000:G8000:R8000": CLINICAL,
    # The codes below are illustrative stand-ins used by the demo IdP.
    "S8000:G8001:R8006": [Permission.aggregate_read],  # information analyst
    "S8000:G8001:R8007": [Permission.aggregate_read],  # commissioner
    "S8000:G8001:R8008": [  # Equitas organisation administrator
        Permission.organisation_admin,
        Permission.audit_read,
        Permission.instrument_manage,
    ],
    "S8000:G8001:R8009": [Permission.board_assess, Permission.aggregate_read],  # board member
}

# System clients are granted exactly the scopes they hold that name a permission.
SYSTEM_SCOPES = frozenset(
    {
        Permission.patient_read,
        Permission.patient_write,
        Permission.feed_read,
        Permission.aggregate_read,
        Permission.report_render,
    }
)


def permissions_for_role(
    role_code: str | None, mapping: dict[str, list[Permission]]
) -> frozenset[Permission]:
    if role_code is None:
        return frozenset()
    return frozenset(mapping.get(role_code, ()))


def permissions_for_scopes(scopes: frozenset[str]) -> frozenset[Permission]:
    return frozenset(Permission(s) for s in scopes if s in SYSTEM_SCOPES)
