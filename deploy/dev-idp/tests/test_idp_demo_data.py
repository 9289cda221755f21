"""The demo users and clients files, the committed client keys, and pure helpers."""

import json
from pathlib import Path

import pytest
import yaml
from equitas_idp.demo import DemoDataError, load_clients, load_demo_users, load_organisations
from equitas_idp.get_token import load_demo_client_key, make_client_assertion
from equitas_idp.pages import login_choices
from equitas_idp.provider import uri_allowed
from idp_testkit import CLIENTS_DIR, CLIENTS_FILE, USERS_FILE
from joserfc import jwt
from joserfc.jwk import KeySet

SYSTEM_CLIENTS = (
    "rio-epr-demo",
    "systmone-epr-demo",
    "powerbi-demo",
    "aggregation-service",
    "reporting-service",
)


def test_demo_users_are_the_nine_agreed_people() -> None:
    users = {u.username: u for u in load_demo_users(USERS_FILE)}
    assert list(users) == [
        "clinician.a",
        "clinician.b",
        "team.lead",
        "analyst",
        "org.admin",
        "commissioner",
        "board.member",
        "clinician.trustb",
        "norole",
    ]
    assert all(len(u.uid) == 12 and u.uid.isdigit() for u in users.values())
    roles = {name: [(r.role_code, r.org_code) for r in u.roles] for name, u in users.items()}
    assert roles["clinician.a"] == [("S8000:G8000:R8000", "EQA")]
    assert roles["analyst"] == [("S8000:G8001:R8006", "EQA")]
    assert roles["org.admin"] == [("S8000:G8001:R8008", "EQA")]
    assert roles["commissioner"] == [("S8000:G8001:R8007", "QZZ")]
    assert roles["board.member"] == [("S8000:G8001:R8009", "EQA")]
    assert roles["clinician.trustb"] == [("S8000:G8000:R8000", "EQB")]
    assert roles["norole"] == []


def test_organisations_form_the_commissioning_hierarchy() -> None:
    orgs = {o.org_code: o for o in load_organisations(USERS_FILE)}
    assert orgs["EQA"].org_name == "Equitas Demo Trust A"
    assert orgs["EQA"].commissioned_by == orgs["EQB"].commissioned_by == "QZZ"
    assert orgs["QZZ"].org_type == "icb"


def test_a_role_at_an_unknown_organisation_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(USERS_FILE.read_text())
    data["users"][0]["roles"][0]["org_code"] = "XXX"
    bad = tmp_path / "users.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(DemoDataError, match="unknown organisation"):
        load_demo_users(bad)


def test_login_labels_name_the_role_and_organisation() -> None:
    choices = {c.username: c for c in login_choices(load_demo_users(USERS_FILE))}
    asha = choices["clinician.a"]
    label = f"{asha.name} — {asha.description}"
    assert label == "Asha Patel — Clinical Practitioner Access Role, Equitas Demo Trust A (EQA)"
    assert choices["norole"].role_id is None
    assert "No role" in choices["norole"].description


def test_clients_file_registers_the_spa_and_system_clients() -> None:
    clients = {c.client_id: c for c in load_clients(CLIENTS_FILE)}
    spa = clients["equitas-spa"]
    assert spa.is_public
    assert spa.allow_loopback_redirects
    assert "http://127.0.0.1:8080/callback" in spa.redirect_uris
    expected = {
        "rio-epr-demo": ("EQA", ("patient:write", "patient:read")),
        "systmone-epr-demo": ("EQB", ("patient:write", "patient:read")),
        "powerbi-demo": ("QZZ", ("aggregate:read",)),
        "aggregation-service": ("*", ("feed:read",)),
        "reporting-service": ("*", ("report:render",)),
    }
    for client_id, (org_code, scopes) in expected.items():
        client = clients[client_id]
        assert client.token_endpoint_auth_method == "private_key_jwt"
        assert (client.org_code, client.scopes) == (org_code, scopes)
        assert client.jwks is not None


@pytest.mark.parametrize("client_id", SYSTEM_CLIENTS)
def test_each_committed_private_key_matches_its_published_jwks(client_id: str) -> None:
    key = load_demo_client_key(client_id)
    published = json.loads((CLIENTS_DIR / f"{client_id}.jwks.json").read_text())
    assert all("d" not in k for k in published["keys"])
    assertion = make_client_assertion(client_id, "aud", key.private_key_pem, key.kid)
    token = jwt.decode(assertion, KeySet.import_key_set(published), algorithms=[key.alg])
    assert token.claims["iss"] == token.claims["sub"] == client_id


def test_both_algorithms_are_exercised() -> None:
    algs = {load_demo_client_key(c).alg for c in SYSTEM_CLIENTS}
    assert algs == {"RS256", "ES256"}


def test_a_jwks_holding_a_private_key_is_refused(tmp_path: Path) -> None:
    private = load_demo_client_key("rio-epr-demo")
    from joserfc.jwk import ECKey

    leaked = ECKey.import_key(private.private_key_pem).as_dict(private=True, kid="x")
    (tmp_path / "leak.jwks.json").write_text(json.dumps({"keys": [leaked]}))
    (tmp_path / "clients.yaml").write_text(
        yaml.safe_dump(
            {
                "clients": [
                    {
                        "client_id": "leaky",
                        "name": "Leaky",
                        "token_endpoint_auth_method": "private_key_jwt",
                        "grant_types": ["client_credentials"],
                        "jwks_file": "leak.jwks.json",
                        "org_code": "EQA",
                    }
                ]
            }
        )
    )
    with pytest.raises(DemoDataError, match="private key"):
        load_clients(tmp_path / "clients.yaml")


@pytest.mark.parametrize(
    ("candidate", "allowed"),
    [
        ("http://127.0.0.1:8080/callback", True),
        ("http://127.0.0.1:1234/callback", True),
        ("http://localhost:1234/callback", True),
        ("http://127.0.0.1/callback", True),
        ("http://127.0.0.1:1234/callback?x=1", False),
        ("http://127.0.0.1:1234/callbackx", False),
        ("https://127.0.0.1:1234/callback", False),
        ("http://127.0.0.1:99999/callback", False),
        ("http://user@127.0.0.1:1234/callback", False),
        ("http://127.0.0.1:1234/callback#frag", False),
        ("http://127.0.0.2:1234/callback", False),
    ],
)
def test_loopback_redirect_rule(candidate: str, allowed: bool) -> None:
    registered = ["http://127.0.0.1:8080/callback", "http://localhost:8080/callback"]
    assert uri_allowed(registered, candidate, allow_loopback=True) is allowed
    assert uri_allowed(registered, "http://127.0.0.1:1234/callback", allow_loopback=False) is False
