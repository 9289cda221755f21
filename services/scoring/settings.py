from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings

DEV_PSEUDONYMISATION_KEY = "development-only-secret-do-not-use-in-production"


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    service_name: str = "scoring"
    # Keyed HMAC secret for the change feed's person key. Rotating it re-keys every person.
    pseudonymisation_key: str = Field(default=DEV_PSEUDONYMISATION_KEY, min_length=32)
    fhir_max_bundle_entries: int = 5000
    feed_max_page: int = 1000
    # Optional official reference files (IoD File 7 CSV, NSPL/ONSPD CSV); the repository's
    # small synthetic samples are used when unset.
    imd_file: str | None = None
    imd_vintage: str = "IoD2019"
    postcode_file: str | None = None
    # Mounts /api/scoring/benchmark/* (the benchmark floor); for `make bench` only.
    benchmark_endpoints: bool = False

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "ScoringSettings":
        self.require_secret("EQUITAS_PSEUDONYMISATION_KEY", self.pseudonymisation_key)
        return self
