"""In-memory state: authorisation codes, refresh tokens, login sessions, used assertion ids.

Everything is lost on restart, which suits a development provider (users sign in again).
It also means one process only: run uvicorn with a single worker.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


def new_handle() -> str:
    """An unguessable opaque value for codes, refresh tokens and session ids."""
    return secrets.token_urlsafe(32)


class ExpiringStore(Generic[T]):
    """A dict whose entries vanish at their expiry time (seconds since the epoch)."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[T, float]] = {}

    def put(self, key: str, value: T, expires_at: float) -> None:
        self._items[key] = (value, expires_at)

    def get(self, key: str, now: float) -> T | None:
        item = self._items.get(key)
        if item is None:
            return None
        if item[1] <= now:
            del self._items[key]
            return None
        return item[0]

    def take(self, key: str, now: float) -> T | None:
        """Get and remove in one step, so a value can be used once only."""
        value = self.get(key, now)
        self._items.pop(key, None)
        return value

    def discard(self, key: str) -> None:
        self._items.pop(key, None)

    def discard_where(self, predicate: Callable[[T], bool]) -> None:
        for key in [k for k, (value, _) in self._items.items() if predicate(value)]:
            del self._items[key]

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def purge(self, now: float) -> None:
        for key in [k for k, (_, expires_at) in self._items.items() if expires_at <= now]:
            del self._items[key]


@dataclass(frozen=True)
class AuthorisationCode:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    username: str
    role_id: str | None
    scope: str
    auth_time: int
    # Refresh tokens issued from this code share this family, so replaying the code can
    # revoke them (RFC 6749 §4.1.2: a code used twice should revoke what it issued).
    family: str


@dataclass(frozen=True)
class RefreshGrant:
    client_id: str
    username: str
    role_id: str | None
    scope: str
    auth_time: int
    family: str


@dataclass(frozen=True)
class LoginSession:
    username: str
    role_id: str | None
    auth_time: int


class GrantStore:
    def __init__(self) -> None:
        self.codes: ExpiringStore[AuthorisationCode] = ExpiringStore()
        # code -> family, kept after use until the code would have expired.
        self.used_codes: ExpiringStore[str] = ExpiringStore()
        self.refresh_tokens: ExpiringStore[RefreshGrant] = ExpiringStore()
        # rotated refresh token -> family: presenting one again means it was stolen.
        self.rotated_refresh_tokens: ExpiringStore[str] = ExpiringStore()
        self.sessions: ExpiringStore[LoginSession] = ExpiringStore()
        # "<client_id> <jti>" of accepted client assertions, kept until the assertion's exp.
        self.used_assertions: ExpiringStore[bool] = ExpiringStore()

    def revoke_family(self, family: str) -> None:
        self.refresh_tokens.discard_where(lambda grant: grant.family == family)

    def remember_assertion(self, client_id: str, jti: str, exp: float, now: float) -> bool:
        """Record a client assertion's jti; False when it was seen before (a replay)."""
        self.used_assertions.purge(now)
        key = f"{client_id} {jti}"
        if key in self.used_assertions:
            return False
        self.used_assertions.put(key, True, exp)
        return True

    def purge(self, now: float) -> None:
        for store in (
            self.codes,
            self.used_codes,
            self.refresh_tokens,
            self.rotated_refresh_tokens,
            self.sessions,
        ):
            store.purge(now)
