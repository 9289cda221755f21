"""Staff sign-in: login page, authorisation code + PKCE, tokens in CIS2's shape, refresh."""

import base64
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml
from equitas_idp.claims import at_hash
from equitas_idp.settings import IdpSettings
from idp_testkit import (
    ISSUER,
    REDIRECT_URI,
    SPA,
    USERS_FILE,
    auth_request,
    client_for,
    code_for,
    decode,
    exchange,
    login_forms,
    query_of,
    sign_in,
    staff_tokens,
)
from joserfc.jws import extract_compact


async def test_login_page_lists_every_demo_user(idp: httpx.AsyncClient) -> None:
    page = await idp.get("/idp/authorize", params=auth_request().params)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="en-GB">' in page.text
    for name in ("Asha Patel", "Ben Okafor", "Carys Evans", "Dev Sharma", "Erin Walsh"):
        assert name in page.text
    for name in ("Femi Adeyemi", "Grace Lin", "Hana Kowalski", "Ivan Petrov"):
        assert name in page.text
    assert 'data-username="clinician.a"' in page.text
    assert (
        'Asha Patel</span> <span class="role">— Clinical Practitioner Access Role, '
        "Equitas Demo Trust A (EQA)"
    ) in page.text
    assert len(login_forms(page.text)) == 9
    assert "https://" not in page.text  # no external assets


async def test_full_flow_gives_cis2_shaped_tokens(idp: httpx.AsyncClient) -> None:
    request = auth_request()
    code = await code_for(idp, request, "clinician.a")
    response = await exchange(idp, code, request.verifier)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 600
    assert body["refresh_token"]
    assert set(body["scope"].split()) == set(request.params["scope"].split())

    access = await decode(idp, body["access_token"])
    assert access.header["typ"] == "at+jwt"
    assert access.header["kid"]
    claims = access.claims
    assert claims["iss"] == ISSUER
    assert claims["aud"] == "equitas"
    assert claims["sub"] == claims["nhsid_useruid"] == "555000000001"
    assert claims["client_id"] == SPA
    assert claims["exp"] - claims["iat"] == 600
    assert claims["nbf"] <= claims["iat"]
    assert claims["jti"]
    assert claims["auth_time"] <= claims["iat"]
    assert (claims["name"], claims["given_name"], claims["family_name"]) == (
        "Asha Patel",
        "Asha",
        "Patel",
    )
    assert claims["nhsid_nrbac_roles"] == [
        {
            "person_roleid": "555100000001",
            "person_orgid": "555200000001",
            "org_code": "EQA",
            "org_name": "Equitas Demo Trust A",
            "role_code": "S8000:G8000:R8000",
            "role_name": "Clinical Practitioner Access Role",
        }
    ]
    role_ids = [r["person_roleid"] for r in claims["nhsid_nrbac_roles"]]
    assert claims["selected_roleid"] in role_ids
    assert claims["nhsid_user_orgs"] == [{"org_code": "EQA", "org_name": "Equitas Demo Trust A"}]
    assert claims["id_assurance_level"] == claims["authentication_assurance_level"] == "3"
    assert claims["acr"] == "AAL3_ANY"

    id_token = await decode(idp, body["id_token"])
    assert id_token.header["typ"] == "JWT"
    assert id_token.claims["aud"] == SPA
    assert id_token.claims["nonce"] == request.params["nonce"]
    assert id_token.claims["sub"] == "555000000001"
    assert id_token.claims["selected_roleid"] == "555100000001"
    assert id_token.claims["at_hash"]


async def test_wrong_verifier_is_refused(idp: httpx.AsyncClient) -> None:
    request = auth_request()
    code = await code_for(idp, request)
    other_verifier = auth_request().verifier
    response = await exchange(idp, code, other_verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_code_without_verifier_is_refused(idp: httpx.AsyncClient) -> None:
    request = auth_request()
    code = await code_for(idp, request)
    response = await exchange(idp, code, "")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_a_code_works_once_and_reuse_revokes_its_refresh_token(
    idp: httpx.AsyncClient,
) -> None:
    request = auth_request()
    code = await code_for(idp, request)
    first = await exchange(idp, code, request.verifier)
    assert first.status_code == 200
    second = await exchange(idp, code, request.verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    refresh = await idp.post(
        "/idp/token",
        data={
            "grant_type": "refresh_token",
            "client_id": SPA,
            "refresh_token": first.json()["refresh_token"],
        },
    )
    assert refresh.status_code == 400


async def test_wrong_redirect_uri_at_token_endpoint_is_refused(idp: httpx.AsyncClient) -> None:
    request = auth_request()
    code = await code_for(idp, request)
    response = await exchange(idp, code, request.verifier, "http://localhost:8080/callback")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_expired_code_is_refused(make_settings: Callable[..., IdpSettings]) -> None:
    async with client_for(make_settings(code_ttl_s=0)) as idp:
        request = auth_request()
        code = await code_for(idp, request)
        response = await exchange(idp, code, request.verifier)
        assert response.status_code == 400
        assert "expired" in response.json()["error_description"]


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://127.0.0.1:8080/callback/../admin",
        "https://evil.example/callback",
        "http://127.0.0.1:5173/elsewhere",
        "http://127.0.0.1:5173@evil.example/callback",
        "http://192.168.1.10:8080/callback",
    ],
)
async def test_unregistered_redirect_uri_is_shown_not_followed(
    idp: httpx.AsyncClient, redirect_uri: str
) -> None:
    response = await idp.get(
        "/idp/authorize", params=auth_request(redirect_uri=redirect_uri).params
    )
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "not registered" in response.text


@pytest.mark.parametrize(
    "redirect_uri", ["http://127.0.0.1:43117/callback", "http://localhost:5173/callback"]
)
async def test_loopback_callback_on_any_port_is_accepted(
    idp: httpx.AsyncClient, redirect_uri: str
) -> None:
    request = auth_request(redirect_uri=redirect_uri)
    response = await sign_in(idp, request, "clinician.b")
    assert response.status_code == 302
    assert response.headers["location"].startswith(f"{redirect_uri}?code=")
    code = query_of(response.headers["location"])["code"]
    assert (await exchange(idp, code, request.verifier, redirect_uri)).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"scope": "openid patient:write"}, "invalid_scope"),
        ({"nonce": ""}, "invalid_request"),
    ],
)
async def test_bad_requests_go_back_to_the_client_with_an_error(
    idp: httpx.AsyncClient, overrides: dict[str, str], error: str
) -> None:
    request = auth_request(**overrides)
    response = await idp.get("/idp/authorize", params=request.params)
    assert response.status_code == 302
    assert response.headers["location"].startswith(REDIRECT_URI)
    query = query_of(response.headers["location"])
    assert query["error"] == error
    assert query["state"] == request.params["state"]


async def test_unknown_client_is_refused_on_the_page(idp: httpx.AsyncClient) -> None:
    response = await idp.get("/idp/authorize", params=auth_request(client_id="nobody").params)
    assert response.status_code == 400
    assert "not registered" in response.text


async def test_tampered_hidden_fields_are_checked_again(idp: httpx.AsyncClient) -> None:
    page = await idp.get("/idp/authorize", params=auth_request().params)
    form = login_forms(page.text)[("clinician.a", "555100000001")]
    response = await idp.post(
        "/idp/authorize", data={**form, "redirect_uri": "https://evil.example/cb"}
    )
    assert response.status_code == 400
    assert "location" not in response.headers
    stranger_role = await idp.post("/idp/authorize", data={**form, "role_id": "555100000002"})
    assert stranger_role.status_code == 400


async def test_silent_sign_in_uses_the_session(idp: httpx.AsyncClient) -> None:
    silent = auth_request(prompt="none")
    without = await idp.get("/idp/authorize", params=silent.params)
    assert without.status_code == 302
    assert query_of(without.headers["location"])["error"] == "login_required"
    assert query_of(without.headers["location"])["state"] == silent.params["state"]

    await staff_tokens(idp, "team.lead")  # signs in and sets the session cookie
    silent = auth_request(prompt="none")
    response = await idp.get("/idp/authorize", params=silent.params)
    assert response.status_code == 302
    code = query_of(response.headers["location"])["code"]
    tokens = (await exchange(idp, code, silent.verifier)).json()
    claims = (await decode(idp, tokens["id_token"])).claims
    assert claims["name"] == "Carys Evans"
    assert claims["nonce"] == silent.params["nonce"]


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(
    idp: httpx.AsyncClient,
) -> None:
    first = await staff_tokens(idp)

    async def refresh(token: str) -> httpx.Response:
        return await idp.post(
            "/idp/token",
            data={"grant_type": "refresh_token", "client_id": SPA, "refresh_token": token},
        )

    second = await refresh(first["refresh_token"])
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    refreshed = await decode(idp, body["id_token"])
    assert "nonce" not in refreshed.claims
    assert refreshed.claims["sub"] == "555000000001"

    replay = await refresh(first["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # The thief and the owner both lose: the newest token of the family is revoked too.
    assert (await refresh(body["refresh_token"])).status_code == 400


async def test_user_without_roles_has_no_selected_role(idp: httpx.AsyncClient) -> None:
    tokens = await staff_tokens(idp, "norole")
    claims = (await decode(idp, tokens["access_token"])).claims
    assert claims["nhsid_nrbac_roles"] == []
    assert "selected_roleid" not in claims
    assert claims["nhsid_user_orgs"] == [{"org_code": "EQA", "org_name": "Equitas Demo Trust A"}]


async def test_commissioner_belongs_to_the_icb(idp: httpx.AsyncClient) -> None:
    claims = (await decode(idp, (await staff_tokens(idp, "commissioner"))["access_token"])).claims
    assert claims["nhsid_nrbac_roles"][0]["org_code"] == "QZZ"
    assert claims["nhsid_nrbac_roles"][0]["role_code"] == "S8000:G8001:R8007"


async def test_claims_follow_the_granted_scopes(idp: httpx.AsyncClient) -> None:
    tokens = await staff_tokens(idp, scope="openid nhsperson")
    claims = (await decode(idp, tokens["access_token"])).claims
    assert claims["scope"] == "openid nhsperson"
    assert claims["nhsid_useruid"] == "555000000001"
    for absent in ("name", "nhsid_nrbac_roles", "nhsid_user_orgs", "selected_roleid"):
        assert absent not in claims


async def test_a_user_with_two_roles_picks_one(
    tmp_path: Path, make_settings: Callable[..., IdpSettings]
) -> None:
    data = yaml.safe_load(USERS_FILE.read_text())
    asha = data["users"][0]
    asha["roles"].append(
        {
            "person_roleid": "555100000099",
            "person_orgid": "555200000099",
            "org_code": "EQB",
            "role_code": "S8000:G8000:R8000",
            "role_name": "Clinical Practitioner Access Role",
        }
    )
    users_file = tmp_path / "users.yaml"
    users_file.write_text(yaml.safe_dump(data))
    async with client_for(make_settings(users_file=users_file)) as idp:
        request = auth_request()
        page = await idp.get("/idp/authorize", params=request.params)
        forms = login_forms(page.text)
        assert ("clinician.a", "555100000001") in forms
        assert ("clinician.a", "555100000099") in forms
        assert 'data-role-id="555100000099"' in page.text
        response = await sign_in(idp, request, "clinician.a", "555100000099")
        code = query_of(response.headers["location"])["code"]
        tokens = (await exchange(idp, code, request.verifier)).json()
        claims = (await decode(idp, tokens["access_token"])).claims
        assert claims["selected_roleid"] == "555100000099"
        assert len(claims["nhsid_nrbac_roles"]) == 2
        assert {o["org_code"] for o in claims["nhsid_user_orgs"]} == {"EQA", "EQB"}


def test_at_hash_is_the_left_half_of_sha256() -> None:
    # SHA-256("abc") is the FIPS 180-2 test vector ba7816bf8f01cfea414140de5dae2223b003...
    left_half = bytes.fromhex("ba7816bf8f01cfea414140de5dae2223")
    expected = base64.urlsafe_b64encode(left_half).rstrip(b"=").decode()
    assert at_hash("abc", "RS256") == expected == "ungWv48Bz-pBQUDeXa4iIw"


async def test_id_token_at_hash_matches_its_access_token(idp: httpx.AsyncClient) -> None:
    tokens = await staff_tokens(idp)
    alg = extract_compact(tokens["id_token"].encode()).protected["alg"]
    claims = (await decode(idp, tokens["id_token"])).claims
    assert claims["at_hash"] == at_hash(tokens["access_token"], alg)
