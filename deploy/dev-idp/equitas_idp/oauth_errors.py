"""OAuth error responses: RFC 6749 §5.2 JSON for the token endpoint, RFC 6750 §3 for
bearer-protected endpoints."""

from fastapi import Request
from fastapi.responses import JSONResponse

# Token responses and errors must not be cached (RFC 6749 §5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status_code: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status_code = status_code


class BearerError(OAuthError):
    """A refused bearer token; adds the WWW-Authenticate challenge."""

    def __init__(self, error: str, description: str, status_code: int = 401) -> None:
        super().__init__(error, description, status_code)


def oauth_error_response(exc: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if isinstance(exc, BearerError):
        safe = exc.description.replace('"', "'")
        headers["WWW-Authenticate"] = f'Bearer error="{exc.error}", error_description="{safe}"'
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status_code,
        headers=headers,
    )


async def handle_oauth_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)  # registered for OAuthError only
    return oauth_error_response(exc)
