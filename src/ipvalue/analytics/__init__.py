"""Patent analytics: canonical tables in DuckDB, importers, indicators and cycle times.

Public API (stable for the landscape / similar-patents stream):

* :func:`connect` — Ibis connection to the analytics DuckDB file (canonical tables, ``SCHEMA``).
* :func:`import_source` — load PatentsView / USPTO XML / Lens / BigQuery exports.
* :func:`compute_indicators`, :func:`cycle_times` — one Ibis pipeline on DuckDB or Spark.
"""

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
    "FORMATS",
    "SCHEMA",
    "CanonicalBatch",
    "ImportIssue",
    "ImportReport",
    "canonical_tables",
    "connect",
    "import_source",
    "open_duckdb",
    "us_doc_number",
]
