"""Load the packaged tables and merge user override files (the I/O edge of refdata).

Resolution order (METHODS §8 rule 2): case value > user override > packaged table. Overrides
live in the folder named by the setting ``refdata_dir`` (``IPVALUE_REFDATA_DIR``); a file there
named like a packaged table (``country_parameters.csv``) replaces, for every row whose key it
repeats, the cells of the columns it has, and adds rows with new keys. Each override row must
carry ``source`` and ``source_date`` (and may carry ``confidence``, ``author``, ``reason``).
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ipvalue.core.errors import InputError
from ipvalue.refdata._figure import parse_source_date
from ipvalue.refdata._schema import OVERRIDE_OPTIONAL, OVERRIDE_REQUIRED, TABLES, TableSpec

DATA_DIR = Path(__file__).resolve().parent / "data"
KEY_SEP = ":"


@dataclass(frozen=True)
class OverrideOrigin:
    """Where an overriding cell came from."""

    file: str
    line: int
    source: str
    source_date: str
    confidence: str | None
    author: str | None
    reason: str | None

    def describe(self) -> str:
        parts = [f"user override {self.file}:{self.line}"]
        if self.author:
            parts.append(f"by {self.author}")
        if self.reason:
            parts.append(f"reason: {self.reason}")
        return ", ".join(parts)


@dataclass
class Row:
    """Raw cells of one row, with the override origin of every replaced cell."""

    cells: dict[str, str]
    overrides: dict[str, OverrideOrigin] = field(default_factory=dict)


@dataclass
class Table:
    """One reference table after overrides: rows by key (``A:B`` for composite keys)."""

    spec: TableSpec
    columns: list[str]
    rows: dict[str, Row]
    override_files: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.spec.name


def row_key(spec: TableSpec, cells: dict[str, str]) -> str:
    return KEY_SEP.join(cells.get(c, "").strip() for c in spec.key)


def _read_csv(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for each record of a UTF-8 CSV (BOM tolerated)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        for cells in reader:
            yield reader.line_num, cells


def _load_packaged(spec: TableSpec) -> Table:
    path = DATA_DIR / f"{spec.name}.csv"
    records = _read_csv(path)
    _, header = next(records)
    rows: dict[str, Row] = {}
    for _, cells in records:
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(header, cells, strict=True))
        rows[row_key(spec, row)] = Row(cells=row)
    return Table(spec=spec, columns=header, rows=rows)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _apply_override(table: Table, path: Path) -> None:
    spec = table.spec
    where = str(path)
    try:
        records = _read_csv(path)
        _, header = next(records)
    except StopIteration:
        raise InputError(where, "is empty; an override file needs a header row") from None
    except UnicodeDecodeError:
        raise InputError(where, "must be UTF-8 encoded CSV") from None
    header = [h.strip() for h in header]
    allowed = set(table.columns) | set(OVERRIDE_REQUIRED) | set(OVERRIDE_OPTIONAL)
    unknown = [h for h in header if h not in allowed]
    if unknown:
        raise InputError(
            f"{where}:1", f"unknown column(s) {unknown}; {spec.name} has {table.columns}"
        )
    missing = [c for c in (*spec.key, *OVERRIDE_REQUIRED) if c not in header]
    if missing:
        raise InputError(
            f"{where}:1",
            f"missing required column(s) {missing} (key columns plus source and source_date)",
        )
    if len(set(header)) != len(header):
        raise InputError(f"{where}:1", "duplicate column names")
    seen: set[str] = set()
    value_cols = [h for h in header if h not in spec.key and h not in OVERRIDE_OPTIONAL]
    for line, cells in records:
        if not any(c.strip() for c in cells):
            continue
        at = f"{where}:{line}"
        if len(cells) != len(header):
            raise InputError(at, f"has {len(cells)} cells, the header has {len(header)}")
        row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        key = row_key(spec, row)
        if any(not row[c] for c in spec.key):
            raise InputError(at, f"key column(s) {list(spec.key)} must not be empty")
        if key in seen:
            raise InputError(at, f"duplicate key {key!r} in the same file")
        seen.add(key)
        if not row["source"]:
            raise InputError(at, "source must not be empty (every figure names its source)")
        if parse_source_date(row["source_date"]) is None:
            raise InputError(at, "source_date must be a date: YYYY, YYYY-MM or YYYY-MM-DD")
        for col in value_cols:
            numeric = col.endswith("_pct") or (col in spec.numeric and col != "value")
            if numeric and row[col] and not _is_number(row[col]):
                raise InputError(at, f"{col} must be a finite number, got {row[col]!r}")
        origin = OverrideOrigin(
            file=path.name,
            line=line,
            source=row["source"],
            source_date=row["source_date"],
            confidence=row.get("confidence") or None,
            author=row.get("author") or None,
            reason=row.get("reason") or None,
        )
        target = table.rows.get(key)
        if target is None:
            target = Row(cells={c: "" for c in table.columns})
            target.cells.update({c: row[c] for c in spec.key})
            table.rows[key] = target
        for col in value_cols:
            if col in table.columns:
                target.cells[col] = row[col]
                target.overrides[col] = origin
    table.override_files.append(path.name)


def _override_paths(refdata_dir: Path | None) -> list[Path]:
    if refdata_dir is None:
        return []
    if not refdata_dir.is_dir():
        raise InputError("IPVALUE_REFDATA_DIR", f"{refdata_dir} is not a directory")
    paths = sorted(p for p in refdata_dir.iterdir() if p.suffix.lower() == ".csv")
    for p in paths:
        if p.stem not in TABLES:
            raise InputError(
                str(p), f"is not a reference table; override files are named {sorted(TABLES)}"
            )
    return paths


def _signature(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@lru_cache(maxsize=8)
def _load_all(
    refdata_dir: str | None, signature: tuple[tuple[str, int, int], ...]
) -> dict[str, Table]:
    tables = {name: _load_packaged(spec) for name, spec in TABLES.items()}
    for path_str, _, _ in signature:
        path = Path(path_str)
        _apply_override(tables[path.stem], path)
    return tables


def load_tables(refdata_dir: Path | None = None, *, use_settings: bool = True) -> dict[str, Table]:
    """All reference tables, packaged plus overrides (cached until an override file changes).

    Parameters
    ----------
    refdata_dir : Path, optional
        Override folder; by default the setting ``refdata_dir``.
    use_settings : bool
        Read ``refdata_dir`` from settings when not given (False: packaged tables only).

    Raises
    ------
    InputError
        An override file is malformed: the field is ``file:line`` and the rule says what to fix.
    """
    return _load_all(*tables_key(refdata_dir, use_settings=use_settings))


TablesKey = tuple[str | None, tuple[tuple[str, int, int], ...]]


def tables_key(refdata_dir: Path | None = None, *, use_settings: bool = True) -> TablesKey:
    """Cache key of :func:`load_tables`: override folder and (path, mtime, size) of its files.

    Derived data (the FX series) is cached on the same key, so it is rebuilt exactly when the
    tables are.
    """
    if refdata_dir is None and use_settings:
        from ipvalue.core.settings import get_settings

        refdata_dir = get_settings().refdata_dir
    paths = _override_paths(refdata_dir)
    return (str(refdata_dir) if refdata_dir else None, _signature(paths))


def tables_for_key(key: TablesKey) -> dict[str, Table]:
    """The tables of a :func:`tables_key` (cached)."""
    return _load_all(*key)


def override_hash(tables: dict[str, Table]) -> str | None:
    """Short hash of the override files in use (None when there are none)."""
    files = sorted({(t.name, f) for t in tables.values() for f in t.override_files})
    if not files:
        return None
    h = hashlib.sha256()
    for _name, f in files:
        h.update(f.encode())
    for t in sorted(tables.values(), key=lambda t: t.name):
        for key, row in sorted(t.rows.items()):
            for col, origin in sorted(row.overrides.items()):
                h.update(f"{t.name}|{key}|{col}|{row.cells[col]}|{origin.source}".encode())
    return h.hexdigest()[:8]
