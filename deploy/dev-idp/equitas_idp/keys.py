"""The provider's signing keys: PEM files in ``keys_dir`` named ``<kid>.pem``.

Every key in the folder is published in the JWKS, so a relying party keeps accepting tokens
signed by an older key after rotation. The newest key (by file modification time) of the
configured algorithm signs, which is why dropping a new PEM file in and restarting rotates.
"""

import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey
from joserfc.jws import extract_compact

from equitas_idp.settings import SigningAlg

log = logging.getLogger("equitas_idp.keys")

SIGNING_ALGS: tuple[SigningAlg, ...] = ("RS256", "ES256")
_KID_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


class KeyFileError(ValueError):
    """A file in the keys folder is not a usable private key."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: SigningAlg
    key: RSAKey | ECKey
    modified_ns: int

    def public_jwk(self) -> dict[str, Any]:
        return dict(self.key.as_dict(private=False, kid=self.kid, alg=self.alg, use="sig"))


def new_kid(alg: SigningAlg) -> str:
    """Readable and unique: algorithm, UTC creation time, random suffix."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return f"{alg.lower()}-{stamp}-{secrets.token_hex(3)}"


def generate_private_key(alg: SigningAlg) -> RSAKey | ECKey:
    if alg == "RS256":
        return RSAKey.generate_key(2048)
    return ECKey.generate_key("P-256")


def alg_for_key(key: RSAKey | ECKey) -> SigningAlg:
    if isinstance(key, RSAKey):
        return "RS256"
    if key.curve_name == "P-256":
        return "ES256"
    raise KeyFileError(f"unsupported EC curve {key.curve_name}; use P-256")


def write_private_pem(path: Path, pem: bytes) -> None:
    """Write a private key readable by the owner only, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    tmp.replace(path)


def read_private_key(path: Path) -> RSAKey | ECKey:
    data = path.read_bytes()
    for key_type in (RSAKey, ECKey):
        try:
            key = key_type.import_key(data)
        except (JoseError, ValueError, TypeError):
            continue
        if not key.is_private:
            raise KeyFileError(f"{path} holds a public key; the provider needs private keys")
        return key
    raise KeyFileError(f"{path} is not an RSA or EC private key in PEM format")


class SigningKeys:
    """Loads, creates, publishes and uses the provider's keys."""

    def __init__(self, keys_dir: Path, signing_alg: SigningAlg) -> None:
        self.keys_dir = keys_dir
        self.signing_alg = signing_alg
        self._keys: dict[str, SigningKey] = {}
        self._signer_kid: str | None = None

    @classmethod
    def load_or_create(cls, keys_dir: Path, signing_alg: SigningAlg) -> "SigningKeys":
        """Load every ``*.pem``; create one RS256 and one ES256 key when either is missing."""
        store = cls(keys_dir, signing_alg)
        keys_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(keys_dir.glob("*.pem")):
            kid = path.stem
            if not _KID_PATTERN.match(kid):
                log.warning("ignoring key file with unusable name", extra={"file": str(path)})
                continue
            key = read_private_key(path)
            store._add(kid, key, path.stat().st_mtime_ns)
        for alg in SIGNING_ALGS:
            if not any(k.alg == alg for k in store._keys.values()):
                store._create(alg)
        store._signer_kid = store._newest(signing_alg).kid
        return store

    def _add(self, kid: str, key: RSAKey | ECKey, modified_ns: int) -> SigningKey:
        signing_key = SigningKey(kid=kid, alg=alg_for_key(key), key=key, modified_ns=modified_ns)
        self._keys[kid] = signing_key
        return signing_key

    def _create(self, alg: SigningAlg) -> SigningKey:
        kid = new_kid(alg)
        key = generate_private_key(alg)
        path = self.keys_dir / f"{kid}.pem"
        write_private_pem(path, key.as_pem(private=True))
        log.info("created signing key", extra={"kid": kid, "alg": alg})
        return self._add(kid, key, path.stat().st_mtime_ns)

    def _newest(self, alg: SigningAlg) -> SigningKey:
        candidates = [k for k in self._keys.values() if k.alg == alg]
        return max(candidates, key=lambda k: (k.modified_ns, k.kid))

    def rotate(self, alg: SigningAlg | None = None) -> SigningKey:
        """Create a key that signs from now on; older keys stay published for verification."""
        created = self._create(alg or self.signing_alg)
        self._signer_kid = created.kid
        return created

    @property
    def signer(self) -> SigningKey:
        assert self._signer_kid is not None  # set by load_or_create
        return self._keys[self._signer_kid]

    @property
    def kids(self) -> list[str]:
        return sorted(self._keys)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        return {"keys": [self._keys[kid].public_jwk() for kid in self.kids]}

    def sign(self, claims: dict[str, Any], typ: str = "JWT") -> str:
        signer = self.signer
        header = {"alg": signer.alg, "kid": signer.kid, "typ": typ}
        return jwt.encode(header, claims, signer.key, algorithms=[signer.alg])

    def verify(self, token: str, typ: str | None = None) -> dict[str, Any]:
        """Check one of our own tokens' signature (not its claims); raise ``ValueError``."""
        try:
            header = extract_compact(token.encode()).protected
        except (JoseError, ValueError) as exc:
            raise ValueError("not a well-formed JWT") from exc
        known = self._keys.get(str(header.get("kid")))
        if known is None or header.get("alg") != known.alg:
            raise ValueError("unknown key or algorithm")
        if typ is not None and header.get("typ") != typ:
            raise ValueError(f"token type must be {typ}")
        try:
            decoded = jwt.decode(token, known.key, algorithms=[known.alg])
        except (JoseError, ValueError) as exc:
            raise ValueError("bad signature") from exc
        return dict(decoded.claims)
