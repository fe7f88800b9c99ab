"""Settings of the cases capability (environment, prefix ``WASPADA_CASES_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class CasesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WASPADA_CASES_", extra="ignore")

    #: closed cases are anonymised this many days after closure (UU 27/2022 Pasal 16)
    retention_days: int = 730
    #: largest attachment accepted (bytes)
    attachment_max_bytes: int = 5 * 1024 * 1024
    #: public form: reports accepted per client address per hour
    public_reports_per_hour: int = 5
    #: public follow-up page: look-ups per client address per hour
    public_lookups_per_hour: int = 30
    #: page size of the case list
    page_size: int = 50


@lru_cache(maxsize=1)
def get_cases_settings() -> CasesSettings:
    return CasesSettings()
