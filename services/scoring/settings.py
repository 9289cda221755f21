import hashlib
import hmac

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from services.common.settings import Environment, ServiceSettings

DEV_PSEUDONYMISATION_KEY = "development-only-secret-do-not-use-in-production"
DEMO_LOCAL_IDENTIFIER_SYSTEMS = {
    "rio-epr-demo": "https://fhir.eqa.example/Id/rio-client-id",
    "systmone-epr-demo": "https://fhir.eqb.example/Id/systmone-patient-id",
}


class ScoringSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    service_name: str = "scoring"
    # Keyed HMAC secret for the change feed's person key. Rotating it re-keys every person.
    pseudonymisation_key: str = Field(default=DEV_PSEUDONYMISATION_KEY, min_length=32)
    # Signs the board self-assessment's private-mode codes (decision 0031); unset, a key
    # derived from the pseudonymisation key. Changing either makes every earlier link
    # unreadable: nothing else holds those answers.
    private_code_key: str | None = Field(default=None, min_length=32)
    fhir_max_bundle_entries: int = 5000
    # Client id -> the identifier system of that EPR's own patient identifiers (a RiO client
    # id, a SystmOne patient id): Patients are matched on it when they have no NHS number
    # yet, and it is the People API's local_id (decision 0017). JSON in the environment.
    # The demo EPR clients have one each, except in production.
    fhir_local_identifier_systems: dict[str, str] = Field(
        default_factory=lambda: dict(DEMO_LOCAL_IDENTIFIER_SYSTEMS)
    )
    feed_max_page: int = 1000
    # Official reference files (IoD File 7 CSV, NSPL/ONSPD CSV): both or neither. Without
    # them the repository's small synthetic samples are used, in which no real postcode
    # exists (every real person's IMD decile would be unknown): production refuses that
    # unless allow_synthetic_reference_data says it is a trial.
    imd_file: str | None = None
    imd_vintage: str = "IoD2019"
    postcode_file: str | None = None
    allow_synthetic_reference_data: bool = False
    # Mounts /api/scoring/benchmark/* (the benchmark floor); for `make bench` only.
    benchmark_endpoints: bool = False

    def private_code_signing_key(self) -> bytes:
        if self.private_code_key:
            return self.private_code_key.encode()
        derived = hmac.new(self.pseudonymisation_key.encode(), b"private-code:1", hashlib.sha256)
        return derived.digest()

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "ScoringSettings":
        self.require_secret("EQUITAS_PSEUDONYMISATION_KEY", self.pseudonymisation_key)
        return self

    @model_validator(mode="after")
    def _no_demo_clients_in_production(self) -> "ScoringSettings":
        if (
            self.environment is Environment.production
            and "fhir_local_identifier_systems" not in self.model_fields_set
        ):
            self.fhir_local_identifier_systems = {}
        return self

    @model_validator(mode="after")
    def _reference_files(self) -> "ScoringSettings":
        if bool(self.imd_file) != bool(self.postcode_file):
            raise ValueError("set both EQUITAS_IMD_FILE and EQUITAS_POSTCODE_FILE, or neither")
        if (
            self.environment is Environment.production
            and not self.imd_file
            and not self.allow_synthetic_reference_data
        ):
            raise ValueError(
                "EQUITAS_IMD_FILE and EQUITAS_POSTCODE_FILE must name the official IoD File 7 "
                "and NSPL/ONSPD files in production (the shipped samples are synthetic); "
                "EQUITAS_ALLOW_SYNTHETIC_REFERENCE_DATA=true runs a trial without them"
            )
        return self
