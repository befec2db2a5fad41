"""Exchange rates on a date: ECB daily reference rates via USD crosses (METHODS §1.5).

Each currency has a dated series of *units per USD*:

* ``fx_history`` (packaged ECB history, plus any ``fx_history.csv`` override rows): on each
  date, ``units per USD = (currency per EUR) / (USD per EUR)``; EUR's is ``1 / (USD per EUR)``.
* user rows of ``fx_reference.csv`` in the override folder (``units_per_usd`` on a
  ``reference_date``, ``is_reference_date`` not "no"). On a date that both give, the user row
  wins. The packaged ``fx_reference`` rows are not read here: they are the same ECB figures
  rounded to a few digits, for two year-ends only.

``fx_rate(a, b, on)`` takes the latest date **on or before** ``on`` on which both currencies
have a rate (never a later one) and returns ``per_usd(b) / per_usd(a)`` of that date.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ipvalue.core.errors import InputError
from ipvalue.refdata._figure import Figure, parse_source_date
from ipvalue.refdata._tables import Row, Table, TablesKey, tables_for_key, tables_key

_CCY = re.compile(r"^[A-Z]{3}$")
_HISTORY = "fx_history"
_REFERENCE = "fx_reference"
_USD_HINT = (
    "supply the rate in the case, or add rows to fx_reference.csv (currency_iso4217, "
    "reference_date, units_per_usd, source, source_date) in the override folder "
    "IPVALUE_REFDATA_DIR (docs/refdata.md)"
)


def _ccy(code: str, field: str) -> str:
    c = code.strip().upper()
    if not _CCY.match(c):
        raise InputError(field, f"must be an ISO 4217 code (three letters), got {code!r}")
    return c


class _Leg(NamedTuple):
    """Units of one currency per USD on one date, with where the figure comes from.

    A named tuple, not a dataclass: ~100,000 are built per process and tuples build 5x faster.
    """

    per_usd: float
    table: str
    sources: tuple[str, ...]
    overrides: tuple[str, ...]  # descriptions of the override rows used (file:line …)


@dataclass(frozen=True)
class _Series:
    """One currency's rates: ordinals ascending, and the leg of each ordinal."""

    ordinals: tuple[int, ...]
    legs: dict[int, _Leg]

    def latest_on_or_before(self, ordinal: int) -> int:
        """Index in ``ordinals`` of the last date <= ``ordinal`` (-1 when none)."""
        return bisect.bisect_right(self.ordinals, ordinal) - 1


def _positive(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _where(row: Row) -> str:
    origin = next(iter(row.overrides.values()), None)
    return f"{origin.file}:{origin.line}" if origin else "packaged table"


def _history_legs(table: Table, out: dict[str, dict[int, _Leg]]) -> None:
    ecb = table.spec.default.source_text or _HISTORY
    ecb_sources = (ecb,)
    currencies = [c for c in table.columns if c != "date"]
    for key, row in table.rows.items():
        try:
            day = date.fromisoformat(key.strip())
        except ValueError:
            raise InputError(
                f"{_HISTORY} {_where(row)}", f"date must be YYYY-MM-DD, got {key!r}"
            ) from None
        cells = row.cells
        present = [c for c in currencies if cells.get(c, "")]
        # packaged cells were checked when built (scripts/build_fx_history.py) and are pinned
        # by the manifest hash: only user rows need checking here
        for c in present if row.overrides else ():
            if _positive(cells[c]) is None:
                raise InputError(
                    f"{_HISTORY} {_where(row)}",
                    f"{c} on {key} must be a number > 0 (units per EUR), got {cells[c]!r}",
                )
        if not present:
            continue
        if "USD" not in present:
            raise InputError(
                f"{_HISTORY} {_where(row)}",
                f"the row of {key} has rates but no USD per EUR: every cross goes via USD",
            )
        usd = float(cells["USD"])
        ordinal = day.toordinal()
        for c in ["EUR", *present]:
            if c == "USD":
                continue
            per_usd = 1.0 / usd if c == "EUR" else float(cells[c]) / usd
            used = ("USD",) if c == "EUR" else ("USD", c)
            origins = (
                [row.overrides[u] for u in used if u in row.overrides] if row.overrides else []
            )
            if not origins:
                out.setdefault(c, {})[ordinal] = _Leg(per_usd, _HISTORY, ecb_sources, ())
                continue
            sources = tuple(dict.fromkeys(o.source for o in origins))
            if len(origins) < len(used):
                sources = (*sources, ecb)
            out.setdefault(c, {})[ordinal] = _Leg(
                per_usd, _HISTORY, sources, tuple(o.describe() for o in origins)
            )


def _reference_legs(table: Table, out: dict[str, dict[int, _Leg]]) -> None:
    """User rows of ``fx_reference.csv`` (packaged rows duplicate the ECB history, rounded)."""
    for row in table.rows.values():
        origin = row.overrides.get("units_per_usd")
        if origin is None:
            continue
        cells = row.cells
        # only the user's own "no" excludes a row: a packaged off-date quote (TWD 2025-01-13)
        # whose rate the user replaces becomes the user's rate of that date
        if (
            "is_reference_date" in row.overrides
            and cells.get("is_reference_date", "").strip().lower() == "no"
        ):
            continue
        ccy = cells.get("currency_iso4217", "").strip().upper()
        where = f"{origin.file}:{origin.line}"
        day = parse_source_date(cells.get("reference_date"))
        text = cells.get("reference_date", "").strip()
        if day is None or len(text) != 10:
            raise InputError(where, f"reference_date must be YYYY-MM-DD, got {text!r}")
        per_usd = _positive(cells.get("units_per_usd", ""))
        if per_usd is None:
            if not cells.get("units_per_usd", "").strip():
                continue  # an empty override cell makes the rate missing
            raise InputError(where, "units_per_usd must be a number > 0")
        if ccy == "USD" and per_usd != 1.0:
            raise InputError(where, "units_per_usd of USD is 1 by definition")
        out.setdefault(ccy, {})[day.toordinal()] = _Leg(
            per_usd, _REFERENCE, (origin.source,), (origin.describe(),)
        )


@lru_cache(maxsize=8)
def _series_for(key: TablesKey) -> dict[str, _Series]:
    tables = tables_for_key(key)
    legs: dict[str, dict[int, _Leg]] = {}
    _history_legs(tables[_HISTORY], legs)
    _reference_legs(tables[_REFERENCE], legs)  # after the history: a user row wins its date
    legs.pop("USD", None)  # USD is 1 per USD on every date
    return {c: _Series(tuple(sorted(d)), d) for c, d in legs.items()}


def fx_series(ccy: str, *, refdata_dir: Path | None = None) -> tuple[tuple[date, float, str], ...]:
    """Every dated rate of ``ccy`` in units per USD: ``(date, units per USD, table)``.

    For display (``ipvalue refdata show fx_history --key KRW``) and checks; empty for a
    currency without rates, ``()`` for USD (1 on every date).
    """
    series = _series_for(tables_key(refdata_dir)).get(_ccy(ccy, "currency"))
    if series is None:
        return ()
    return tuple(
        (date.fromordinal(o), series.legs[o].per_usd, series.legs[o].table) for o in series.ordinals
    )


def _common_date(a: _Series | None, b: _Series | None, on: int) -> int | None:
    """Latest ordinal <= ``on`` on which both have a rate (None = USD, every date)."""
    if a is None or b is None:
        only = a or b
        assert only is not None
        i = only.latest_on_or_before(on)
        return only.ordinals[i] if i >= 0 else None
    walk, other = (a, b) if len(a.ordinals) <= len(b.ordinals) else (b, a)
    for i in range(walk.latest_on_or_before(on), -1, -1):
        if walk.ordinals[i] in other.legs:
            return walk.ordinals[i]
    return None


def _first_common(a: _Series | None, b: _Series | None) -> int | None:
    if a is None or b is None:
        only = a or b
        return only.ordinals[0] if only is not None and only.ordinals else None
    common = set(a.legs).intersection(b.legs)
    return min(common) if common else None


def _covered(series: dict[str, _Series]) -> str:
    return ", ".join(sorted({"USD", *series}))


def _max_gap(max_gap_days: int | None) -> int:
    if max_gap_days is None:
        from ipvalue.core.settings import get_settings

        return get_settings().fx_max_gap_days
    if max_gap_days < 0:
        raise InputError("fx_max_gap_days", f"must be >= 0, got {max_gap_days}")
    return max_gap_days


def fx_rate(
    from_ccy: str,
    to_ccy: str,
    on: date,
    *,
    refdata_dir: Path | None = None,
    max_gap_days: int | None = None,
) -> Figure:
    """Units of ``to_ccy`` per one unit of ``from_ccy`` at the latest rate on or before ``on``.

    The rate is the USD cross ``per_usd(to) / per_usd(from)`` on one date on which both
    currencies have a rate, ``per_usd`` being the ECB's ``(currency per EUR) / (USD per EUR)``
    of that date or a user's ``fx_reference.csv`` row for it (see the module docstring). The
    date is the latest such date **on or before** ``on``: a later rate is never used
    (no look-ahead). The figure's ``source_date`` is that date and its key
    ``FROM:TO@date``.

    Parameters
    ----------
    from_ccy, to_ccy : str
        ISO 4217 codes (case-insensitive).
    on : date
        The date the amount is to be converted at (a valuation date, a deal date).
    refdata_dir : Path, optional
        Override folder (default: the setting ``refdata_dir``).
    max_gap_days : int, optional
        Days between ``on`` and the date used beyond which the figure is flagged
        ``fx_date_mismatch`` (default: the setting ``fx_max_gap_days``, 7). A shorter gap
        (weekend, holiday) only gets a note naming the date used.

    Returns
    -------
    Figure
        ``value`` in ``to_ccy`` per ``from_ccy`` (no rounding); ``flags`` may hold
        ``override`` (a user row supplied a leg) and ``fx_date_mismatch``.

    Raises
    ------
    InputError
        A code that is not three letters (field ``from_currency`` / ``to_currency``); a
        currency with no rates at all (TWD and VND are not ECB currencies) or no common date on
        or before ``on`` (before the history starts: 1999-01-04, or 2005-04-01 for CNY, MYR,
        THB, IDR, PHP and 2009-01-02 for INR); the message names the currency and what to add.
    """
    src = _ccy(from_ccy, "from_currency")
    dst = _ccy(to_ccy, "to_currency")
    if src == dst:
        return Figure(
            value=1.0,
            unit=f"{dst} per {src}",
            table=_HISTORY,
            key=f"{src}:{dst}",
            column="identity",
            source="identity (same currency)",
            source_date=on.isoformat(),
        )
    gap_limit = _max_gap(max_gap_days)
    series = _series_for(tables_key(refdata_dir))
    field = f"fx {src}->{dst}"
    for c in (src, dst):
        if c != "USD" and c not in series:
            raise InputError(
                field,
                f"{c} has no exchange rate in the reference data (covered: "
                f"{_covered(series)}); {_USD_HINT}",
            )
    a = None if src == "USD" else series[src]
    b = None if dst == "USD" else series[dst]
    chosen = _common_date(a, b, on.toordinal())
    if chosen is None:
        first = _first_common(a, b)
        pair = " and ".join(c for c in (src, dst) if c != "USD")
        since = (
            f"the first date with rates for {pair} is {date.fromordinal(first).isoformat()}"
            if first is not None
            else f"no date has rates for both {src} and {dst}"
        )
        raise InputError(field, f"no rate on or before {on.isoformat()}: {since}; {_USD_HINT}")
    leg_src = a.legs[chosen] if a is not None else None
    leg_dst = b.legs[chosen] if b is not None else None
    per_usd_src = leg_src.per_usd if leg_src is not None else 1.0
    per_usd_dst = leg_dst.per_usd if leg_dst is not None else 1.0
    legs = [leg for leg in (leg_src, leg_dst) if leg is not None]
    sources = tuple(dict.fromkeys(s for leg in legs for s in leg.sources))
    overrides = tuple(dict.fromkeys(o for leg in legs for o in leg.overrides))
    table = _HISTORY if any(leg.table == _HISTORY for leg in legs) else _REFERENCE
    used = date.fromordinal(chosen)
    gap = on.toordinal() - chosen
    flags: list[str] = ["override"] if overrides else []
    notes = list(overrides)
    if gap > gap_limit:
        flags.append("fx_date_mismatch")
        notes.append(_gap_note(on, used, gap, gap_limit, a, b))
    elif gap > 0:
        notes.append(
            f"rate of {used.isoformat()}, the latest on or before {on.isoformat()} "
            f"({gap} day{'s' if gap != 1 else ''} earlier)"
        )
    return Figure(
        value=per_usd_dst / per_usd_src,
        unit=f"{dst} per {src}",
        table=table,
        key=f"{src}:{dst}@{used.isoformat()}",
        column="usd_cross",
        source=" | ".join(sources) or None,
        source_date=used.isoformat(),
        overridden=bool(overrides),
        note="; ".join(notes) or None,
        flags=tuple(flags),
    )


def _gap_note(
    on: date, used: date, gap: int, limit: int, a: _Series | None, b: _Series | None
) -> str:
    ends = [s.ordinals[-1] for s in (a, b) if s is not None]
    note = (
        f"the latest rate on or before {on.isoformat()} is of {used.isoformat()}, {gap} days "
        f"earlier (more than fx_max_gap_days = {limit})"
    )
    if ends and min(ends) == used.toordinal():
        return note + (
            f"; the rates end on {used.isoformat()}: add later rows (fx_history.csv in ECB "
            "units per EUR, or fx_reference.csv) in IPVALUE_REFDATA_DIR, or give the rate in "
            "the case"
        )
    return note + f"; supply a rate for {on.isoformat()} in the case or an override row"
