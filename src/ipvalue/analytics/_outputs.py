"""Public entry points that run the pipelines and write their tables (CSV or Parquet)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ipvalue.analytics._cycle_time import cycle_time_table
from ipvalue.analytics._indicators import IndicatorOptions, indicator_table, resolve_scheme
from ipvalue.analytics._pipeline import engine_tables
from ipvalue.core.errors import InputError


def compute_indicators(
    db: str | Path | None, options: IndicatorOptions, *, engine: str = "duckdb", spark: Any = None
) -> pa.Table:
    """Indicators of every publication in the analytics database, as an Arrow table.

    The scheme actually used is recorded in the table's schema metadata (``ipvalue.scheme``),
    together with every other option.
    """
    with engine_tables(db, engine, spark=spark) as tables:
        scheme = resolve_scheme(tables, options.scheme)
        opts = IndicatorOptions(**{**_opts_dict(options), "resolved_scheme": scheme})
        out = indicator_table(tables, opts, materialize=engine == "spark").to_pyarrow()
    meta = {f"ipvalue.{k}": str(v) for k, v in _opts_dict(opts).items()}
    meta["ipvalue.engine"] = engine
    return _clean(out).replace_schema_metadata(meta)


def cycle_times(
    db: str | Path | None, *, engine: str = "duckdb", min_ages: int = 1, spark: Any = None
) -> pa.Table:
    """Cycle-time quartiles per CPC/IPC subclass and WIPO field, as an Arrow table."""
    if min_ages < 1:
        raise InputError("--min-ages", "must be >= 1")
    with engine_tables(db, engine, spark=spark) as tables:
        out = cycle_time_table(tables, min_ages=min_ages).to_pyarrow()
    return _clean(out).replace_schema_metadata({"ipvalue.engine": engine, "ipvalue.unit": "years"})


def _opts_dict(o: IndicatorOptions) -> dict[str, Any]:
    return {k: getattr(o, k) for k in o.__dataclass_fields__}


def _clean(t: pa.Table) -> pa.Table:
    """NaN/inf never leave the pipeline: they become NULL (empty in CSV)."""
    cols = []
    for col in t.columns:
        if pa.types.is_floating(col.type):
            bad = pc.or_(pc.is_nan(col), pc.is_inf(col))
            col = pc.if_else(bad, pa.scalar(None, col.type), col)
        cols.append(col)
    return pa.table(cols, names=t.column_names)


def write_table(table: pa.Table, out: str | Path) -> Path:
    """Write ``table`` as CSV (empty cells for NULL) or Parquet, chosen by the extension."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError("--out", "must end in .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))
    return path


def assert_finite(table: pa.Table) -> None:
    """Raise if any float cell is NaN or infinite (used by tests and the benchmark)."""
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_floating(col.type):
            for v in col.to_pylist():
                if v is not None and not math.isfinite(v):
                    raise AssertionError(f"{name} has a non-finite value {v}")
