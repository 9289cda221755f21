"""Token and userinfo claims in NHS CIS2's shape (pure functions, no I/O).

Source: NHS CIS2's OIDC claims (shared reference nhs-interop.md, "NHS CIS2"): scope
``nhsperson`` gives ``nhsid_useruid``, ``nationalrbacaccess`` gives ``nhsid_nrbac_roles``,
``associatedorgs`` gives ``nhsid_user_orgs`` and ``selectedrole`` gives ``selected_roleid``.
Access tokens follow RFC 9068 (JWT access tokens, ``typ`` ``at+jwt``).
"""

import base64
import hashlib
import secrets
from collections.abc import Collection
from typing import Any

from equitas_idp.demo import DemoRole, DemoUser

STAFF_SCOPES = (
    "openid",
    "profile",
    "nhsperson",
    "nationalrbacaccess",
    "associatedorgs",
    "selectedrole",
)
ACCESS_TOKEN_TYP = "at+jwt"  # noqa: S105 - a JWT type, not a secret
# Everyone signs in "with a smartcard" here: the highest CIS2 assurance.
ASSURANCE_LEVEL = "3"
ACR = "AAL3_ANY"


def new_jti() -> str:
    return secrets.token_urlsafe(18)


def lifetime(now: int, ttl_s: int) -> dict[str, int]:
    return {"iat": now, "nbf": now, "exp": now + ttl_s}


def person_claims(user: DemoUser, role: DemoRole | None, scopes: Collection[str]) -> dict[str, Any]:
    """The user's claims that the granted scopes allow (CIS2 gates each group by scope)."""
    claims: dict[str, Any] = {}
    if "profile" in scopes:
        claims.update(name=user.name, given_name=user.given_name, family_name=user.family_name)
    if "nhsperson" in scopes:
        claims["nhsid_useruid"] = user.uid
    if "nationalrbacaccess" in scopes:
        claims["nhsid_nrbac_roles"] = [r.as_claim() for r in user.roles]
    if "associatedorgs" in scopes:
        claims["nhsid_user_orgs"] = [o.model_dump() for o in user.orgs]
    # A user with no roles has nothing to select, so the claim is left out (as CIS2 does).
    if "selectedrole" in scopes and role is not None:
        claims["selected_roleid"] = role.person_roleid
    return claims


def staff_access_token_claims(
    *,
    issuer: str,
    audience: str,
    client_id: str,
    user: DemoUser,
    role: DemoRole | None,
    scope: str,
    auth_time: int,
    now: int,
    ttl_s: int,
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "sub": user.uid,
        "aud": audience,
        **lifetime(now, ttl_s),
        "jti": new_jti(),
        "client_id": client_id,
        "scope": scope,
        "auth_time": auth_time,
        "id_assurance_level": ASSURANCE_LEVEL,
        "authentication_assurance_level": ASSURANCE_LEVEL,
        "acr": ACR,
        **person_claims(user, role, scope.split()),
    }


def id_token_claims(
    *,
    issuer: str,
    client_id: str,
    user: DemoUser,
    role: DemoRole | None,
    scope: str,
    auth_time: int,
    now: int,
    ttl_s: int,
    nonce: str | None,
    access_token: str,
    alg: str,
) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": user.uid,
        "aud": client_id,
        "azp": client_id,
        **lifetime(now, ttl_s),
        "jti": new_jti(),
        "client_id": client_id,
        "scope": scope,
        "auth_time": auth_time,
        "at_hash": at_hash(access_token, alg),
        "id_assurance_level": ASSURANCE_LEVEL,
        "authentication_assurance_level": ASSURANCE_LEVEL,
        "acr": ACR,
        **person_claims(user, role, scope.split()),
    }
    # OIDC Core §12.2: an ID token from a refresh carries no nonce.
    if nonce is not None:
        claims["nonce"] = nonce
    return claims


def system_access_token_claims(
    *, issuer: str, audience: str, client_id: str, scope: str, org_code: str, now: int, ttl_s: int
) -> dict[str, Any]:
    return {
        "iss": issuer,
        "sub": client_id,
        "aud": audience,
        **lifetime(now, ttl_s),
        "jti": new_jti(),
        "client_id": client_id,
        "scope": scope,
        "org_code": org_code,
        "client_type": "system",
    }


def userinfo_claims(
    user: DemoUser, role: DemoRole | None, scopes: Collection[str]
) -> dict[str, Any]:
    # CIS2 spells the assurance claim differently at the userinfo endpoint.
    return {
        "sub": user.uid,
        **person_claims(user, role, scopes),
        "idassurancelevel": ASSURANCE_LEVEL,
    }


def at_hash(access_token: str, alg: str) -> str:
    """Left half of the SHA-256 of the token, base64url (OIDC Core §3.1.3.6; *S256 algs)."""
    if not alg.endswith("256"):
        raise ValueError(f"at_hash for {alg} is not supported")
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode("ascii")
