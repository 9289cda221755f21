"""The provider's HTML: the login page (one button per demo user and role) and messages."""

from dataclasses import dataclass
from pathlib import Path

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from equitas_idp.demo import DemoUser

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# The login page carries the request's parameters; it must not be framed by another site
# or cached by the browser.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'self'",
    "Referrer-Policy": "no-referrer",
}


def _login_headers(redirect_origin: str) -> dict[str, str]:
    # Browsers apply form-action to the redirect that follows the POST, so the client's
    # origin must be allowed too (the SPA may be served from another port in development).
    csp = PAGE_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {redirect_origin}"
    )
    return {**PAGE_HEADERS, "Content-Security-Policy": csp}


@dataclass(frozen=True)
class LoginChoice:
    username: str
    role_id: str | None
    name: str
    description: str


def login_choices(users: list[DemoUser]) -> list[LoginChoice]:
    """One choice per user and role, labelled "role, organisation (ODS code)"."""
    choices: list[LoginChoice] = []
    for user in users:
        for role in user.roles:
            description = f"{role.role_name}, {role.org_name} ({role.org_code})"
            choices.append(LoginChoice(user.username, role.person_roleid, user.name, description))
        if not user.roles:
            orgs = "; ".join(f"{o.org_name} ({o.org_code})" for o in user.orgs)
            description = f"No role, {orgs}" if orgs else "No role, no organisation"
            choices.append(LoginChoice(user.username, None, user.name, description))
    return choices


def login_page(
    *,
    users: list[DemoUser],
    client_name: str,
    action: str,
    hidden_fields: list[tuple[str, str]],
    redirect_origin: str,
) -> HTMLResponse:
    html = _templates.get_template("login.html").render(
        choices=login_choices(users),
        multiple_roles=any(len(u.roles) > 1 for u in users),
        client_name=client_name,
        action=action,
        hidden_fields=hidden_fields,
        redirect_origin=redirect_origin,
    )
    return HTMLResponse(html, headers=_login_headers(redirect_origin))


def message_page(title: str, message: str, status_code: int = 200) -> HTMLResponse:
    html = _templates.get_template("message.html").render(
        title=title, message=message, is_error=status_code >= 400
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
