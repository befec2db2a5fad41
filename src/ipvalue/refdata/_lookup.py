"""``lookup("table/key/column")``: one figure with its provenance."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from ipvalue.core.errors import InputError
from ipvalue.refdata._figure import Figure
from ipvalue.refdata._schema import TABLES
from ipvalue.refdata._tables import Row, Table, load_tables


def split_ref(ref: str) -> tuple[str, str, str]:
    """Split ``table/key/column``; the key may itself contain ``/`` (``JPO/KIPO/USPTO:CNIPA``)."""
    parts = ref.strip().split("/")
    if len(parts) < 3 or not all(p.strip() for p in (parts[0], parts[-1])):
        raise InputError(ref, "a reference is written table/key/column")
    return parts[0].strip(), "/".join(parts[1:-1]).strip(), parts[-1].strip()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _percent_to_fraction(text: str) -> float:
    # Decimal division keeps the published digits: "4.1" -> 0.041, not 0.040999999999999995.
    try:
        return float(Decimal(text) / 100)
    except InvalidOperation:  # pragma: no cover - _number already accepted the text
        return float(text) / 100.0


def figure_from_row(table: Table, key: str, row: Row, column: str, ref: str) -> Figure:
    """Build a :class:`Figure` from a raw cell (see :func:`lookup` for the rules)."""
    spec = table.spec
    raw = row.cells.get(column, "").strip()
    if not raw:
        raise InputError(
            ref,
            "is empty in the reference data (missing figures stay missing): give the value in "
            "the case or in an override file (setting refdata_dir)",
        )
    unit = spec.unit_of(column)
    if unit is not None and "{" in unit:
        unit = unit.format(**{k: v.strip() for k, v in row.cells.items()})
    value: float | str = raw
    number = _number(raw) if (column.endswith("_pct") or column in spec.numeric) else None
    if number is not None:
        value = number
        if column.endswith("_pct"):
            value = _percent_to_fraction(raw)
        elif unit is not None and unit.lstrip().startswith("%"):
            value, unit = _percent_to_fraction(raw), f"fraction ({unit.strip()})"
    else:
        unit = None
    notes: list[str] = []
    if spec.note_col and row.cells.get(spec.note_col, "").strip():
        notes.append(row.cells[spec.note_col].strip())
    origin = row.overrides.get(column)
    if origin is not None:
        notes.insert(0, origin.describe())
        return Figure(
            value=value,
            unit=unit,
            table=table.name,
            key=key,
            column=column,
            source=origin.source,
            source_date=origin.source_date,
            confidence=origin.confidence,
            overridden=True,
            note="; ".join(notes) or None,
            flags=("override",),
        )
    prov = spec.provenance_of(column)
    source = (row.cells.get(prov.source_col, "").strip() if prov.source_col else "") or (
        prov.source_text
    )
    date_text = (row.cells.get(prov.date_col, "").strip() if prov.date_col else "") or (
        prov.date_text
    )
    confidence = row.cells.get(spec.confidence_col, "").strip() if spec.confidence_col else ""
    return Figure(
        value=value,
        unit=unit,
        table=table.name,
        key=key,
        column=column,
        source=source or None,
        source_date=date_text or None,
        confidence=confidence or None,
        overridden=False,
        note="; ".join(notes) or None,
    )


def get_table(name: str, *, refdata_dir: Path | None = None) -> Table:
    """One reference table (packaged plus overrides); InputError for an unknown name."""
    if name not in TABLES:
        raise InputError(name, f"unknown reference table; tables are {sorted(TABLES)}")
    return load_tables(refdata_dir)[name]


def lookup(ref: str, *, refdata_dir: Path | None = None) -> Figure:
    """Resolve ``table/key/column`` to a :class:`Figure`.

    Parameters
    ----------
    ref : str
        ``country_parameters/KR/cit_statutory_combined_pct``; composite keys are joined with
        ``:`` (``fx_reference/KRW:2024-12-31/units_per_usd``).
    refdata_dir : Path, optional
        Override folder (default: the setting ``refdata_dir``).

    Returns
    -------
    Figure
        ``_pct`` columns (and ``value`` cells whose unit starts with ``%``) as fractions;
        numbers as float; free-text cells as text. Source, date and confidence travel with it;
        ``overridden`` is True when a user override file supplied the cell.

    Raises
    ------
    InputError
        Unknown table, key or column, or an empty cell; the field is the ref itself.
    """
    table_name, key, column = split_ref(ref)
    if table_name not in TABLES:
        raise InputError(
            ref, f"unknown reference table {table_name!r}; tables are {sorted(TABLES)}"
        )
    table = load_tables(refdata_dir)[table_name]
    if column not in table.columns:
        raise InputError(ref, f"unknown column {column!r} in {table_name}")
    row = table.rows.get(key)
    if row is None:
        keys = sorted(table.rows)
        shown = ", ".join(keys[:20]) + (" …" if len(keys) > 20 else "")
        raise InputError(ref, f"no row {key!r} in {table_name} (keys: {shown})")
    return figure_from_row(table, key, row, column, ref)
