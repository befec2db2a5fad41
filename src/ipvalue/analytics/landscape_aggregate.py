"""Landscapes of aggregate statistics (counts per office × field × year), e.g. WIPO tables.

Official statistics (WIPO IP Statistics Data Center, national office reports) give counts, not
patents. The same measures apply with counts as weights: filings by year / office / field /
origin, CAGR, concentration (HHI and CR4 of the shares of fields or offices) and emerging fields
(the emergence statistic of :mod:`ipvalue.analytics.emerging` with ``n`` = summed counts).
Novelty needs texts and is not defined here.

Input frame columns: ``year`` (int), ``office``, ``origin`` (e.g. Resident / Non-Resident, may be
empty), ``field`` (label), ``count`` (int ≥ 0). :func:`read_wipo_stats` reads the WIPO layout
(``office, origin, technology_number, technology, year, count``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ipvalue.analytics.landscape_counts import (
    ConcentrationResult,
    GrowthResult,
    concentration_from_counts,
    growth,
)
from ipvalue.core.errors import InputError

AGGREGATE_DIMENSIONS: tuple[str, ...] = ("year", "office", "origin", "field")
WIPO_COLUMNS = ("office", "origin", "technology_number", "technology", "year", "count")


def read_wipo_stats(path: Path) -> pd.DataFrame:
    """Read a WIPO statistics table into the aggregate frame.

    Field 0 ("Unknown") becomes a missing field: it counts in yearly and office totals but not
    in field tables.

    Raises
    ------
    InputError
        Missing columns, non-integer years or counts, negative counts (row named).
    """
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("--source", f"{path} does not exist") from exc
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(str(path), f"is not a readable UTF-8 CSV file ({exc})") from exc
    missing = [c for c in WIPO_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(str(path), f"missing column(s) {', '.join(missing)}")
    frame = pd.DataFrame(
        {
            "year": _integers(raw["year"], f"{path.name}:year"),
            "office": raw["office"].str.strip(),
            "origin": raw["origin"].str.strip(),
            "field": [
                None if num.strip() in ("", "0") else f"{int(num):02d} {title.strip()}"
                for num, title in zip(raw["technology_number"], raw["technology"], strict=True)
            ],
            "count": _integers(raw["count"], f"{path.name}:count"),
        }
    )
    if (frame["count"] < 0).any():
        row = int(np.flatnonzero(frame["count"].to_numpy() < 0)[0])
        raise InputError(f"{path.name}:{row + 2}", "count must be >= 0")
    return frame


def _integers(values: pd.Series, field: str) -> np.ndarray:
    numbers = pd.to_numeric(values.str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        got = values.iloc[row]
        raise InputError(f"{field} (line {row + 2})", f"must be an integer, got {got!r}")
    return numbers.to_numpy(dtype=np.int64)


def aggregate_counts(frame: pd.DataFrame, by: str, *, top: int | None = None) -> pd.DataFrame:
    """Summed counts per category: ``<by>, n, share`` (years complete and in order).

    Rows with a missing category are left out of that table (e.g. unknown field).
    """
    if by not in AGGREGATE_DIMENSIONS:
        raise InputError("--by", f"must be one of {', '.join(AGGREGATE_DIMENSIONS)}")
    known = frame[frame[by].notna() & (frame[by].astype(str) != "")]
    counts = known.groupby(by)["count"].sum().astype(float)
    if by == "year":
        if len(counts):
            counts = counts.reindex(
                range(int(counts.index.min()), int(counts.index.max()) + 1), fill_value=0.0
            )
    else:
        counts = counts.sort_values(ascending=False, kind="stable")
        if top is not None:
            counts = counts.iloc[:top]
    total = float(known["count"].sum())
    return pd.DataFrame(
        {
            by: counts.index.to_numpy(),
            "n": counts.to_numpy(),
            "share": counts.to_numpy() / total if total else 0.0,
        }
    )


def aggregate_year_matrix(frame: pd.DataFrame, by: str, *, top: int = 8) -> pd.DataFrame:
    """Year × category summed counts for the ``top`` categories by total."""
    known = frame[frame[by].notna()]
    order = known.groupby(by)["count"].sum().sort_values(ascending=False, kind="stable")
    keep = list(order.index[:top])
    wide = (
        known[known[by].isin(keep)]
        .groupby(["year", by])["count"]
        .sum()
        .unstack(fill_value=0)
        .reindex(columns=keep, fill_value=0)
    )
    years = range(int(frame["year"].min()), int(frame["year"].max()) + 1)
    return wide.reindex(years, fill_value=0).rename_axis(index="year", columns=by)


def emergence_from_counts(
    wide: pd.DataFrame, *, base: tuple[int, int], recent: tuple[int, int], min_recent: float = 1
) -> pd.DataFrame:
    """Emergence statistics from a year × item count matrix.

    ``n_B``, ``n_R`` are an item's summed counts in each window and ``N_B``, ``N_R`` the summed
    counts of all items; then the definitions of :mod:`ipvalue.analytics.emerging` apply
    (``emergence`` = add-one smoothed log share ratio, ``slope`` = OLS slope of yearly shares).

    Raises
    ------
    InputError
        Overlapping windows or a window with no counts.
    """
    if base[0] > base[1] or recent[0] > recent[1] or base[1] >= recent[0]:
        raise InputError("windows", "base window must end before the recent window starts")
    b = wide.loc[(wide.index >= base[0]) & (wide.index <= base[1])]
    r = wide.loc[(wide.index >= recent[0]) & (wide.index <= recent[1])]
    n_b_total, n_r_total = float(b.to_numpy().sum()), float(r.to_numpy().sum())
    if n_b_total == 0 or n_r_total == 0:
        raise InputError("windows", "need counts in both the base and the recent window")
    n_b, n_r = b.sum(axis=0).astype(float), r.sum(axis=0).astype(float)
    span = wide.loc[(wide.index >= base[0]) & (wide.index <= recent[1])]
    totals = span.sum(axis=1).to_numpy(dtype=float)
    ok = totals > 0
    x = span.index.to_numpy(dtype=float)[ok]
    shares = span.to_numpy(dtype=float)[ok] / totals[ok, None]
    xc = x - x.mean()
    slopes = (xc @ (shares - shares.mean(axis=0))) / (xc @ xc) if len(x) >= 2 else np.nan
    table = pd.DataFrame(
        {
            "item": wide.columns.to_numpy(),
            "n_base": n_b.to_numpy(),
            "n_recent": n_r.to_numpy(),
            "share_base": (n_b / n_b_total).to_numpy(),
            "share_recent": (n_r / n_r_total).to_numpy(),
        }
    )
    table["share_change"] = table["share_recent"] - table["share_base"]
    table["emergence"] = np.log((table["n_recent"] + 1) / (n_r_total + 1)) - np.log(
        (table["n_base"] + 1) / (n_b_total + 1)
    )
    table["slope"] = slopes
    table["new"] = table["n_base"] == 0
    table["novelty"] = np.nan
    table = table[table["n_recent"] >= min_recent]
    table["score"] = table["emergence"].rank(pct=True)
    return table.sort_values(["emergence", "item"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class AggregateLandscape:
    """Landscape of an aggregate statistics table (see module docstring)."""

    source: str
    counts: dict[str, pd.DataFrame]
    year_matrix: dict[str, pd.DataFrame]
    growth: GrowthResult | None
    field_concentration: ConcentrationResult | None
    office_concentration: ConcentrationResult | None
    emerging_fields: pd.DataFrame | None
    windows: tuple[tuple[int, int], tuple[int, int]] | None
    warnings: tuple[str, ...]


def build_aggregate_landscape(
    frame: pd.DataFrame,
    *,
    top: int = 20,
    growth_years: int = 5,
    recent_years: int = 3,
    base_years: int = 5,
    source: str = "frame",
) -> AggregateLandscape:
    """Counts, growth, concentration and emerging fields of an aggregate table.

    Concentration: HHI/CR4 of the shares of technology fields (technological concentration of
    the whole table) and of offices. Growth covers the last ``growth_years`` years.

    Raises
    ------
    InputError
        Empty table or non-positive window lengths.
    """
    if frame.empty or float(frame["count"].sum()) == 0:
        raise InputError("--source", "has no counts")
    for name, v in (
        ("--top", top),
        ("--growth-years", growth_years),
        ("--recent-years", recent_years),
        ("--base-years", base_years),
    ):
        if v < 1:
            raise InputError(name, "must be >= 1")
    warnings: list[str] = []
    counts = {}
    for dim in AGGREGATE_DIMENSIONS:
        if frame[dim].notna().any() and (frame[dim].astype(str) != "").any():
            counts[dim] = aggregate_counts(frame, dim, top=top)
    unknown = float(frame.loc[frame["field"].isna(), "count"].sum())
    if unknown:
        warnings.append(f"{unknown:,.0f} filings have an unknown field: left out of field tables")
    matrices: dict[str, pd.DataFrame] = {
        d: aggregate_year_matrix(frame, d, top=min(top, 10))
        for d in ("office", "field", "origin")
        if d in counts
    }
    years = counts["year"].set_index("year")["n"]
    last = int(years.index.max())
    g = None
    if len(years) >= 2:
        g = growth(
            years, start_year=max(int(years.index.min()), last - growth_years), end_year=last
        )
    field_conc = office_conc = None
    if "field" in counts:
        totals = frame.dropna(subset=["field"]).groupby("field")["count"].sum()
        field_conc = concentration_from_counts(totals.astype(float))
    if "office" in counts:
        office_conc = concentration_from_counts(
            frame.groupby("office")["count"].sum().astype(float)
        )
    emerging = None
    windows = None
    if "field" in counts:
        recent = (last - recent_years + 1, last)
        base = (recent[0] - base_years, recent[0] - 1)
        full = aggregate_year_matrix(frame, "field", top=10_000)
        try:
            emerging = emergence_from_counts(full, base=base, recent=recent).head(top)
            windows = (base, recent)
        except InputError as exc:
            warnings.append(f"emerging fields skipped: {exc.rule}")
    return AggregateLandscape(
        source=source,
        counts=counts,
        year_matrix=matrices,
        growth=g,
        field_concentration=field_conc,
        office_concentration=office_conc,
        emerging_fields=emerging,
        windows=windows,
        warnings=tuple(warnings),
    )
