"""The one settings base every service extends (env prefix ``EQUITAS_``)."""

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.permissions import DEFAULT_ROLE_PERMISSIONS, Permission
from services.common.token_bucket import RateLimit


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


# Requests per client and service process, when the settings name none (decision 0043):
# (staff, systems). Production's let a member of staff open any page at once and keep
# working, and an EPR push or a BI refresh run at full speed; development and test are
# far above what `make bench`, `make load` and the test-suite ask of one client.
_LOCAL_RATE_LIMIT = RateLimit(per_s=10_000, burst=100_000)
DEFAULT_RATE_LIMITS = {
    Environment.production: (RateLimit(per_s=20, burst=200), RateLimit(per_s=200, burst=2000)),
    Environment.development: (_LOCAL_RATE_LIMIT, _LOCAL_RATE_LIMIT),
    Environment.test: (_LOCAL_RATE_LIMIT, _LOCAL_RATE_LIMIT),
}

PLACEHOLDER_SECRETS = frozenset(
    {"", "change-me", "development-only-secret-do-not-use-in-production"}
)


class ServiceSettings(BaseSettings):
    """Settings shared by every service; each service subclasses it with its own name."""

    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    environment: Environment = Environment.development
    service_name: str = "equitas"
    # A server URL (any database name); each service uses its own database on it.
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    # Overrides the per-service database name (tests use their own).
    database_name: str | None = None
    # Connections each worker keeps open. Requests beyond the pool wait for a connection
    # (up to database_pool_timeout_s) rather than open one: a connection opened for a burst
    # and closed after it costs a Postgres backend start each time.
    database_pool_size: int = 20
    database_max_overflow: int = 0
    database_pool_timeout_s: float = 30.0
    migrate_on_start: bool = True
    # New container objects between two garbage collections (Python's default is 700).
    # Requests free what they build by reference counting; at 700 a collection ran about
    # every second submit and scanned the objects of every request in flight, finding no
    # garbage: ~10% of a submit's CPU (docs/benchmarks.md). Cyclic garbage, where some path
    # makes it, is still collected, a little later.
    gc_young_threshold: int = Field(20_000, ge=100)

    oidc_issuer: str = "http://127.0.0.1:8080/idp"
    # Where the service fetches keys; defaults to the issuer's /jwks. Services may reach the
    # IdP directly rather than through the gateway.
    oidc_jwks_url: str | None = None
    oidc_audience: str = "equitas"
    oidc_leeway_s: int = 30
    oidc_allowed_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "PS256"])

    # National RBAC role code -> Equitas permissions (JSON in the environment).
    role_permissions: dict[str, list[Permission]] = Field(
        default_factory=lambda: dict(DEFAULT_ROLE_PERMISSIONS)
    )

    # Rate limits per client (JSON in the environment, e.g. {"per_s": 20, "burst": 200}):
    # None takes the environment's default (DEFAULT_RATE_LIMITS).
    rate_limit_staff: RateLimit | None = None
    rate_limit_systems: RateLimit | None = None
    # Limits of particular clients, by client id (systems) or subject (staff).
    rate_limit_clients: dict[str, RateLimit] = Field(default_factory=dict)

    public_url: str = "http://127.0.0.1:8080"
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def jwks_url(self) -> str:
        return self.oidc_jwks_url or f"{self.oidc_issuer.rstrip('/')}/jwks"

    def rate_limits(self) -> tuple[RateLimit, RateLimit]:
        """(staff, systems): as set, else this environment's defaults."""
        staff, systems = DEFAULT_RATE_LIMITS[self.environment]
        return self.rate_limit_staff or staff, self.rate_limit_systems or systems

    def database_name_for(self, service: str) -> str:
        return self.database_name or f"equitas_{service}"

    @model_validator(mode="after")
    def _refuse_weak_algorithms(self) -> Self:
        weak = [
            a for a in self.oidc_allowed_algorithms if a.lower() == "none" or a.startswith("HS")
        ]
        if weak:
            raise ValueError(f"oidc_allowed_algorithms must not include {weak}")
        return self

    def require_role_mapping(self) -> None:
        """A service answering requests in production maps the trust's own role codes: the
        built-in mapping's extra codes are illustrative (the demo IdP's), and a real role
        that happened to share one would get its permissions. (Not a validator: migrations
        run with these settings and need no mapping.)"""
        if (
            self.environment is Environment.production
            and self.role_permissions == DEFAULT_ROLE_PERMISSIONS
        ):
            raise ValueError(
                "EQUITAS_ROLE_PERMISSIONS must map your trust's national RBAC role codes in "
                "production; the built-in mapping is the demo's"
            )

    def require_secret(self, name: str, value: str) -> None:
        """Refuse placeholder secrets outside development and test."""
        if self.environment is Environment.production and value in PLACEHOLDER_SECRETS:
            raise ValueError(f"{name} must be set to a real secret in production")
