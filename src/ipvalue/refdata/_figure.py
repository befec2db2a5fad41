"""A reference figure with its provenance, and date parsing for provenance cells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]+)\s+(\d{4})")


def parse_source_date(text: str | None) -> date | None:
    """Earliest calendar date a provenance date cell can mean.

    ``"2010-03"`` → 2010-03-01, ``"2023"`` → 2023-01-01, ``"January 2025"`` → 2025-01-01,
    ``"2025-12-29 (NZ Herald …)"`` → 2025-12-29. Returns None for empty or undated text
    (``"2019 (Q1, as announced)"`` still gives 2019-01-01). The earliest date is used so that a
    look-ahead check never rejects a figure that might have been public on the valuation date.
    """
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        try:
            return date(year, month, day)
        except ValueError:
            return None
    m = _MONTH_YEAR.match(text)
    if m and m[1].lower() in _MONTHS:
        return date(int(m[2]), _MONTHS[m[1].lower()], 1)
    return None


@dataclass(frozen=True)
class Figure:
    """One reference figure and where it comes from.

    Attributes
    ----------
    value : float or str
        The figure. Columns ending ``_pct`` (and ``value`` cells whose unit starts with ``%``)
        are fractions (``26.5`` in the CSV → ``0.265``); free-text cells stay text. Never None:
        looking up an empty cell raises :class:`~ipvalue.core.errors.InputError`.
    unit : str or None
        ``"fraction"``, ``"KRW per USD"``, the table's own unit text, or None for text.
    table, key, column : str
        The reference ``table/key/column``.
    source, source_date : str or None
        Provenance as written in the table (``source_date`` is the raw text, e.g. ``"2010-03"``).
    confidence : str or None
        The table's confidence grade, when it has one.
    overridden : bool
        True when the figure comes from a user override file (setting ``refdata_dir``).
    note : str or None
        Row caveats, override origin (file, line, author, reason) and, for FX, date mismatches.
    flags : tuple of str
        Machine-readable conditions: ``override``, ``fx_date_mismatch`` (an FX rate older than
        the setting ``fx_max_gap_days`` allows).
    """

    value: float | str
    unit: str | None
    table: str
    key: str
    column: str
    source: str | None
    source_date: str | None
    confidence: str | None = None
    overridden: bool = False
    note: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """The ``table/key/column`` reference that finds this figure."""
        return f"{self.table}/{self.key}/{self.column}"

    @property
    def as_of(self) -> date | None:
        """Earliest date the provenance date can mean (see :func:`parse_source_date`)."""
        return parse_source_date(self.source_date)

    def as_float(self) -> float:
        """The value as a number; raises InputError naming the ref when it is text."""
        if isinstance(self.value, str):
            from ipvalue.core.errors import InputError

            raise InputError(self.ref, f"is text ({self.value!r}), a number is required")
        return self.value
