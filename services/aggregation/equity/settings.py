"""Equity analysis settings (env prefix ``EQUITAS_``)."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EquitySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EQUITAS_", extra="ignore")

    # With a key (at least 32 bytes), an activity file's NHS number column is replaced by
    # its keyed pseudonym (HMAC-SHA256) as it is read; without one it is refused (decision
    # 0032). Names, dates of birth, postcodes and addresses are always refused.
    equity_pseudonym_key: SecretStr | None = Field(None, min_length=32)
    # The largest activity file accepted (bytes): 500,000 rows are about 60 MB.
    equity_upload_max_bytes: int = Field(512 * 1024 * 1024, ge=1024)


@lru_cache(maxsize=1)
def equity_settings() -> EquitySettings:
    return EquitySettings()
