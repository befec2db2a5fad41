"""Adapter: read Model I quartiles from an analytics cycle-time file (CSV or Parquet).

The analytics stream writes one row per classification code with the columns
``scheme, code, n_patents, n_ages, q1, q2, q3, mean`` (years; docs/dev/CONTRACTS.md).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kr_life import Quartiles

CYCLE_TIME_COLUMNS = ("scheme", "code", "n_patents", "n_ages", "q1", "q2", "q3", "mean")


def read_cycle_time_quartiles(path: str | Path, *, scheme: str, code: str) -> Quartiles:
    """Quartiles for ``(scheme, code)`` from a cycle-time file.

    Raises
    ------
    InputError
        File missing or unreadable, columns missing, no row or several rows for the code, empty
        (missing) quartiles, or fewer than one cited-patent age behind them.
    """
    p = Path(path)
    field = "framework_inputs.KR.life.cycle_time_file"
    if not p.is_file():
        raise InputError(field, f"file not found: {p}")
    try:
        frame = (
            pd.read_parquet(p)
            if p.suffix.lower() == ".parquet"
            else pd.read_csv(p, dtype={"scheme": str, "code": str})
        )
    except Exception as exc:  # pandas raises many parser types; all mean "unreadable"
        raise InputError(field, f"cannot be read as CSV/Parquet ({type(exc).__name__})") from exc
    missing = [c for c in CYCLE_TIME_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(field, f"missing column(s): {', '.join(missing)}")
    rows = frame[(frame["scheme"].astype(str) == scheme) & (frame["code"].astype(str) == code)]
    if len(rows) != 1:
        found = "no row" if rows.empty else f"{len(rows)} rows"
        raise InputError(f"{field}:{scheme}/{code}", f"must have exactly one row ({found})")
    row = rows.iloc[0]
    values = {}
    for col in ("q1", "q2", "q3"):
        v = row[col]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            raise InputError(f"{field}:{scheme}/{code}.{col}", "is missing in the file")
        values[col] = float(v)
    n_ages = row["n_ages"]
    if n_ages is None or pd.isna(n_ages) or int(n_ages) < 1:
        raise InputError(f"{field}:{scheme}/{code}.n_ages", "must be >= 1")
    return Quartiles(
        q1=values["q1"],
        q2=values["q2"],
        q3=values["q3"],
        source=f"cycle-time file {p.name}, {scheme} {code} (n_ages={int(n_ages)})",
    )
