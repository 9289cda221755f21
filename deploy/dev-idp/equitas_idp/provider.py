"""Everything a request handler needs, built once by ``create_app`` and kept on app.state."""

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from fastapi import Request

from equitas_idp.claims import STAFF_SCOPES
from equitas_idp.demo import DemoUser, RegisteredClient, load_clients, load_demo_users
from equitas_idp.grants import GrantStore
from equitas_idp.keys import SigningKeys
from equitas_idp.settings import IdpSettings

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


@dataclass
class Provider:
    settings: IdpSettings
    keys: SigningKeys
    users: dict[str, DemoUser]  # by username
    clients: dict[str, RegisteredClient]
    grants: GrantStore = field(default_factory=GrantStore)
    # Signs the login form's CSRF tokens; per process, like every other piece of state.
    csrf_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    clock: Callable[[], float] = time.time

    @classmethod
    def from_settings(cls, settings: IdpSettings) -> "Provider":
        users = load_demo_users(settings.users_file)
        clients = load_clients(settings.clients_file)
        return cls(
            settings=settings,
            keys=SigningKeys.load_or_create(settings.keys_dir, settings.signing_alg),
            users={u.username: u for u in users},
            clients={c.client_id: c for c in clients},
        )

    def now(self) -> int:
        return int(self.clock())

    def user_by_uid(self, uid: str) -> DemoUser | None:
        return next((u for u in self.users.values() if u.uid == uid), None)

    @property
    def system_scopes(self) -> list[str]:
        """Every scope some system client may hold; advertised in discovery."""
        scopes = {s for c in self.clients.values() if not c.is_public for s in c.scopes or ()}
        return sorted(scopes)

    def allowed_scopes(self, client: RegisteredClient) -> frozenset[str]:
        if client.scopes is not None:
            return frozenset(client.scopes)
        return frozenset(STAFF_SCOPES if client.is_public else self.system_scopes)


def get_provider(request: Request) -> Provider:
    provider: Provider = request.app.state.provider
    return provider


def uri_allowed(registered: Iterable[str], candidate: str, allow_loopback: bool) -> bool:
    """Exact match, or (RFC 8252 §7.3) a registered http loopback URI on another port."""
    registered = list(registered)
    if candidate in registered:
        return True
    if not allow_loopback:
        return False
    try:
        asked = urlsplit(candidate)
        _ = asked.port  # raises ValueError for a malformed port
    except ValueError:
        return False
    if (
        asked.scheme != "http"
        or asked.hostname not in LOOPBACK_HOSTS
        or asked.username is not None
        or asked.password is not None
        or asked.fragment
    ):
        return False
    for uri in registered:
        known = urlsplit(uri)
        if (
            known.scheme == "http"
            and known.hostname == asked.hostname
            and known.path == asked.path
            and known.query == asked.query
        ):
            return True
    return False
