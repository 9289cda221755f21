"""The development OIDC provider for Equitas: ``create_app()`` builds it.

It mimics NHS CIS2 closely enough for the services and the browser app to be written
against the real thing: discovery, JWKS with rotation, authorisation code + PKCE, refresh
tokens, userinfo and logout for staff; client credentials with private_key_jwt for systems.
Everything lives under the issuer URL's path (``/idp``) because the gateway forwards that
path unchanged.
"""

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from equitas_idp import authorize, token_endpoint
from equitas_idp.assertion import ASSERTION_ALGS
from equitas_idp.claims import ACCESS_TOKEN_TYP, ACR, STAFF_SCOPES, userinfo_claims
from equitas_idp.keys import SIGNING_ALGS
from equitas_idp.oauth_errors import BearerError, OAuthError, handle_oauth_error
from equitas_idp.provider import Provider, get_provider
from equitas_idp.settings import IdpSettings, SigningAlg

router = APIRouter()
ProviderDep = Annotated[Provider, Depends(get_provider)]
CLOCK_LEEWAY_S = 30


def discovery_document(provider: Provider) -> dict[str, Any]:
    settings = provider.settings
    return {
        "issuer": settings.issuer,
        "authorization_endpoint": settings.url("/authorize"),
        "token_endpoint": settings.token_endpoint,
        "jwks_uri": settings.url("/jwks"),
        "userinfo_endpoint": settings.url("/userinfo"),
        "end_session_endpoint": settings.url("/logout"),
        "scopes_supported": [*STAFF_SCOPES, *provider.system_scopes],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": list(ASSERTION_ALGS),
        "id_token_signing_alg_values_supported": list(SIGNING_ALGS),
        "prompt_values_supported": ["none", "login"],
        "acr_values_supported": [ACR],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "name",
            "given_name",
            "family_name",
            "nhsid_useruid",
            "nhsid_nrbac_roles",
            "nhsid_user_orgs",
            "selected_roleid",
            "id_assurance_level",
            "authentication_assurance_level",
        ],
    }


@router.get("/.well-known/openid-configuration")
async def openid_configuration(provider: ProviderDep) -> JSONResponse:
    return JSONResponse(discovery_document(provider))


@router.get("/jwks")
async def jwks(provider: ProviderDep) -> JSONResponse:
    # Short cache: relying parties should notice a rotation within a minute.
    return JSONResponse(provider.keys.jwks(), headers={"Cache-Control": "public, max-age=60"})


@router.get("/healthz")
async def healthz(provider: ProviderDep) -> dict[str, str]:
    return {"status": "ok", "signing_kid": provider.keys.signer.kid}


def _bearer_token(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise BearerError("invalid_request", "send 'Authorization: Bearer <access token>'")
    return value.strip()


def verify_access_token(token: str, provider: Provider) -> dict[str, Any]:
    """One of our own access tokens, still valid, for our audience."""
    try:
        claims = provider.keys.verify(token, typ=ACCESS_TOKEN_TYP)
    except ValueError as exc:
        raise BearerError("invalid_token", f"access token refused: {exc}") from exc
    now = provider.now()
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience or []
    if claims.get("iss") != provider.settings.issuer or provider.settings.audience not in audiences:
        raise BearerError("invalid_token", "access token is for another issuer or audience")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= now - CLOCK_LEEWAY_S:
        raise BearerError("invalid_token", "access token has expired")
    if isinstance(claims.get("nbf"), int) and claims["nbf"] > now + CLOCK_LEEWAY_S:
        raise BearerError("invalid_token", "access token is not valid yet")
    return claims


# Two routes rather than one with two methods, so the OpenAPI operations have distinct ids.
@router.get("/userinfo", operation_id="userinfo_get")
@router.post("/userinfo", operation_id="userinfo_post")
async def userinfo(request: Request, provider: ProviderDep) -> JSONResponse:
    claims = verify_access_token(_bearer_token(request), provider)
    scopes = str(claims.get("scope", "")).split()
    if claims.get("client_type") == "system" or "openid" not in scopes:
        raise BearerError("insufficient_scope", "userinfo needs a staff token with openid", 403)
    user = provider.user_by_uid(str(claims.get("sub")))
    if user is None:
        raise BearerError("invalid_token", "the token's user no longer exists")
    selected = claims.get("selected_roleid")
    role = user.role(selected if isinstance(selected, str) else None)
    return JSONResponse(userinfo_claims(user, role, scopes), headers={"Cache-Control": "no-store"})


def require_admin(request: Request, provider: ProviderDep) -> None:
    """The admin secret from the settings, as a bearer token (compared in constant time)."""
    secret = provider.settings.admin_secret
    presented = _bearer_token(request)
    if secret is None or not hmac.compare_digest(
        presented.encode(), secret.get_secret_value().encode()
    ):
        raise BearerError("invalid_token", "admin routes need the admin secret")


# Not in the public OpenAPI document: it is an operator's tool, not part of the provider.
admin_router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


@admin_router.post("/admin/rotate-keys")
async def rotate_keys(provider: ProviderDep, alg: SigningAlg | None = None) -> dict[str, Any]:
    """Make a new signing key; older keys stay in the JWKS so issued tokens keep verifying."""
    created = provider.keys.rotate(alg)
    return {"kid": created.kid, "alg": created.alg, "published_kids": provider.keys.kids}


def create_app(settings: IdpSettings | None = None) -> FastAPI:
    """Build the provider. Keys are loaded (or created) here, not at import time."""
    settings = settings or IdpSettings()
    provider = Provider.from_settings(settings)
    prefix = settings.path_prefix
    app = FastAPI(
        title="Equitas development identity provider",
        description="Development only. Mimics NHS CIS2 for local work and tests.",
        docs_url=f"{prefix}/docs",
        openapi_url=f"{prefix}/openapi.json",
        redoc_url=None,
    )
    app.state.provider = provider
    if any(c.allow_loopback_redirects for c in provider.clients.values()):
        # A web app on a development server (another port) calls /token and /userinfo from
        # the browser; through the gateway everything is same-origin and this is unused.
        app.add_middleware(
            CORSMiddleware,
            allow_origin_regex=r"^http://(127\.0\.0\.1|localhost)(:\d+)?$",
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_exception_handler(OAuthError, handle_oauth_error)
    app.include_router(router, prefix=prefix)
    app.include_router(authorize.router, prefix=prefix)
    app.include_router(token_endpoint.router, prefix=prefix)
    if settings.admin_secret is not None:
        app.include_router(admin_router, prefix=prefix)
    return app
