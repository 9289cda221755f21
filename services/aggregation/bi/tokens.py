"""BI access tokens, the pure part: their shape, their hash, and how long they may live.

A token is ``eqbi_<id>_<secret>``: ``id`` is public (listed, audited, named when revoking)
and ``secret`` is 256 random bits, shown once when minted. Only SHA-256 of the secret is
stored: the secret is random, so a slow password hash would add nothing, and the check is
one hash per request. The ``eqbi_`` prefix says a string is one of ours (a JWT never starts
so), and lets secret scanners find a leaked one.
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

PREFIX = "eqbi_"
ID_LENGTH = 12
_SHAPE = re.compile(r"eqbi_([a-z2-7]{12})_([A-Za-z0-9_-]{43})")
MAX_LIFETIME_MONTHS = 12
DEFAULT_LIFETIME = timedelta(days=180)


@dataclass(frozen=True)
class Minted:
    id: str
    secret_hash: bytes
    token: str  # shown once, never stored


def mint() -> Minted:
    token_id = base64.b32encode(secrets.token_bytes(10)).decode().lower()[:ID_LENGTH]
    secret = secrets.token_urlsafe(32)
    return Minted(token_id, hash_secret(secret), f"{PREFIX}{token_id}_{secret}")


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def is_ours(presented: str) -> bool:
    """Whether ``presented`` claims to be a BI access token (else it may be a JWT)."""
    return presented.startswith(PREFIX)


def split(presented: str) -> tuple[str, str] | None:
    """``(id, secret)`` of a well-formed token, else None."""
    match = _SHAPE.fullmatch(presented)
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_hash: bytes) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (the month's last day when it is shorter)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError("no such month")  # pragma: no cover - day 28 exists in every month


def latest_expiry(now: datetime) -> datetime:
    """The furthest a token may expire: 12 months from when it is minted."""
    return add_months(now, MAX_LIFETIME_MONTHS)
