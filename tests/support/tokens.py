"""Getting real tokens from the real development IdP, the way each kind of client does."""

import base64
import hashlib
import re
import secrets
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
from equitas_idp.get_token import demo_client_credentials

SPA_CLIENT = "equitas-spa"
SPA_SCOPES = "openid profile nhsperson nationalrbacaccess associatedorgs selectedrole"


class _LoginForms(HTMLParser):
    """Collects each login form on the IdP page: its action, fields and data-username."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._current: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = {"action": a.get("action", ""), "fields": {}, "usernames": set()}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "button"):
            fields = self._current["fields"]
            assert isinstance(fields, dict)
            if a.get("name") and tag == "input":
                fields[a["name"]] = a.get("value", "")
            if tag == "button" and a.get("name"):
                fields[a["name"]] = a.get("value", "")
            if "data-username" in a:
                names = self._current["usernames"]
                assert isinstance(names, set)
                names.add(a["data-username"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


async def user_token(http: httpx.AsyncClient, public_url: str, username: str) -> str:
    """Log in as a demo user through the IdP's login page (auth code + PKCE)."""
    verifier, challenge = pkce_pair()
    redirect_uri = f"{public_url}/callback"
    state = secrets.token_urlsafe(8)
    query = {
        "client_id": SPA_CLIENT,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": SPA_SCOPES,
        "state": state,
        "nonce": secrets.token_urlsafe(8),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    authorize = f"{public_url}/idp/authorize"
    page = await http.get(f"{authorize}?{urlencode(query)}")
    page.raise_for_status()
    parser = _LoginForms()
    parser.feed(page.text)
    form = next((f for f in parser.forms if username in f["usernames"]), None)  # type: ignore[operator]
    if form is None:
        raise AssertionError(f"no login form for {username}")
    fields = form["fields"]
    assert isinstance(fields, dict)
    action = str(form["action"]) or authorize
    if action.startswith("/"):
        action = public_url + action
    answer = await http.post(action, data=fields, follow_redirects=False)
    assert answer.status_code in (302, 303), answer.text[:300]
    location = answer.headers["location"]
    params = parse_qs(urlparse(location).query)
    assert params.get("state") == [state]
    token = await http.post(
        f"{public_url}/idp/token",
        data={
            "grant_type": "authorization_code",
            "client_id": SPA_CLIENT,
            "code": params["code"][0],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
    )
    token.raise_for_status()
    access: str = token.json()["access_token"]
    return access


async def system_token(public_url: str, client_id: str, scope: str) -> str:
    """A demo system client's token, as a system gets it (services.common.client_credentials)."""
    async with demo_client_credentials(client_id, f"{public_url}/idp/token", scope) as client:
        return await client.token()


def idp_signing_keys(keys_dir: Path) -> list[Path]:
    return sorted(p for p in keys_dir.glob("*.pem") if re.match(r"^[\w.-]+\.pem$", p.name))
