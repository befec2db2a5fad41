"""Patent analytics: canonical tables in DuckDB, importers, indicators and cycle times.

Public API (stable for the landscape / similar-patents stream):

* :func:`connect` — Ibis connection to the analytics DuckDB file (canonical tables, ``SCHEMA``).
* :func:`import_source` — load PatentsView / USPTO XML / Lens / BigQuery exports.
* :func:`compute_indicators`, :func:`cycle_times` — one Ibis pipeline on DuckDB or Spark.
"""

from ipvalue.analytics._cycle_time import CYCLE_TIME_COLUMNS, cycle_time_table
from ipvalue.analytics._indicators import INDICATOR_COLUMNS, IndicatorOptions, indicator_table
from ipvalue.analytics._outputs import compute_indicators, cycle_times, write_table
from ipvalue.analytics._pipeline import ENGINES, engine_tables, spark_session
from ipvalue.analytics._schema import SCHEMA, us_doc_number
from ipvalue.analytics._store import (
    CanonicalBatch,
    ImportIssue,
    ImportReport,
    canonical_tables,
    connect,
    open_duckdb,
)
from ipvalue.analytics.sources import FORMATS, import_source

__all__ = [
    "CYCLE_TIME_COLUMNS",
    "ENGINES",
    "FORMATS",
    "INDICATOR_COLUMNS",
    "SCHEMA",
    "CanonicalBatch",
    "ImportIssue",
    "ImportReport",
    "IndicatorOptions",
    "canonical_tables",
    "compute_indicators",
    "connect",
    "cycle_time_table",
    "cycle_times",
    "engine_tables",
    "import_source",
    "indicator_table",
    "open_duckdb",
    "spark_session",
    "us_doc_number",
    "write_table",
]
