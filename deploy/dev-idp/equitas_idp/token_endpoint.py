"""Token endpoint (RFC 6749 §3.2): authorization code + PKCE and refresh tokens for the
browser app, client credentials with a private_key_jwt assertion for systems (RFC 7523)."""

import base64
import hashlib
import hmac
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from equitas_idp.assertion import (
    CLIENT_ASSERTION_TYPE,
    AssertionRejected,
    unverified_client_id,
    verify_client_assertion,
)
from equitas_idp.authorize import single_valued
from equitas_idp.claims import (
    ACCESS_TOKEN_TYP,
    id_token_claims,
    staff_access_token_claims,
    system_access_token_claims,
)
from equitas_idp.demo import RegisteredClient
from equitas_idp.grants import RefreshGrant, new_handle
from equitas_idp.oauth_errors import NO_STORE, OAuthError
from equitas_idp.provider import Provider, get_provider

router = APIRouter()
ProviderDep = Annotated[Provider, Depends(get_provider)]

# RFC 7636 §4.1: 43-128 unreserved characters.
CODE_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def pkce_s256(code_verifier: str) -> str:
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _token_response(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers=NO_STORE)


@router.post("/token")
async def token(request: Request, provider: ProviderDep) -> JSONResponse:
    try:
        params = single_valued((await request.form()).multi_items())
    except ValueError as exc:
        raise OAuthError("invalid_request", str(exc)) from exc
    provider.grants.purge(provider.now())
    grant_type = params.get("grant_type")
    if grant_type == "authorization_code":
        return _authorization_code(params, provider)
    if grant_type == "refresh_token":
        return _refresh_token(params, provider)
    if grant_type == "client_credentials":
        return _client_credentials(params, provider)
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _public_client(params: dict[str, str], provider: Provider, grant: str) -> RegisteredClient:
    client = provider.clients.get(params.get("client_id", ""))
    if client is None:
        raise OAuthError("invalid_client", "unknown client_id")
    if not client.is_public:
        # Our system clients only use client credentials; no user grants for them.
        raise OAuthError("unauthorized_client", f"{client.client_id} may not use {grant}")
    if grant not in client.grant_types:
        raise OAuthError("unauthorized_client", f"{client.client_id} may not use {grant}")
    return client


def _authorization_code(params: dict[str, str], provider: Provider) -> JSONResponse:
    client = _public_client(params, provider, "authorization_code")
    code = params.get("code", "")
    if not code:
        raise OAuthError("invalid_request", "code is required")
    now = provider.now()
    grants = provider.grants
    used_family = grants.used_codes.get(code, now)
    if used_family is not None:
        grants.revoke_family(used_family)
        raise OAuthError("invalid_grant", "authorization code already used; tokens revoked")
    grant = grants.codes.take(code, now)
    if grant is None:
        raise OAuthError("invalid_grant", "authorization code is unknown or expired")
    # Remember the used code long enough to spot a replay of it while its tokens live.
    grants.used_codes.put(code, grant.family, now + provider.settings.refresh_token_ttl_s)
    if grant.client_id != client.client_id:
        raise OAuthError("invalid_grant", "authorization code was issued to another client")
    if params.get("redirect_uri") != grant.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
    verifier = params.get("code_verifier", "")
    if not CODE_VERIFIER.match(verifier):
        raise OAuthError("invalid_grant", "code_verifier must be 43-128 unreserved characters")
    if not hmac.compare_digest(pkce_s256(verifier), grant.code_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    return _staff_tokens(
        provider,
        RefreshGrant(
            client_id=client.client_id,
            username=grant.username,
            role_id=grant.role_id,
            scope=grant.scope,
            auth_time=grant.auth_time,
            family=grant.family,
        ),
        nonce=grant.nonce,
    )


def _refresh_token(params: dict[str, str], provider: Provider) -> JSONResponse:
    client = _public_client(params, provider, "refresh_token")
    presented = params.get("refresh_token", "")
    if not presented:
        raise OAuthError("invalid_request", "refresh_token is required")
    now = provider.now()
    grants = provider.grants
    # Refresh tokens rotate; a rotated one coming back means it leaked (OAuth 2.0 Security
    # BCP §4.14.2), so the whole family goes.
    rotated_family = grants.rotated_refresh_tokens.get(presented, now)
    if rotated_family is not None:
        grants.revoke_family(rotated_family)
        raise OAuthError("invalid_grant", "refresh token already used; its session was revoked")
    grant = grants.refresh_tokens.take(presented, now)
    if grant is None:
        raise OAuthError("invalid_grant", "refresh token is unknown, expired or revoked")
    grants.rotated_refresh_tokens.put(
        presented, grant.family, now + provider.settings.refresh_token_ttl_s
    )
    if grant.client_id != client.client_id:
        raise OAuthError("invalid_grant", "refresh token was issued to another client")
    scope = grant.scope
    if params.get("scope"):
        narrower = params["scope"].split()
        if not set(narrower) <= set(grant.scope.split()):
            raise OAuthError("invalid_scope", "a refresh cannot add scopes")
        scope = " ".join(narrower)
    return _staff_tokens(
        provider,
        RefreshGrant(
            client_id=grant.client_id,
            username=grant.username,
            role_id=grant.role_id,
            scope=scope,
            auth_time=grant.auth_time,
            family=grant.family,
        ),
        nonce=None,
    )


def _staff_tokens(provider: Provider, grant: RefreshGrant, nonce: str | None) -> JSONResponse:
    settings = provider.settings
    user = provider.users.get(grant.username)
    if user is None:
        raise OAuthError("invalid_grant", "the user no longer exists")
    role = user.role(grant.role_id)
    now = provider.now()
    access_token = provider.keys.sign(
        staff_access_token_claims(
            issuer=settings.issuer,
            audience=settings.audience,
            client_id=grant.client_id,
            user=user,
            role=role,
            scope=grant.scope,
            auth_time=grant.auth_time,
            now=now,
            ttl_s=settings.access_token_ttl_s,
        ),
        typ=ACCESS_TOKEN_TYP,
    )
    id_token = provider.keys.sign(
        id_token_claims(
            issuer=settings.issuer,
            client_id=grant.client_id,
            user=user,
            role=role,
            scope=grant.scope,
            auth_time=grant.auth_time,
            now=now,
            ttl_s=settings.id_token_ttl_s,
            nonce=nonce,
            access_token=access_token,
            alg=provider.keys.signer.alg,
        )
    )
    refresh_token = new_handle()
    provider.grants.refresh_tokens.put(refresh_token, grant, now + settings.refresh_token_ttl_s)
    return _token_response(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": settings.access_token_ttl_s,
            "scope": grant.scope,
            "id_token": id_token,
            "refresh_token": refresh_token,
        }
    )


def _client_credentials(params: dict[str, str], provider: Provider) -> JSONResponse:
    if params.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
        raise OAuthError(
            "invalid_client", f"authenticate with client_assertion_type {CLIENT_ASSERTION_TYPE}"
        )
    assertion = params.get("client_assertion", "")
    if not assertion:
        raise OAuthError("invalid_client", "client_assertion is required")
    settings = provider.settings
    now = provider.now()
    try:
        client_id = unverified_client_id(assertion)
        client = provider.clients.get(client_id)
        if client is None or client.is_public:
            raise AssertionRejected(f"{client_id!r} is not a registered private_key_jwt client")
        if params.get("client_id", client_id) != client_id:
            raise AssertionRejected("client_id does not match the assertion's iss")
        verified = verify_client_assertion(
            assertion,
            client,
            accepted_audiences=settings.assertion_audiences,
            now=now,
            max_age_s=settings.assertion_max_age_s,
        )
    except AssertionRejected as exc:
        raise OAuthError("invalid_client", str(exc)) from exc
    # Only a verified assertion is remembered, so forged ones cannot fill the store.
    if not provider.grants.remember_assertion(client.client_id, verified.jti, verified.exp, now):
        raise OAuthError("invalid_client", "assertion replayed: its jti was already used")
    if "client_credentials" not in client.grant_types:
        raise OAuthError("unauthorized_client", f"{client.client_id} may not use this grant")

    allowed = provider.allowed_scopes(client)
    requested = params.get("scope", "").split() or sorted(allowed)
    refused = sorted(set(requested) - allowed)
    if refused:
        raise OAuthError("invalid_scope", f"{client.client_id} may not have: {' '.join(refused)}")
    scope = " ".join(dict.fromkeys(requested))
    assert client.org_code is not None  # load_clients requires it for system clients
    access_token = provider.keys.sign(
        system_access_token_claims(
            issuer=settings.issuer,
            audience=settings.audience,
            client_id=client.client_id,
            scope=scope,
            org_code=client.org_code,
            now=now,
            ttl_s=settings.access_token_ttl_s,
        ),
        typ=ACCESS_TOKEN_TYP,
    )
    return _token_response(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": settings.access_token_ttl_s,
            "scope": scope,
        }
    )
