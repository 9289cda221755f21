"""Userinfo (bearer access token) and RP-initiated logout."""

from collections.abc import Callable

import httpx
from equitas_idp.app import create_app
from equitas_idp.get_token import demo_client_credentials
from equitas_idp.settings import IdpSettings
from idp_testkit import SPA, TOKEN_URL, auth_request, query_of, staff_tokens


async def test_userinfo_returns_the_signed_in_users_claims(idp: httpx.AsyncClient) -> None:
    tokens = await staff_tokens(idp, "analyst")
    response = await idp.get(
        "/idp/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["sub"] == info["nhsid_useruid"] == "555000000004"
    assert info["name"] == "Dev Sharma"
    assert info["selected_roleid"] == "555100000004"
    assert info["nhsid_nrbac_roles"][0]["role_code"] == "S8000:G8001:R8006"
    assert info["nhsid_user_orgs"] == [{"org_code": "EQA", "org_name": "Equitas Demo Trust A"}]
    assert info["idassurancelevel"] == "3"


async def test_userinfo_without_or_with_a_bad_token_is_401(idp: httpx.AsyncClient) -> None:
    missing = await idp.get("/idp/userinfo")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    garbage = await idp.get("/idp/userinfo", headers={"Authorization": "Bearer not.a.jwt"})
    assert garbage.status_code == 401
    assert garbage.json()["error"] == "invalid_token"
    tokens = await staff_tokens(idp)
    id_token = await idp.get(
        "/idp/userinfo", headers={"Authorization": f"Bearer {tokens['id_token']}"}
    )
    assert id_token.status_code == 401  # an ID token is not an access token


async def test_userinfo_refuses_system_tokens(
    idp: httpx.AsyncClient, make_settings: Callable[..., IdpSettings]
) -> None:
    transport = httpx.ASGITransport(app=create_app(make_settings()))
    async with demo_client_credentials(
        "powerbi-demo", TOKEN_URL, "aggregate:read", transport=transport
    ) as credentials:
        token = await credentials.token()
    response = await idp.get("/idp/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["error"] == "insufficient_scope"


async def test_logout_ends_the_session_and_returns_to_a_registered_address(
    idp: httpx.AsyncClient,
) -> None:
    tokens = await staff_tokens(idp)
    assert idp.cookies.get("equitas_idp_session")
    response = await idp.get(
        "/idp/logout",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "http://127.0.0.1:8080/",
            "state": "bye",
        },
    )
    assert response.status_code == 302
    assert response.headers["location"] == "http://127.0.0.1:8080/?state=bye"
    assert "equitas_idp_session" not in idp.cookies

    silent = await idp.get("/idp/authorize", params=auth_request(prompt="none").params)
    assert query_of(silent.headers["location"])["error"] == "login_required"
    refresh = await idp.post(
        "/idp/token",
        data={
            "grant_type": "refresh_token",
            "client_id": SPA,
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert refresh.status_code == 400


async def test_logout_loopback_port_is_accepted_but_strangers_are_not(
    idp: httpx.AsyncClient,
) -> None:
    loopback = await idp.get(
        "/idp/logout",
        params={"client_id": SPA, "post_logout_redirect_uri": "http://localhost:43117/"},
    )
    assert loopback.status_code == 302
    stranger = await idp.get(
        "/idp/logout",
        params={"client_id": SPA, "post_logout_redirect_uri": "https://evil.example/"},
    )
    assert stranger.status_code == 200
    assert "location" not in stranger.headers
    assert "signed out" in stranger.text


async def test_cors_allows_loopback_origins_only(idp: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST"}
    local = await idp.options(
        "/idp/token", headers={"Origin": "http://localhost:5173", **preflight}
    )
    assert local.headers["access-control-allow-origin"] == "http://localhost:5173"
    stranger = await idp.options(
        "/idp/token", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in stranger.headers
