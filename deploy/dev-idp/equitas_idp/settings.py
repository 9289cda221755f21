"""Settings of the development identity provider (env prefix ``EQUITAS_IDP_``).

Relative paths are resolved against the current working directory; ``make run`` and the
test-suite start from the repository root, which is what the defaults assume.
"""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SigningAlg = Literal["RS256", "ES256"]


class IdpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_IDP_", extra="ignore")

    # The public URL of the provider as relying parties see it (through the gateway). Every
    # route is served under this URL's path, because the gateway forwards `/idp/*` unchanged.
    issuer: str = "http://127.0.0.1:8080/idp"
    audience: str = "equitas"
    users_file: Path = Path("deploy/dev-idp/users.yaml")
    clients_file: Path = Path("deploy/dev-idp/clients.yaml")
    keys_dir: Path = Path("var/idp/keys")
    signing_alg: SigningAlg = "RS256"
    access_token_ttl_s: int = 600
    id_token_ttl_s: int = 600
    code_ttl_s: int = 60
    refresh_token_ttl_s: int = 8 * 3600
    session_ttl_s: int = 8 * 3600
    assertion_max_age_s: int = 300
    # The token endpoint as services inside the stack reach it, on the provider's own port
    # rather than through the gateway: a client assertion may name it as its audience. The
    # audience is never taken from the request (its Host header is the caller's to choose).
    internal_token_url: str | None = None
    # POST /admin/rotate-keys is served only when this is set, and answers only to
    # `Authorization: Bearer <admin secret>`.
    admin_secret: SecretStr | None = None

    @field_validator("admin_secret", mode="before")
    @classmethod
    def _long_enough(cls, value: object) -> object:
        if value in (None, ""):
            return None  # an empty variable means "no admin routes"
        secret = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if len(secret) < 16:
            raise ValueError("admin_secret must be at least 16 characters")
        return value

    @field_validator("issuer")
    @classmethod
    def _plain_http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("issuer must be an absolute http(s) URL")
        if parts.query or parts.fragment:
            raise ValueError("issuer must not have a query or fragment (OIDC Discovery §3)")
        return value.rstrip("/")

    @property
    def path_prefix(self) -> str:
        """The issuer's path, e.g. ``/idp``; empty when the issuer is a bare origin."""
        return urlsplit(self.issuer).path.rstrip("/")

    def url(self, route: str) -> str:
        """Public URL of one of our routes, e.g. ``url("/token")``."""
        return f"{self.issuer}{route}"

    @property
    def token_endpoint(self) -> str:
        return self.url("/token")

    @property
    def assertion_audiences(self) -> list[str]:
        """What a client assertion's ``aud`` may name; the first is the one to use."""
        internal = [self.internal_token_url] if self.internal_token_url else []
        return [self.token_endpoint, self.issuer, *internal]
