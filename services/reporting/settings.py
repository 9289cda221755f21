from pydantic_settings import SettingsConfigDict

from services.common.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    service_name: str = "reporting"
