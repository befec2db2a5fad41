"""One session-scoped Spark (local[2]) and a small database shared by the conformance tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from tests.analytics.conftest import MINI
from tests.conftest import require_service

from ipvalue.analytics import (
    IndicatorOptions,
    compute_indicators,
    cycle_times,
    import_source,
    open_duckdb,
)
from ipvalue.analytics._generator import generate, write_tables

VDATE = date(2025, 1, 1)
_RESULTS: dict[tuple[str, str], pa.Table] = {}


def _spark_available() -> tuple[bool, str]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False, "pyspark not installed (pip install ipvalue[spark])"
    if shutil.which("java") is None:
        return False, "java not on PATH"
    return True, ""


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    ok, why = _spark_available()
    require_service("Spark", ok, why)
    from ipvalue.analytics import spark_session

    session = spark_session(
        "local[2]",
        app_name="ipvalue-tests",
        conf={"spark.sql.shuffle.partitions": "1", "spark.sql.adaptive.enabled": "false"},
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def conformance_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand fixture plus 300 generated patents (seed 7) in one DuckDB file."""
    root = tmp_path_factory.mktemp("conf")
    write_tables(generate(300, seed=7, citations_per_patent=8), root / "gen", "parquet")
    db = root / "conf.duckdb"
    con = open_duckdb(db)
    import_source(con, MINI, "patentsview")
    import_source(con, root / "gen", "patentsview")
    con.close()
    return db


@pytest.fixture(params=["duckdb", "spark"], scope="session")
def engine(request: pytest.FixtureRequest) -> str:
    if request.param == "spark":
        request.getfixturevalue("spark")
    return str(request.param)


def run(kind: str, engine: str, db: Path, spark: Any = None) -> pa.Table:
    """Compute once per (kind, engine) in the session."""
    key = (kind, engine)
    if key not in _RESULTS:
        if kind == "indicators":
            _RESULTS[key] = compute_indicators(
                db, IndicatorOptions(valuation_date=VDATE), engine=engine, spark=spark
            )
        elif kind == "indicators_min_cohort":  # fallback levels and the membership path
            opts = IndicatorOptions(
                valuation_date=VDATE, min_cohort_size=5, normalisation="trim1_max"
            )
            _RESULTS[key] = compute_indicators(db, opts, engine=engine, spark=spark)
        else:
            _RESULTS[key] = cycle_times(db, engine=engine, spark=spark)
    return _RESULTS[key]
