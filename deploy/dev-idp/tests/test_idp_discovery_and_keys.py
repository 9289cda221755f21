"""Discovery document, published keys and key rotation."""

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from equitas_idp.keys import KeyFileError, SigningKeys, generate_private_key, write_private_pem
from equitas_idp.settings import IdpSettings
from idp_testkit import ISSUER, client_for, decode, settings_for, staff_tokens
from joserfc.jws import extract_compact

ADMIN_SECRET = "test-admin-secret-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_SECRET}"}


def header_of(token: str) -> dict[str, object]:
    return dict(extract_compact(token.encode()).protected)


async def test_discovery_document_is_built_from_the_issuer(idp: httpx.AsyncClient) -> None:
    response = await idp.get("/idp/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    assert doc["issuer"] == ISSUER
    assert doc["authorization_endpoint"] == f"{ISSUER}/authorize"
    assert doc["token_endpoint"] == f"{ISSUER}/token"
    assert doc["jwks_uri"] == f"{ISSUER}/jwks"
    assert doc["userinfo_endpoint"] == f"{ISSUER}/userinfo"
    assert doc["end_session_endpoint"] == f"{ISSUER}/logout"
    for scope in [
        "openid",
        "profile",
        "nhsperson",
        "nationalrbacaccess",
        "associatedorgs",
        "selectedrole",
        "patient:read",
        "patient:write",
        "aggregate:read",
        "feed:read",
        "report:render",
    ]:
        assert scope in doc["scopes_supported"]
    assert doc["response_types_supported"] == ["code"]
    assert set(doc["grant_types_supported"]) == {
        "authorization_code",
        "client_credentials",
        "refresh_token",
    }
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert set(doc["token_endpoint_auth_methods_supported"]) == {"none", "private_key_jwt"}
    assert set(doc["id_token_signing_alg_values_supported"]) == {"RS256", "ES256"}


async def test_routes_live_under_the_issuer_path(
    make_settings: Callable[..., IdpSettings],
) -> None:
    async with client_for(make_settings(issuer="http://127.0.0.1:9999/auth/")) as client:
        doc = (await client.get("/auth/.well-known/openid-configuration")).json()
        assert doc["issuer"] == "http://127.0.0.1:9999/auth"
        assert doc["token_endpoint"] == "http://127.0.0.1:9999/auth/token"
        assert (await client.get("/auth/jwks")).status_code == 200
        assert (await client.get("/.well-known/openid-configuration")).status_code == 404
        assert (await client.get("/idp/jwks")).status_code == 404


async def test_jwks_publishes_an_rsa_and_an_ec_key_without_private_parts(
    idp: httpx.AsyncClient,
) -> None:
    keys = (await idp.get("/idp/jwks")).json()["keys"]
    assert {k["alg"] for k in keys} >= {"RS256", "ES256"}
    for key in keys:
        assert key["use"] == "sig"
        assert key["kid"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


async def test_keys_are_created_once_and_reused_after_restart(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    async with client_for(settings) as first:
        kids = {k["kid"] for k in (await first.get("/idp/jwks")).json()["keys"]}
    assert {p.stem for p in tmp_path.glob("*.pem")} == kids
    assert len(kids) == 2
    async with client_for(settings) as second:
        assert {k["kid"] for k in (await second.get("/idp/jwks")).json()["keys"]} == kids


async def test_rotation_adds_a_signer_and_keeps_old_keys_published(tmp_path: Path) -> None:
    async with client_for(settings_for(tmp_path, admin_secret=ADMIN_SECRET)) as idp:
        before = await staff_tokens(idp)
        old_kid = header_of(before["access_token"])["kid"]
        old_kids = {k["kid"] for k in (await idp.get("/idp/jwks")).json()["keys"]}

        rotated = await idp.post("/idp/admin/rotate-keys", headers=ADMIN)
        assert rotated.status_code == 200
        new_kid = rotated.json()["kid"]
        assert new_kid not in old_kids

        kids = {k["kid"] for k in (await idp.get("/idp/jwks")).json()["keys"]}
        assert kids == old_kids | {new_kid}
        after = await staff_tokens(idp)
        assert header_of(after["access_token"])["kid"] == new_kid
        # A token signed before the rotation still verifies against the published keys.
        assert (await decode(idp, before["access_token"])).header["kid"] == old_kid
        assert (await decode(idp, after["access_token"])).claims["sub"] == "555000000001"


async def test_a_pem_dropped_into_the_folder_signs_after_restart(tmp_path: Path) -> None:
    async with client_for(settings_for(tmp_path)) as idp:
        await idp.get("/idp/jwks")
    dropped = generate_private_key("RS256").as_pem(private=True)
    write_private_pem(tmp_path / "rs256-dropped-in.pem", dropped)
    async with client_for(settings_for(tmp_path)) as idp:
        tokens = await staff_tokens(idp)
        assert header_of(tokens["access_token"])["kid"] == "rs256-dropped-in"
        kids = {k["kid"] for k in (await idp.get("/idp/jwks")).json()["keys"]}
        assert len(kids) == 3


def test_a_public_key_in_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "public.pem").write_bytes(generate_private_key("ES256").as_pem(private=False))
    with pytest.raises(KeyFileError, match="public key"):
        SigningKeys.load_or_create(tmp_path, "RS256")


async def test_es256_can_be_the_signing_algorithm(
    make_settings: Callable[..., IdpSettings],
) -> None:
    async with client_for(make_settings(signing_alg="ES256")) as idp:
        tokens = await staff_tokens(idp)
        for name in ("access_token", "id_token"):
            assert header_of(tokens[name])["alg"] == "ES256"
            await decode(idp, tokens[name])


async def test_admin_routes_exist_only_with_an_admin_secret(
    make_settings: Callable[..., IdpSettings],
) -> None:
    async with client_for(make_settings()) as idp:
        assert (await idp.post("/idp/admin/rotate-keys", headers=ADMIN)).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-admin-secret"},
        {"Authorization": f"Basic {ADMIN_SECRET}"},
        {"Authorization": f"Bearer {ADMIN_SECRET}x"},
    ],
)
async def test_rotation_without_the_admin_secret_is_refused(
    make_settings: Callable[..., IdpSettings], headers: dict[str, str]
) -> None:
    async with client_for(make_settings(admin_secret=ADMIN_SECRET)) as idp:
        kids = (await idp.get("/idp/jwks")).json()["keys"]
        response = await idp.post("/idp/admin/rotate-keys", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer ")
        assert (await idp.get("/idp/jwks")).json()["keys"] == kids


async def test_admin_routes_are_not_in_the_public_openapi(
    make_settings: Callable[..., IdpSettings],
) -> None:
    async with client_for(make_settings(admin_secret=ADMIN_SECRET)) as idp:
        document = (await idp.get("/idp/openapi.json")).json()
    assert "/idp/token" in document["paths"]
    assert not [path for path in document["paths"] if "admin" in path]


def test_a_short_admin_secret_is_refused_and_an_empty_one_means_none(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 16"):
        settings_for(tmp_path, admin_secret="short")
    assert settings_for(tmp_path, admin_secret="").admin_secret is None
