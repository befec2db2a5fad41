"""Exchange rates from ``fx_reference`` via USD crosses (METHODS §1.5)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ipvalue.core.errors import InputError
from ipvalue.refdata._figure import Figure, parse_source_date
from ipvalue.refdata._tables import Row, load_tables

_CCY = re.compile(r"^[A-Z]{3}$")
_TABLE = "fx_reference"


def _ccy(code: str, field: str) -> str:
    c = code.strip().upper()
    if not _CCY.match(c):
        raise InputError(field, f"must be an ISO 4217 code (three letters), got {code!r}")
    return c


def _units_per_usd(row: Row | None, ccy: str) -> float | None:
    if ccy == "USD":
        return 1.0
    if row is None:
        return None
    text = row.cells.get("units_per_usd", "").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value > 0 and value != float("inf") else None


def _reference_rows(ccy: str, refdata_dir: Path | None) -> dict[date, Row]:
    """Rows of ``ccy`` on reference dates (``is_reference_date`` not "no"), by date."""
    table = load_tables(refdata_dir)[_TABLE]
    out: dict[date, Row] = {}
    for row in table.rows.values():
        if row.cells.get("currency_iso4217", "").strip().upper() != ccy:
            continue
        if row.cells.get("is_reference_date", "").strip().lower() == "no":
            continue
        d = parse_source_date(row.cells.get("reference_date"))
        if d is not None:
            out[d] = row
    return out


def fx_rate(from_ccy: str, to_ccy: str, on: date, *, refdata_dir: Path | None = None) -> Figure:
    """Units of ``to_ccy`` per one unit of ``from_ccy`` on (or nearest before) ``on``.

    The rate is the USD cross ``units_per_usd(to) / units_per_usd(from)`` on one reference date
    on which both currencies have a rate. The reference date chosen is the latest one on or
    before ``on``; if none precedes ``on``, the earliest one after it (flag ``fx_after_date``).
    Whenever the reference date differs from ``on`` the figure carries the flag
    ``fx_date_mismatch`` and a note naming both dates: the packaged table has year-end rates
    only, so a valuation-date spot rate must come from the case or an override row
    (``fx_reference.csv`` with that ``reference_date``).

    Raises
    ------
    InputError
        A code that is not three letters, or no reference date with rates for both currencies
        (TWD and VND have none in the packaged table).
    """
    src = _ccy(from_ccy, "from_currency")
    dst = _ccy(to_ccy, "to_currency")
    if src == dst:
        return Figure(
            value=1.0,
            unit=f"{dst} per {src}",
            table=_TABLE,
            key=f"{src}:{dst}",
            column="identity",
            source="identity (same currency)",
            source_date=on.isoformat(),
        )
    rows_src = _reference_rows(src, refdata_dir)
    rows_dst = _reference_rows(dst, refdata_dir)
    dates = (
        sorted(set(rows_src) | set(rows_dst))
        if src == "USD" or dst == "USD"
        else sorted(set(rows_src) & set(rows_dst))
    )
    usable = [
        d
        for d in dates
        if _units_per_usd(rows_src.get(d), src) and _units_per_usd(rows_dst.get(d), dst)
    ]
    if not usable:
        raise InputError(
            f"fx {src}->{dst}",
            "no reference date with rates for both currencies; supply the rate in the case or "
            "add an fx_reference.csv override row (reference_date, units_per_usd, source)",
        )
    before = [d for d in usable if d <= on]
    chosen = before[-1] if before else usable[0]
    row_src, row_dst = rows_src.get(chosen), rows_dst.get(chosen)
    per_usd_src = _units_per_usd(row_src, src)
    per_usd_dst = _units_per_usd(row_dst, dst)
    assert per_usd_src is not None and per_usd_dst is not None
    flags: list[str] = []
    notes: list[str] = []
    sources: list[str] = []
    overridden = False
    for row in (row_src, row_dst):
        if row is None:
            continue
        origin = row.overrides.get("units_per_usd")
        if origin is not None:
            overridden = True
            notes.append(origin.describe())
            text = origin.source
        else:
            text = row.cells.get("source", "").strip()
        if text and text not in sources:
            sources.append(text)
    if overridden:
        flags.append("override")
    if chosen != on:
        flags.append("fx_date_mismatch")
        notes.append(
            f"reference date {chosen.isoformat()} differs from the requested date "
            f"{on.isoformat()}; supply a rate for {on.isoformat()} to remove this warning"
        )
    if chosen > on:
        flags.append("fx_after_date")
    return Figure(
        value=per_usd_dst / per_usd_src,
        unit=f"{dst} per {src}",
        table=_TABLE,
        key=f"{src}:{dst}@{chosen.isoformat()}",
        column="usd_cross",
        source=" | ".join(sources) or None,
        source_date=chosen.isoformat(),
        overridden=overridden,
        note="; ".join(notes) or None,
        flags=tuple(flags),
    )
