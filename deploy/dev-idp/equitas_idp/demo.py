"""Demo users, organisations and registered clients, read from the YAML files.

The shapes mirror NHS CIS2: a user has a 12-digit ``uid`` and zero or more national RBAC
roles, each held at one ODS organisation. Team membership is not here on purpose: it is
local to a trust and managed inside Equitas.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

UID_PATTERN = r"^[0-9]{12}$"
# A system client bound to no single organisation (Equitas' own back-end services).
ANY_ORGANISATION = "*"


class DemoDataError(ValueError):
    """A users or clients file is malformed or inconsistent."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Organisation(_Frozen):
    org_code: str
    org_name: str
    org_type: Literal["trust", "icb"]
    # The ICB that commissions a trust's services (commissioning hierarchy, see ODS notes).
    commissioned_by: str | None = None


class OrganisationRef(_Frozen):
    """The ``nhsid_user_orgs`` item shape."""

    org_code: str
    org_name: str


class DemoRole(_Frozen):
    """One ``nhsid_nrbac_roles`` item; ``org_name`` is filled in from the organisations."""

    person_roleid: str = Field(pattern=UID_PATTERN)
    person_orgid: str = Field(pattern=UID_PATTERN)
    org_code: str
    org_name: str
    role_code: str
    role_name: str

    def as_claim(self) -> dict[str, str]:
        return self.model_dump()


class DemoUser(_Frozen):
    uid: str = Field(pattern=UID_PATTERN)
    username: str
    name: str
    given_name: str
    family_name: str
    roles: tuple[DemoRole, ...] = ()
    orgs: tuple[OrganisationRef, ...] = ()
    note: str = ""

    def role(self, person_roleid: str | None) -> DemoRole | None:
        """The chosen role, or the first one when none was chosen (CIS2's default)."""
        if person_roleid is None:
            return self.roles[0] if self.roles else None
        return next((r for r in self.roles if r.person_roleid == person_roleid), None)


class RegisteredClient(_Frozen):
    client_id: str
    name: str
    token_endpoint_auth_method: Literal["none", "private_key_jwt"]
    grant_types: tuple[str, ...]
    redirect_uris: tuple[str, ...] = ()
    post_logout_redirect_uris: tuple[str, ...] = ()
    # RFC 8252 §7.3: a registered loopback URI matches on any port (tests use random ports).
    allow_loopback_redirects: bool = False
    # None means every scope the provider knows of the client's kind.
    scopes: tuple[str, ...] | None = None
    org_code: str | None = None
    jwks_file: Path | None = None
    # Loaded from jwks_file; public keys only.
    jwks: dict[str, Any] | None = None

    @property
    def is_public(self) -> bool:
        return self.token_endpoint_auth_method == "none"  # noqa: S105 - a method name


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DemoDataError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DemoDataError(f"{path} must hold a mapping at the top level")
    return data


def load_organisations(path: Path | str) -> list[Organisation]:
    data = _read_yaml(Path(path))
    try:
        return [Organisation.model_validate(o) for o in data.get("organisations", [])]
    except ValidationError as exc:
        raise DemoDataError(f"{path}: {exc}") from exc


def load_demo_users(path: Path | str) -> list[DemoUser]:
    """Users with each role's ``org_name`` resolved and ``orgs`` = role orgs + extra orgs."""
    data = _read_yaml(Path(path))
    organisations = {o.org_code: o for o in load_organisations(path)}

    def org_name(code: str) -> str:
        if code not in organisations:
            raise DemoDataError(f"{path}: unknown organisation {code!r}")
        return organisations[code].org_name

    users: list[DemoUser] = []
    for raw in data.get("users", []):
        raw = dict(raw)
        roles = [_with_org_name(path, r, org_name) for r in raw.pop("roles", None) or []]
        org_codes = [r["org_code"] for r in roles] + list(raw.pop("extra_orgs", None) or [])
        orgs = [{"org_code": c, "org_name": org_name(c)} for c in dict.fromkeys(org_codes)]
        try:
            users.append(DemoUser.model_validate({**raw, "roles": roles, "orgs": orgs}))
        except ValidationError as exc:
            raise DemoDataError(f"{path}: user {raw.get('username')!r}: {exc}") from exc
    _refuse_duplicates(path, "uid", [u.uid for u in users])
    _refuse_duplicates(path, "username", [u.username for u in users])
    _refuse_duplicates(path, "person_roleid", [r.person_roleid for u in users for r in u.roles])
    return users


def _with_org_name(
    path: Path | str, role: dict[str, Any], org_name: Callable[[str], str]
) -> dict[str, Any]:
    """Fill in a role's org_name, or check it: it is repeated in the file for readers."""
    expected = org_name(role["org_code"])
    if role.get("org_name", expected) != expected:
        raise DemoDataError(
            f"{path}: role {role.get('person_roleid')}: org_name should be {expected!r}"
        )
    return {**role, "org_name": expected}


def load_clients(path: Path | str) -> list[RegisteredClient]:
    """Clients with their public JWKS loaded (``jwks_file`` is relative to the YAML file)."""
    path = Path(path)
    data = _read_yaml(path)
    clients: list[RegisteredClient] = []
    for raw in data.get("clients", []):
        raw = dict(raw)
        jwks_file = raw.get("jwks_file")
        if jwks_file is not None:
            resolved = (path.parent / jwks_file).resolve()
            raw["jwks_file"] = resolved
            raw["jwks"] = _read_public_jwks(resolved)
        try:
            client = RegisteredClient.model_validate(raw)
        except ValidationError as exc:
            raise DemoDataError(f"{path}: client {raw.get('client_id')!r}: {exc}") from exc
        if client.is_public and not client.redirect_uris:
            raise DemoDataError(f"{path}: public client {client.client_id} needs redirect_uris")
        if not client.is_public and (client.jwks is None or client.org_code is None):
            raise DemoDataError(
                f"{path}: {client.client_id} uses private_key_jwt: set jwks_file and org_code"
            )
        clients.append(client)
    _refuse_duplicates(path, "client_id", [c.client_id for c in clients])
    return clients


def _read_public_jwks(path: Path) -> dict[str, Any]:
    try:
        jwks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DemoDataError(f"cannot read JWKS {path}: {exc}") from exc
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys:
        raise DemoDataError(f"{path} must be a JWKS with at least one key")
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") not in ("RSA", "EC") or "kid" not in key:
            raise DemoDataError(f"{path}: every key must be RSA or EC and have a kid")
        # A private exponent here would mean a private key was published by mistake.
        if "d" in key:
            raise DemoDataError(f"{path}: holds a private key; publish the public key only")
    return dict(jwks)


def _refuse_duplicates(path: Path | str, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DemoDataError(f"{path}: duplicate {what} {value!r}")
        seen.add(value)
