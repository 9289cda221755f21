"""Requests the provider must not be talked into: a client assertion for another server
(audience taken from the Host header), and a login form posted from another site (CSRF)."""

from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import httpx
import pytest
from equitas_idp.app import create_app
from equitas_idp.assertion import CLIENT_ASSERTION_TYPE
from equitas_idp.authorize import CSRF_COOKIE, CSRF_FIELD
from equitas_idp.get_token import load_demo_client_key, make_client_assertion
from equitas_idp.settings import IdpSettings
from idp_testkit import ISSUER, TOKEN_URL, auth_request, login_forms, query_of

OTHER_SERVER = "other-as.example"
ORIGIN = "http://127.0.0.1:8080"


def assertion_form(audience: str) -> dict[str, str]:
    key = load_demo_client_key("rio-epr-demo")
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": CLIENT_ASSERTION_TYPE,
        "client_assertion": make_client_assertion(
            key.client_id, audience, key.private_key_pem, key.kid
        ),
        "scope": "patient:read",
    }


async def test_an_audience_named_by_the_host_header_is_refused(idp: httpx.AsyncClient) -> None:
    # Before: the URL the request arrived at was an accepted audience, and its host is
    # whatever the caller says, so an assertion made for another server was accepted here.
    host = {"Host": OTHER_SERVER}
    response = await idp.post(
        "/idp/token", data=assertion_form(f"http://{OTHER_SERVER}/idp/token"), headers=host
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_client"
    assert TOKEN_URL in response.json()["error_description"]
    # The configured token URL is accepted whichever Host the request names.
    accepted = await idp.post("/idp/token", data=assertion_form(TOKEN_URL), headers=host)
    assert accepted.status_code == 200, accepted.text


async def test_the_address_called_is_not_an_audience_unless_configured(
    make_settings: Callable[..., IdpSettings],
) -> None:
    direct = "http://127.0.0.1:8090"
    transport = httpx.ASGITransport(app=create_app(make_settings()))
    async with httpx.AsyncClient(transport=transport, base_url=direct) as client:
        response = await client.post("/idp/token", data=assertion_form(f"{direct}/idp/token"))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_assertion_audiences_come_from_the_settings(
    make_settings: Callable[..., IdpSettings],
) -> None:
    assert make_settings().assertion_audiences == [TOKEN_URL, ISSUER]
    internal = "http://127.0.0.1:8090/idp/token"
    configured = make_settings(internal_token_url=internal)
    assert configured.assertion_audiences == [TOKEN_URL, ISSUER, internal]


# --- login CSRF ----------------------------------------------------------------------------


async def login_form(idp: httpx.AsyncClient) -> tuple[dict[str, str], httpx.Response]:
    page = await idp.get("/idp/authorize", params=auth_request().params)
    assert page.status_code == 200, page.text
    return login_forms(page.text)[("clinician.a", "555100000001")], page


async def test_the_login_form_carries_a_token_bound_to_a_strict_cookie(
    idp: httpx.AsyncClient,
) -> None:
    form, page = await login_form(idp)
    assert form[CSRF_FIELD]
    cookie = SimpleCookie(page.headers["set-cookie"])[CSRF_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "strict"
    assert cookie["path"] == urlsplit(ISSUER).path
    assert cookie.value not in page.text  # the page holds a MAC of it, not the value
    signed_in = await idp.post("/idp/authorize", data=form)
    assert signed_in.status_code == 302, signed_in.text
    assert "code" in query_of(signed_in.headers["location"])


@pytest.mark.parametrize("token", [None, "", "forged", "A" * 43])
async def test_a_login_post_without_the_right_token_is_refused(
    idp: httpx.AsyncClient, token: str | None
) -> None:
    form, _ = await login_form(idp)
    if token is None:
        del form[CSRF_FIELD]
    else:
        form[CSRF_FIELD] = token
    response = await idp.post("/idp/authorize", data=form)
    assert response.status_code == 403
    assert "location" not in response.headers
    assert "set-cookie" not in response.headers  # no session was made
    assert "did not come from this page" in response.text


async def test_a_token_works_only_with_the_browser_it_was_given_to(
    make_settings: Callable[..., IdpSettings],
) -> None:
    # A forging site can fetch a form (and its token) itself, but cannot make the victim's
    # browser send the matching cookie.
    app = create_app(make_settings())
    attacker = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN)
    victim = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN)
    async with attacker, victim:
        forged, _ = await login_form(attacker)
        await login_form(victim)  # the victim has a CSRF cookie of their own
        assert (await victim.post("/idp/authorize", data=forged)).status_code == 403
        victim.cookies.clear()
        assert (await victim.post("/idp/authorize", data=forged)).status_code == 403


async def test_several_open_login_pages_all_work(idp: httpx.AsyncClient) -> None:
    first, _ = await login_form(idp)
    second, _ = await login_form(idp)  # another tab: the cookie is kept, not replaced
    assert (await idp.post("/idp/authorize", data=first)).status_code == 302
    assert (await idp.post("/idp/authorize", data=second)).status_code == 302


async def test_tokens_do_not_survive_a_restart_of_the_provider(
    make_settings: Callable[..., IdpSettings],
) -> None:
    settings = make_settings()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url=ORIGIN
    ) as before:
        form, _ = await login_form(before)
        cookies = dict(before.cookies)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url=ORIGIN, cookies=cookies
    ) as after:
        assert (await after.post("/idp/authorize", data=form)).status_code == 403
