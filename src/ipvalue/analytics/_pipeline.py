"""Running the Ibis pipelines on an engine: DuckDB (the analytics file) or PySpark."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from ipvalue.analytics._schema import SCHEMA
from ipvalue.analytics._store import open_duckdb
from ipvalue.core.errors import InputError

Engine = Literal["duckdb", "spark"]
ENGINES = ("duckdb", "spark")


def local_cores(master: str) -> int | None:
    """Cores of a ``local`` master (``local`` = 1, ``local[N]``, ``local[*]`` = all), else None."""
    m = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", master.strip())
    if m is None:
        return None
    if m.group(1) is None:
        return 1
    if m.group(1) == "*":
        return os.cpu_count() or 1
    return max(int(m.group(1)), 1)


def spark_settings(master: str, conf: dict[str, str] | None = None) -> dict[str, str]:
    """Spark settings for ``master``: ours, then the ``spark_conf`` setting, then ``conf``.

    Always: session time zone UTC (dates never shift between engines), no UI. In local mode
    (``local[N]``) every task runs in this process on N cores, so Spark's cluster defaults cost
    more than the work on analytics-sized data: one shuffle partition per core instead of 200
    (each is a task with its own scheduling and a tiny output), adaptive execution off (it
    re-plans after every shuffle stage and runs each stage as a job of its own: 75 jobs instead
    of 25 for one indicator run, about twice the time at 20,000 patents), and tables up to 64 MB
    broadcast instead of shuffled (no network: a broadcast is a pointer in one JVM). On a
    cluster (``spark://``, ``yarn``, ``k8s://``) Spark's and the cluster's defaults apply, and
    the ``spark_conf`` setting carries whatever the cluster needs.
    """
    from ipvalue.core.settings import get_settings

    out = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }
    cores = local_cores(master)
    if cores is not None:
        out |= {
            "spark.driver.memory": "2g",
            "spark.sql.shuffle.partitions": str(cores),
            "spark.default.parallelism": str(cores),
            "spark.sql.adaptive.enabled": "false",
            "spark.sql.autoBroadcastJoinThreshold": "64m",
        }
    return {**out, **get_settings().spark_conf, **(conf or {})}


def spark_session(
    master: str | None = None, app_name: str = "ipvalue", conf: dict[str, str] | None = None
) -> Any:
    """A local or cluster Spark session (master from the ``spark_master`` setting by default).

    Settings come from :func:`spark_settings` (local-mode tuning, the ``spark_conf`` setting);
    ``conf`` adds or overrides Spark settings last (tests use one shuffle partition and no
    adaptive execution: the data are tiny and per-stage overhead dominates).
    """
    from pyspark.sql import SparkSession

    from ipvalue.core.settings import get_settings

    master = master or get_settings().spark_master
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in spark_settings(master, conf).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")  # Spark's WARN chatter would drown our messages
    return session


@contextmanager
def engine_tables(
    db: str | Path | None, engine: str, *, spark: Any = None
) -> Iterator[dict[str, Any]]:
    """Canonical tables of the analytics database as Ibis tables on ``engine``.

    For Spark the tables are exported from DuckDB to Parquet in a temporary folder and read by
    the Spark session (``spark`` or a new one from the settings).
    """
    import ibis

    if engine not in ENGINES:
        raise InputError("--engine", f"must be one of {', '.join(ENGINES)} (got {engine!r})")
    duck = open_duckdb(db, read_only=str(db) != ":memory:")  # raises if the file does not exist
    try:
        if engine == "duckdb":
            con = ibis.duckdb.from_connection(duck)
            # Ibis's own DROP of a cached table fails on a read-only file (parser error)
            con._drop_cached_table = lambda name: duck.execute(
                f'DROP TABLE IF EXISTS temp."{name}"'
            )
            try:
                yield {name: con.table(name) for name in SCHEMA}
            finally:
                _release_cached(con)
            return
        with tempfile.TemporaryDirectory(prefix="ipv-spark-") as tmp:
            for name in SCHEMA:
                duck.execute(f"COPY {name} TO '{Path(tmp) / name}.parquet' (FORMAT parquet)")
            session = spark or spark_session()
            con = ibis.pyspark.connect(session)
            yield {
                name: con.read_parquet(str(Path(tmp) / f"{name}.parquet"), table_name=f"ipv_{name}")
                for name in SCHEMA
            }
    finally:
        duck.close()


def _release_cached(con: Any) -> None:
    """Drop the temp tables of ``.cache()`` while the connection is open.

    Ibis drops them from a finaliser, which otherwise first runs at interpreter exit and prints
    a traceback.
    """
    for name in list(getattr(con, "_cache_name_to_entry", {})):
        con._finalize_cached_table(name)


def to_arrow(expr: Any) -> pa.Table:
    """Execute an Ibis expression and return Arrow (dates as date32, no pandas NaN for NULL)."""
    return expr.to_pyarrow()
