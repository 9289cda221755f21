from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    service_name: str = "reporting"
    # Where reporting reaches the services it reports on (the same paths as through the
    # gateway: /api/scoring/..., /api/aggregation/...).
    scoring_url: str = "http://127.0.0.1:8101"
    aggregation_url: str = "http://127.0.0.1:8102"
    # Each upstream call: seconds to connect and to answer, and how many times an
    # idempotent GET is tried when the service is unreachable or busy (with backoff).
    upstream_connect_timeout_s: float = Field(2.0, gt=0)
    upstream_timeout_s: float = Field(15.0, gt=0)
    upstream_attempts: int = Field(3, ge=1, le=10)
    upstream_backoff_s: float = Field(0.1, ge=0)
    # PDFs drawn at once, and PDF requests admitted to wait behind them; past both, a quick
    # 503 with Retry-After (machinery.render.PdfRenders).
    pdf_renders_at_once: int = Field(2, ge=1, le=32)
    pdf_renders_waiting: int = Field(32, ge=0, le=1000)
    # A report job's result is kept this long for its requester, then deleted.
    job_ttl_s: int = Field(3600, ge=60)
