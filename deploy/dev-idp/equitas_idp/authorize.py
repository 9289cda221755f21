"""Authorisation endpoint (code flow + PKCE, OIDC Core §3.1.2 / RFC 7636) and logout.

Errors about the client or redirect URI are shown on a page, never redirected, because we
cannot trust where we would send the user (RFC 6749 §4.1.2.1); other errors go back to the
client as ``?error=...&state=...``.
"""

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from equitas_idp.demo import DemoUser, RegisteredClient
from equitas_idp.grants import AuthorisationCode, LoginSession, new_handle
from equitas_idp.pages import login_page, message_page
from equitas_idp.provider import Provider, get_provider, uri_allowed

router = APIRouter()
ProviderDep = Annotated[Provider, Depends(get_provider)]

SESSION_COOKIE = "equitas_idp_session"
# Login CSRF (RFC 6749 §10.12): the login form carries a token that only a page we served to
# this browser can hold, the HMAC of a random value in a cookie set with that page (a
# "signed double-submit cookie"). A form posted from another site has no token.
CSRF_COOKIE = "equitas_idp_csrf"
CSRF_FIELD = "csrf_token"
# Parameters the login form carries through to POST /authorize.
FORWARDED_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)
MAX_PARAM_LENGTH = 2048
# RFC 7636 §4.2: base64url of a SHA-256 digest, no padding.
CODE_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class FatalRequest(Exception):
    """Cannot redirect back to the client; show the message instead."""


class RedirectableError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorisationRequest:
    client: RegisteredClient
    redirect_uri: str
    scope: str
    state: str
    nonce: str
    code_challenge: str
    prompt: str | None

    def hidden_fields(self) -> list[tuple[str, str]]:
        return [
            ("client_id", self.client.client_id),
            ("redirect_uri", self.redirect_uri),
            ("response_type", "code"),
            ("scope", self.scope),
            ("state", self.state),
            ("nonce", self.nonce),
            ("code_challenge", self.code_challenge),
            ("code_challenge_method", "S256"),
        ]


def single_valued(items: Iterable[tuple[str, object]]) -> dict[str, str]:
    """Request parameters must not repeat (RFC 6749 §3.1); files are not parameters."""
    params: dict[str, str] = {}
    for name, value in items:
        if name in params:
            raise ValueError(f"parameter {name} was sent more than once")
        if not isinstance(value, str):
            raise ValueError(f"parameter {name} must be text")
        if len(value) > MAX_PARAM_LENGTH:
            raise ValueError(f"parameter {name} is too long")
        params[name] = value
    return params


def parse_request(params: dict[str, str], provider: Provider) -> AuthorisationRequest:
    client = provider.clients.get(params.get("client_id", ""))
    if client is None or "authorization_code" not in client.grant_types:
        raise FatalRequest("The application asking you to sign in is not registered here.")
    redirect_uri = params.get("redirect_uri", "")
    if not uri_allowed(client.redirect_uris, redirect_uri, client.allow_loopback_redirects):
        raise FatalRequest(f"The return address {redirect_uri!r} is not registered.")

    if params.get("response_type") != "code":
        raise RedirectableError("unsupported_response_type", "response_type must be code")
    allowed = provider.allowed_scopes(client)
    scope = params.get("scope") or " ".join(client.scopes or sorted(allowed))
    requested = scope.split()
    if "openid" not in requested:
        raise RedirectableError("invalid_scope", "scope must include openid")
    refused = sorted(set(requested) - allowed)
    if refused:
        raise RedirectableError("invalid_scope", f"scope not allowed: {' '.join(refused)}")
    state = params.get("state", "")
    if not state:
        raise RedirectableError("invalid_request", "state is required")
    nonce = params.get("nonce", "")
    if not nonce:
        raise RedirectableError("invalid_request", "nonce is required (as with NHS CIS2)")
    if params.get("code_challenge_method") != "S256":
        raise RedirectableError("invalid_request", "PKCE is required: code_challenge_method S256")
    code_challenge = params.get("code_challenge", "")
    if not CODE_CHALLENGE.match(code_challenge):
        raise RedirectableError("invalid_request", "code_challenge must be 43 base64url chars")
    return AuthorisationRequest(
        client=client,
        redirect_uri=redirect_uri,
        scope=" ".join(dict.fromkeys(requested)),
        state=state,
        nonce=nonce,
        code_challenge=code_challenge,
        prompt=params.get("prompt"),
    )


def with_query(uri: str, params: dict[str, str]) -> str:
    """Add parameters to a URI, keeping any query it already has."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def origin_of(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def redirect_to(uri: str, params: dict[str, str]) -> RedirectResponse:
    return RedirectResponse(with_query(uri, params), status_code=302)


def issue_code(
    provider: Provider, request: AuthorisationRequest, session: LoginSession
) -> RedirectResponse:
    code = new_handle()
    grant = AuthorisationCode(
        client_id=request.client.client_id,
        redirect_uri=request.redirect_uri,
        code_challenge=request.code_challenge,
        nonce=request.nonce,
        username=session.username,
        role_id=session.role_id,
        scope=request.scope,
        auth_time=session.auth_time,
        family=new_handle(),
    )
    provider.grants.codes.put(code, grant, provider.now() + provider.settings.code_ttl_s)
    return redirect_to(request.redirect_uri, {"code": code, "state": request.state})


def current_session(request: Request, provider: Provider) -> LoginSession | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    session = provider.grants.sessions.get(session_id, provider.now())
    if session is None or session.username not in provider.users:
        return None
    return session


def cookie_path(provider: Provider) -> str:
    return provider.settings.path_prefix or "/"


def set_session_cookie(response: Response, provider: Provider, session_id: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=provider.settings.session_ttl_s,
        path=cookie_path(provider),
        httponly=True,
        samesite="lax",
        secure=provider.settings.issuer.startswith("https://"),
    )


def csrf_token(provider: Provider, cookie_value: str) -> str:
    digest = hmac.new(provider.csrf_key, cookie_value.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_cookie_value(request: Request) -> str:
    """This browser's CSRF cookie, or a new value (kept, so several open tabs all work)."""
    value = request.cookies.get(CSRF_COOKIE, "")
    return value if 0 < len(value) <= 64 else new_handle()


def csrf_ok(request: Request, provider: Provider, presented: str) -> bool:
    value = request.cookies.get(CSRF_COOKIE, "")
    return bool(value) and hmac.compare_digest(presented, csrf_token(provider, value))


def set_csrf_cookie(response: Response, provider: Provider, value: str) -> None:
    # Strict: a cross-site POST does not even carry it. No max-age: gone with the browser.
    response.set_cookie(
        CSRF_COOKIE,
        value,
        path=cookie_path(provider),
        httponly=True,
        samesite="strict",
        secure=provider.settings.issuer.startswith("https://"),
    )


def _parse_or_respond(
    params: dict[str, str], provider: Provider
) -> AuthorisationRequest | Response:
    try:
        return parse_request(params, provider)
    except FatalRequest as exc:
        return message_page("Sign-in request refused", str(exc), status_code=400)
    except RedirectableError as exc:
        error = {"error": exc.error, "error_description": exc.description}
        if params.get("state"):
            error["state"] = params["state"]
        return redirect_to(params["redirect_uri"], error)


@router.get("/authorize", response_model=None)
async def authorize_page(request: Request, provider: ProviderDep) -> Response:
    try:
        params = single_valued(request.query_params.multi_items())
    except ValueError as exc:
        return message_page("Sign-in request refused", str(exc), status_code=400)
    parsed = _parse_or_respond(params, provider)
    if isinstance(parsed, Response):
        return parsed
    if parsed.prompt == "none":
        # Silent sign-in: answer from the existing session without showing anything.
        session = current_session(request, provider)
        if session is None:
            return redirect_to(
                parsed.redirect_uri, {"error": "login_required", "state": parsed.state}
            )
        return issue_code(provider, parsed, session)
    csrf_value = csrf_cookie_value(request)
    page = login_page(
        users=list(provider.users.values()),
        client_name=parsed.client.name,
        action=f"{provider.settings.path_prefix}/authorize",
        hidden_fields=[*parsed.hidden_fields(), (CSRF_FIELD, csrf_token(provider, csrf_value))],
        redirect_origin=origin_of(parsed.redirect_uri),
    )
    set_csrf_cookie(page, provider, csrf_value)
    return page


@router.post("/authorize", response_model=None)
async def authorize_login(request: Request, provider: ProviderDep) -> Response:
    try:
        params = single_valued((await request.form()).multi_items())
    except ValueError as exc:
        return message_page("Sign-in request refused", str(exc), status_code=400)
    if not csrf_ok(request, provider, params.get(CSRF_FIELD, "")):
        # Checked before anything else, so a forged post cannot even reach the client.
        return message_page(
            "Sign-in refused",
            "This sign-in form did not come from this page, or it has expired. "
            "Go back to the application and sign in again.",
            status_code=403,
        )
    # The form's hidden fields came back from the browser: check them all again.
    parsed = _parse_or_respond({k: params[k] for k in FORWARDED_PARAMS if k in params}, provider)
    if isinstance(parsed, Response):
        return parsed
    user: DemoUser | None = provider.users.get(params.get("username", ""))
    if user is None:
        return message_page("Sign-in refused", "There is no such demo user.", status_code=400)
    role_id = params.get("role_id") or None
    role = user.role(role_id)
    if role_id is not None and role is None:
        return message_page("Sign-in refused", "That role is not one of the user's roles.", 400)
    session = LoginSession(
        username=user.username,
        role_id=role.person_roleid if role else None,
        auth_time=provider.now(),
    )
    session_id = new_handle()
    provider.grants.purge(provider.now())
    provider.grants.sessions.put(
        session_id, session, provider.now() + provider.settings.session_ttl_s
    )
    response = issue_code(provider, parsed, session)
    set_session_cookie(response, provider, session_id)
    return response


def _logout_client(params: dict[str, str], provider: Provider) -> RegisteredClient | None:
    client_id = params.get("client_id")
    hint = params.get("id_token_hint")
    if not client_id and hint:
        # Only the signature matters here: an expired ID token still names its client.
        try:
            claims = provider.keys.verify(hint)
        except ValueError:
            return None
        if claims.get("iss") == provider.settings.issuer:
            client_id = str(claims.get("aud", ""))
    return provider.clients.get(client_id or "")


@router.get("/logout", response_model=None)
async def logout(request: Request, provider: ProviderDep) -> Response:
    """RP-initiated logout: end the session; go back only to a registered address."""
    try:
        params = single_valued(request.query_params.multi_items())
    except ValueError as exc:
        return message_page("Sign-out request refused", str(exc), status_code=400)
    session = current_session(request, provider)
    if session is not None:
        # Signing out also ends what the session handed out, so a refresh cannot revive it.
        provider.grants.refresh_tokens.discard_where(lambda g: g.username == session.username)
    provider.grants.sessions.discard(request.cookies.get(SESSION_COOKIE, ""))
    target = params.get("post_logout_redirect_uri")
    client = _logout_client(params, provider)
    response: Response
    if (
        target
        and client
        and uri_allowed(client.post_logout_redirect_uris, target, client.allow_loopback_redirects)
    ):
        response = redirect_to(target, {"state": params["state"]} if "state" in params else {})
    else:
        response = message_page("You have signed out", "You can close this window.")
    response.delete_cookie(SESSION_COOKIE, path=cookie_path(provider))
    return response
