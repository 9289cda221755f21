from pydantic import Field
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
