from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class AggregationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    service_name: str = "aggregation"
    # Scoring's own address (the stack sets it); aggregation asks it who leads which team
    # (decision 0021) and reads its change feed.
    scoring_url: str = "http://127.0.0.1:8101"
    # How long a caller's teams, as scoring answered, are reused (decision 0021).
    teams_cache_s: float = Field(60.0, ge=0, le=600)

    # The change-feed consumer (decision 0020). It runs when it has a key to sign its
    # client assertion with; without one the service serves what the store holds.
    # The IdP's token endpoint; default: the issuer's /token.
    feed_token_url: str | None = None
    feed_client_id: str = "aggregation-service"
    feed_key_file: Path | None = None
    feed_key_id: str | None = None
    feed_scope: str = "feed:read"
    feed_consumer: bool = True
    feed_page_size: int = Field(1000, ge=1, le=10_000)
    # How often a caught-up consumer asks for more (a sync request wakes it sooner).
    feed_poll_interval_s: float = Field(0.5, gt=0)
    # How often a replica standing by tries to take the lease.
    feed_standby_interval_s: float = Field(5.0, gt=0)
    # Longest wait between retries after errors (doubling from 1 s).
    feed_retry_max_s: float = Field(30.0, gt=0)
    # How long POST /feed/sync waits for the consumer to catch up.
    feed_sync_wait_s: float = Field(10.0, ge=0, le=60)

    # BI exports built at once per process (each holds one pooled connection while it
    # builds) and exports admitted to wait behind them; past both, a quick 503 with
    # Retry-After (bi.admission, decision 0051).
    bi_exports_at_once: int = Field(2, ge=1, le=16)
    bi_exports_waiting: int = Field(8, ge=0, le=1000)

    @model_validator(mode="after")
    def _exports_leave_connections(self) -> Self:
        if self.bi_exports_at_once >= self.database_pool_size:
            raise ValueError(
                "EQUITAS_BI_EXPORTS_AT_ONCE must be below EQUITAS_DATABASE_POOL_SIZE: "
                "exports must leave connections for every other request"
            )
        return self

    @property
    def token_url(self) -> str:
        return self.feed_token_url or f"{self.oidc_issuer.rstrip('/')}/token"
