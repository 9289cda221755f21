"""Checking a private_key_jwt client assertion (RFC 7523 §3, OIDC Core §9).

Replay protection needs state, so it lives with the token endpoint; everything here is a
pure check of one assertion against one registered client's public keys.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import deserialize_compact, extract_compact

from equitas_idp.demo import RegisteredClient

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Asymmetric only: "none" proves nothing, and HS* would need a shared secret we do not hold.
ASSERTION_ALGS = ("RS256", "ES256")
IAT_LEEWAY_S = 30


class AssertionRejected(Exception):
    """The assertion does not authenticate the client; the message says why."""


@dataclass(frozen=True)
class VerifiedAssertion:
    client_id: str
    jti: str
    exp: int


def _parts(assertion: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, unverified."""
    try:
        compact = extract_compact(assertion.encode())
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, TypeError) as exc:
        raise AssertionRejected("client_assertion is not a well-formed JWS") from exc
    if not isinstance(claims, dict):
        raise AssertionRejected("client_assertion claims must be a JSON object")
    return dict(compact.protected), claims


def unverified_client_id(assertion: str) -> str:
    """The ``iss`` claim, used only to find which client's keys to verify with."""
    header, claims = _parts(assertion)
    _check_alg(header)
    issuer = claims.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise AssertionRejected("client_assertion has no iss")
    return issuer


def _check_alg(header: dict[str, Any]) -> str:
    alg = header.get("alg")
    if alg not in ASSERTION_ALGS:
        raise AssertionRejected(f"alg {alg!r} is not accepted; use one of {list(ASSERTION_ALGS)}")
    return str(alg)


def verify_client_assertion(
    assertion: str,
    client: RegisteredClient,
    accepted_audiences: Sequence[str],
    now: int,
    max_age_s: int,
) -> VerifiedAssertion:
    """Signature by a key in the client's JWKS, then the claims; ``accepted_audiences[0]``
    is the token endpoint URL (named in the error message)."""
    header, claims = _parts(assertion)
    alg = _check_alg(header)
    if client.jwks is None:
        raise AssertionRejected(f"{client.client_id} has no registered keys")
    keys = KeySet.import_key_set(client.jwks)  # type: ignore[arg-type]
    kid = header.get("kid")
    try:
        key = keys.get_by_kid(kid if isinstance(kid, str) else None)
    except JoseError as exc:
        raise AssertionRejected(f"kid {kid!r} is not in {client.client_id}'s JWKS") from exc
    if key.alg is not None and key.alg != alg:
        raise AssertionRejected(f"key {kid!r} is registered for {key.alg}, not {alg}")
    try:
        deserialize_compact(assertion, key, algorithms=[alg])
    except (JoseError, ValueError, TypeError) as exc:
        raise AssertionRejected("client_assertion signature does not verify") from exc

    if claims.get("iss") != client.client_id or claims.get("sub") != client.client_id:
        raise AssertionRejected("iss and sub must both equal the client id")
    audiences = claims.get("aud")
    audience_list = [audiences] if isinstance(audiences, str) else audiences
    if not isinstance(audience_list, list) or not set(audience_list) & set(accepted_audiences):
        raise AssertionRejected(f"aud must be the token endpoint {accepted_audiences[0]}")
    exp = claims.get("exp")
    # RFC 7519 NumericDate: a JSON number (a bool is a number to Python, not to JSON).
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise AssertionRejected("exp is required and must be a number (seconds since epoch)")
    if exp <= now:
        raise AssertionRejected("client_assertion has expired")
    if exp > now + max_age_s:
        raise AssertionRejected(f"exp may be at most {max_age_s}s ahead")
    iat = claims.get("iat")
    if iat is not None and (not isinstance(iat, int | float) or iat > now + IAT_LEEWAY_S):
        raise AssertionRejected("iat is in the future")
    nbf = claims.get("nbf")
    if nbf is not None and (not isinstance(nbf, int | float) or nbf > now + IAT_LEEWAY_S):
        raise AssertionRejected("client_assertion is not valid yet (nbf)")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise AssertionRejected("jti is required: a unique string per assertion")
    return VerifiedAssertion(client_id=client.client_id, jti=jti, exp=int(exp) + 1)
