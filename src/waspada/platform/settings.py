"""The one settings object, read from the environment (prefix ``WASPADA_``)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``WASPADA_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="WASPADA_", extra="ignore")

    #: where SQLite, the generated secret key and uploads live
    data_dir: Path = Path("var")
    #: SQLAlchemy URL; default SQLite under data_dir
    database_url: str | None = None
    #: signing key; generated once under data_dir when unset
    secret_key: str | None = None
    #: HMAC key anchoring the audit chain; generated once under data_dir (``audit_key``) when
    #: unset. Keep it outside the database (and its backups): see docs/security.md
    audit_key: str | None = None
    #: audit keys retired by ``waspada audit rotate-key``, comma-separated (with the key in the
    #: environment; a rotated ``data_dir/audit_key`` keeps them in ``audit_key.retired``):
    #: needed to verify the entries written before each rotation
    audit_retired_keys: str | None = None
    #: key signing audit checkpoints; derived from the audit key when unset
    audit_checkpoint_key: str | None = None
    #: matching indexes (watchlist, earlier screenings) of at least this many entries are
    #: snapshotted under data_dir/index-snapshots so a restart loads them in seconds
    #: (docs/matching.md, "Warm start"); 0 = never snapshot
    index_snapshot_min_entries: int = Field(20_000, ge=0)
    #: rewrite a snapshot once this many changes were applied since it was written
    index_snapshot_refresh_changes: int = Field(5_000, ge=1)
    #: load (or, when large, build) the matching indexes in the background at server start
    warm_indexes_on_start: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    session_lifetime_minutes: int = 8 * 60
    #: lifetime of a new personal API token when its creator chooses none (days; at most
    #: 365, the longest a creator may choose); also what tokens made before expiry existed
    #: were given by the migration (docs/administration.md, "API tokens")
    token_days: int = Field(90, ge=1, le=365)
    default_language: Literal["id", "en"] = "id"
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    #: reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma-separated
    #: IPs or networks ("10.0.0.5", "10.0.0.0/8", "*" = any); empty = trust no proxy
    forwarded_allow_ips: str = ""
    max_body_bytes: int = 12 * 1024 * 1024
    login_max_failures: int = 5
    lockout_minutes: int = 15
    login_ip_attempts_per_5min: int = 30
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    log_level: str = "INFO"
    #: Spark shuffle partitions of the local session `identity dedupe|link --engine spark`
    #: creates (a session created beforehand, e.g. by spark-submit, keeps its own)
    spark_partitions: int = Field(4, ge=1)
    #: memory DuckDB may hold in one dedupe or link (``auto``, ``4GB``, ``512MB``, ``50%`` of the
    #: machine); beyond it DuckDB writes to a private temporary folder. ``auto``: 8 GiB, or half
    #: the machine's memory where that is less. Without a cap DuckDB takes up to 80 % of the
    #: machine (21 GB at 1,000,000 records of the blind generator); a cap too tight slows a run
    #: that needs more (4GB: synth2's 1M three times slower): docs/matching.md, "Memory"
    matching_memory_limit: str | None = Field(
        "auto", pattern=r"^\s*(auto|[0-9]+(\.[0-9]+)?\s*([KMGT]i?B|B|%))\s*$")
    #: where DuckDB's private spill folders go (default ``TMPDIR``). Where ``/tmp`` is memory
    #: (tmpfs, Debian 13's default) point it at a disk with room: 1,000,000 records of the blind
    #: generator wrote 23 GB there under a 4GB cap (docs/matching.md)
    matching_spill_dir: Path | None = None
    #: most disk the spill folder of one dedupe or link may take (``20GB``); a run that needs
    #: more stops with a clear message. Default DuckDB's: 90 % of the disk's free space
    matching_spill_limit: str | None = Field(
        None, pattern=r"^\s*[0-9]+(\.[0-9]+)?\s*([KMGT]i?B|B)\s*$")
    #: match requests (``POST /api/v1/match[/{dataset}]``) one account may have running at
    #: once in one server process; one more is answered 429 ``too_many_matches`` with
    #: ``Retry-After`` (a yente batch costs up to ~4 s of CPU: a few at once from one account
    #: filled a 2-core server)
    match_concurrency_per_user: int = Field(2, ge=1, le=64)

    # -- background jobs (docs/jobs.md) --
    #: worker threads in the web process (0: none; run ``waspada jobs worker`` instead)
    job_workers: int = Field(1, ge=0, le=8)
    #: how often an idle worker looks for queued jobs (a submit in the same process wakes it)
    job_poll_seconds: float = Field(2.0, gt=0)
    #: how often a running job's heartbeat is written; three missed beats = worker lost
    job_heartbeat_seconds: float = Field(10.0, gt=0)
    #: ended jobs and their results are deleted after this many days
    job_retention_days: int = Field(14, ge=1)
    #: jobs one account may have waiting or running at once; one more is refused (429
    #: ``too_many_jobs``) so that one account (or one read token) cannot fill the queue that
    #: every user's jobs wait in
    job_max_active: int = Field(5, ge=1, le=1000)

    # -- cases (formerly cases/settings.py; same variable names: WASPADA_CASES_*) --
    #: closed cases are anonymised this many days after closure (UU 27/2022 Pasal 16)
    cases_retention_days: int = 730
    #: largest case attachment accepted (bytes)
    cases_attachment_max_bytes: int = 5 * 1024 * 1024
    #: public report form: reports accepted per client address per hour
    cases_public_reports_per_hour: int = 5
    #: public follow-up page: look-ups per client address per hour
    cases_public_lookups_per_hour: int = 30
    #: page size of the case list
    cases_page_size: int = 50

    # -- exchange between installations (docs/exchange.md) --
    #: this installation's exchange identity (``waspada exchange init --json`` prints the
    #: name; the private key string is what ``var/exchange_identity`` holds); unset: the file
    exchange_key: str | None = None
    exchange_name: str | None = None
    #: largest bundle accepted or sent (bytes)
    exchange_max_bundle_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    #: bundles older than this are refused (and their nonces pruned)
    exchange_max_age_days: int = Field(30, ge=1)
    #: days a decided inbox bundle keeps its payload (the content lives on in the case, under
    #: the case's retention); then the payload is erased and only the bundle's facts remain
    exchange_inbox_keep_days: int = Field(30, ge=1)
    #: delivery: attempts before a bundle is dead-lettered, backoff base and cap (seconds)
    exchange_delivery_attempts: int = Field(6, ge=1)
    exchange_retry_base_seconds: float = Field(30.0, gt=0)
    exchange_retry_max_seconds: float = Field(6 * 3600.0, gt=0)
    exchange_delivery_timeout_seconds: float = Field(20.0, gt=0)
    #: delivery thread in the web process (0: none; run ``waspada exchange deliver`` instead)
    exchange_delivery_workers: int = Field(1, ge=0, le=1)
    exchange_delivery_poll_seconds: float = Field(5.0, gt=0)
    #: inbox: bundles accepted per minute per source address and per partner
    exchange_inbox_per_minute_ip: int = Field(120, ge=1)
    exchange_inbox_per_minute_partner: int = Field(60, ge=1)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'waspada.sqlite3').resolve()}"

    @property
    def effective_secret_key(self) -> str:
        """The configured key, or one generated once and kept (mode 0600) under ``data_dir``."""
        return self.secret_key or self._key_file("secret_key")

    @property
    def effective_audit_key(self) -> str:
        """``WASPADA_AUDIT_KEY``, or one generated once and kept (0600) in ``data_dir``."""
        return self.audit_key or self._key_file("audit_key")

    def _key_file(self, name: str) -> str:
        path = self.data_dir / name
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # written whole to a private temporary file, then linked into place: a second process
        # starting at the same moment either wins the link or reads the complete winner
        tmp = self.data_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            key = path.read_text().strip()
        finally:
            tmp.unlink()
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
