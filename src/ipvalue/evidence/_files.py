"""Reading evidence files (I/O edge): indicator and cycle-time tables with their provenance.

Both are outputs of ``ipvalue patents indicators`` / ``ipvalue patents cycle-time`` (CSV or
Parquet). Every problem is an :class:`~ipvalue.core.errors.InputError` naming the case field,
the file and the rule; nothing is read half-way.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ipvalue.analytics._provenance import Provenance, read_provenance, sha256_file
from ipvalue.core.errors import InputError

#: Indicators compared with peers, in display order, with their units.
INDICATORS: Mapping[str, str] = {
    "fwd_cits5": "citing patents within 5 years of grant",
    "bwd_cits": "patent documents cited",
    "patent_scope": "distinct subclasses",
    "claims": "claims",
    "grant_lag": "days (grant − filing)",
    "generality": "index 0–1",
    "originality": "index 0–1",
    "radicalness": "share 0–1",
    "tct": "years (median age of cited patents)",
    "family_size": "offices",
    "quality_index": "index 0–1 (cohort-normalised)",
    "remaining_life": "years at the indicators' valuation date",
}
CYCLE_TIME_COLUMNS: tuple[str, ...] = ("scheme", "code", "n_patents", "n_ages", "q1", "q2", "q3")
_DATES = ("grant_date", "filing_date", "expiry_date")
_TEXT = ("patent_id", "pub_id", "cohort", "scheme", "code")


@dataclass(frozen=True)
class FileInfo:
    """Identity of one evidence file: path, hash and provenance (``None`` when unknown)."""

    path: str
    sha256: str
    provenance: Provenance | None
    provenance_from: str

    @property
    def short_hash(self) -> str:
        """First 12 hex digits of the SHA-256 (enough to identify the file in a source text)."""
        return self.sha256[:12]


@dataclass(frozen=True)
class Column:
    """A numeric column as float64 values with a validity mask (empty cells stay empty)."""

    values: np.ndarray
    valid: np.ndarray

    def at(self, i: int) -> float | None:
        """Value of row ``i``, ``None`` when the cell is empty."""
        return float(self.values[i]) if self.valid[i] else None


@dataclass(frozen=True)
class IndicatorFile:
    """An indicators table: patent ids, numeric indicator columns, cohorts, dates, flags.

    Text, date and flag columns stay Arrow arrays (a 2-million-row file is not turned into
    Python objects); read one row with the ``*_at`` methods.
    """

    info: FileInfo
    ids: pa.ChunkedArray
    numbers: Mapping[str, Column]
    cohorts: pa.ChunkedArray | None
    dates: Mapping[str, pa.ChunkedArray]
    window_complete: pa.ChunkedArray | None

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.ids)

    def patent_id_at(self, row: int) -> str:
        """The patent id of ``row``."""
        return str(self.ids[row].as_py())

    def cohort_at(self, row: int) -> str | None:
        """The cohort label of ``row`` (``None``: empty cell or no cohort column)."""
        return None if self.cohorts is None else self.cohorts[row].as_py()

    def cohort_mask(self, row: int) -> np.ndarray | None:
        """Which rows share ``row``'s cohort (``None`` when it has none)."""
        label = self.cohort_at(row)
        if label is None or self.cohorts is None:
            return None
        eq = pc.fill_null(pc.equal(self.cohorts, pa.scalar(label)), False)
        return np.asarray(eq.to_numpy(zero_copy_only=False), dtype=bool)

    def date_at(self, name: str, row: int) -> dt.date | None:
        """The date in column ``name`` of ``row`` (``None``: empty cell or no such column)."""
        col = self.dates.get(name)
        if col is None:
            return None
        v = col[row].as_py()
        return v.date() if isinstance(v, dt.datetime) else v

    def window_at(self, row: int) -> bool | None:
        """``window_complete`` of ``row`` (``None``: empty or no such column)."""
        return None if self.window_complete is None else self.window_complete[row].as_py()


@dataclass(frozen=True)
class CycleTimeFile:
    """A cycle-time table: one row per (scheme, code) with quartiles in years."""

    info: FileInfo
    rows: tuple[Mapping[str, object], ...]


def _read_table(path: Path, field: str) -> pa.Table:
    if not path.is_file():
        raise InputError(field, f"{path}: file not found")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if suffix == ".csv":
            import pyarrow.csv as pacsv

            # dates as text: a bad date is then reported with its column name (below)
            types = {c: pa.string() for c in (*_TEXT, *_DATES)}
            # an empty text cell is unknown (NULL), never the label "" (empty cohorts would
            # otherwise form one peer group)
            opts = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
            return pacsv.read_csv(path, convert_options=opts)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(field, f"{path}: not a readable {suffix[1:]} table ({first})") from None
    raise InputError(field, f"{path}: must end in .csv or .parquet")


def _info(path: Path) -> FileInfo:
    prov, where = read_provenance(path)
    return FileInfo(str(path), sha256_file(path), prov, where)


def _numeric(table: pa.Table, name: str, path: Path, field: str) -> Column:
    col = table.column(name)
    if pa.types.is_boolean(col.type):
        col = pc.cast(col, pa.int8())
    if not (
        pa.types.is_integer(col.type)
        or pa.types.is_floating(col.type)
        or pa.types.is_null(col.type)
    ):
        raise InputError(field, f"{path}: column {name} must be numeric (found {col.type})")
    valid = np.asarray(pc.is_valid(col).to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(
        pc.fill_null(pc.cast(col, pa.float64()), 0.0).to_numpy(zero_copy_only=False),
        dtype=np.float64,
    )
    bad = valid & ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise InputError(field, f"{path}: column {name} row {row} is not a finite number")
    return Column(values, valid)


def _text(table: pa.Table, name: str) -> pa.ChunkedArray:
    col = table.column(name)
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = pc.cast(col, pa.string())
    return col


def read_indicators(path: str | Path, quality_column: str) -> IndicatorFile:
    """Read an indicators file and its provenance.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.parquet`` written by ``ipvalue patents indicators`` (or the same columns).
    quality_column : str
        Column used as the quality score Q; required, numeric.

    Returns
    -------
    IndicatorFile
        Indicator columns present in the file (others are absent, not zero), ``cohort``,
        ``grant_date``/``filing_date``/``expiry_date`` and ``window_complete`` when present.

    Raises
    ------
    InputError
        Field ``patent_evidence.indicators_file``: file missing or unreadable, no
        ``patent_id`` or quality column, a used column not numeric / not finite, an empty
        ``patent_id``.
    """
    field = "patent_evidence.indicators_file"
    p = Path(path)
    table = _read_table(p, field)
    names = set(table.column_names)
    for need in ("patent_id", quality_column):
        if need not in names:
            raise InputError(field, f"{p}: required column {need} is missing")
    ids = pc.utf8_trim_whitespace(_text(table, "patent_id"))
    empty = pc.fill_null(pc.equal(ids, ""), True)
    if pc.any(empty).as_py():
        row = int(pc.indices_nonzero(empty)[0].as_py()) + 1
        raise InputError(field, f"{p}: patent_id is empty in row {row}")
    wanted = [c for c in (*INDICATORS, quality_column) if c in names]
    numbers = {c: _numeric(table, c, p, field) for c in dict.fromkeys(wanted)}
    dates: dict[str, pa.ChunkedArray] = {}
    for c in _DATES:
        if c in names:
            col = table.column(c)
            if pa.types.is_string(col.type):
                try:  # empty cells are empty dates, not errors
                    col = pc.cast(pc.if_else(pc.equal(col, ""), None, col), pa.date32())
                except pa.ArrowInvalid:
                    raise InputError(field, f"{p}: column {c} must hold dates YYYY-MM-DD") from None
            if not pa.types.is_date(col.type) and not pa.types.is_timestamp(col.type):
                raise InputError(field, f"{p}: column {c} must hold dates (found {col.type})")
            dates[c] = col
    window = None
    if "window_complete" in names:
        window = table.column("window_complete")
        if not pa.types.is_boolean(window.type):
            raise InputError(field, f"{p}: column window_complete must be true/false")
    return IndicatorFile(
        info=_info(p),
        ids=ids,
        numbers=numbers,
        cohorts=_text(table, "cohort") if "cohort" in names else None,
        dates=dates,
        window_complete=window,
    )


def find_row(data: IndicatorFile, patent_id: str, field: str) -> int:
    """Row index of ``patent_id``.

    Raises
    ------
    InputError
        Naming ``field``: the id is absent, or present more than once.
    """
    want = patent_id.strip()
    hits = pc.indices_nonzero(pc.fill_null(pc.equal(data.ids, want), False)).to_pylist()
    if not hits:
        raise InputError(field, f"{want!r} is not a patent_id of {data.info.path}")
    if len(hits) > 1:
        rows = ", ".join(str(h + 1) for h in hits[:5])
        raise InputError(
            field, f"{want!r} appears {len(hits)} times in {data.info.path} (data rows {rows})"
        )
    return int(hits[0])


def read_cycle_times(path: str | Path) -> CycleTimeFile:
    """Read a cycle-time file (columns ``scheme, code, n_patents, n_ages, q1, q2, q3``).

    Raises
    ------
    InputError
        Field ``patent_evidence.cycle_time_file``: file missing or unreadable, a required
        column missing or not numeric.
    """
    field = "patent_evidence.cycle_time_file"
    p = Path(path)
    table = _read_table(p, field)
    missing = [c for c in CYCLE_TIME_COLUMNS if c not in table.column_names]
    if missing:
        raise InputError(field, f"{p}: required column(s) {', '.join(missing)} missing")
    nums = {c: _numeric(table, c, p, field) for c in ("n_patents", "n_ages", "q1", "q2", "q3")}
    schemes, codes = _text(table, "scheme").to_pylist(), _text(table, "code").to_pylist()
    rows = tuple(
        {"scheme": schemes[i], "code": codes[i], **{c: nums[c].at(i) for c in nums}}
        for i in range(table.num_rows)
    )
    return CycleTimeFile(_info(p), rows)


def finite_or_none(x: float | None) -> float | None:
    """``x`` when finite, else ``None`` (defensive: evidence never carries NaN)."""
    return x if x is not None and math.isfinite(x) else None
