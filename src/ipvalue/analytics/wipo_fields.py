"""WIPO IPC–technology concordance: 35 technology fields in 5 sectors (Schmoch 2008).

The table is ``data/ipc_technology.csv``, transcribed from Table 2 of Schmoch's report to WIPO
(update May 2008, IPC 8); its header lines give the source URL and how it was obtained. Each
row is one pattern: a prefix of the *key* ``SUBCLASS-NNN`` of a code (main group zero-padded
to three digits), e.g. ``H01M 10/0525`` → ``H01M-010``, ``A61K8/97`` → ``A61K-008``.

* :func:`field_of` — the field of one IPC or CPC code: the longest matching pattern wins,
  which is how the table writes its exceptions (``G06 not G06Q``, ``G01N not G01N 33``,
  ``A61K not A61K 8``).
* :func:`fields_of` — the distinct fields of one patent's codes, applying the table's
  patent-level exclusion: organic fine chemistry (C07B…C40B) and biotechnology (C07G…C12S)
  codes do not count when the patent also has an A61K code.

CPC codes are looked up as IPC codes (CPC extends the IPC below main-group level). Codes with
no pattern — CPC-only schemes such as ``Y02E``, IPC groups created after 2008 in a split
subclass (``H04N 19/``), new subclasses (``G16H``, ``B33Y``) — have no field (``None``); so do
strings that are not IPC/CPC codes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "CONCORDANCE_FILE",
    "SECTORS",
    "Field",
    "concordance",
    "concordance_source",
    "field_key",
    "field_of",
    "field_rule",
    "fields",
    "fields_of",
]

CONCORDANCE_FILE = "ipc_technology.csv"

#: The five sectors in WIPO order, with the snake-case codes used by SMART5 grading.
SECTORS: dict[str, str] = {
    "Electrical engineering": "electrical_engineering",
    "Instruments": "instruments",
    "Chemistry": "chemistry",
    "Mechanical engineering": "mechanical_engineering",
    "Other fields": "other_fields",
}

_CODE = re.compile(r"^([A-H]\d\d)([A-Z])?(?:(\d{1,4})(?:/(\d+))?)?$")


@dataclass(frozen=True)
class Field:
    """One WIPO technology field (1–35) and its sector."""

    field_id: int
    field_en: str
    sector: str

    @property
    def sector_code(self) -> str:
        """Snake-case sector (``electrical_engineering`` …), as SMART5 grading names it."""
        return SECTORS[self.sector]


@dataclass(frozen=True)
class _Row:
    field: Field
    pattern: str
    not_with: str | None


def field_key(code: str) -> str | None:
    """The lookup key of an IPC/CPC code: ``SUBCLASS-NNN``, ``SUBCLASS`` or ``CLASS``.

    Spaces are ignored and letters upper-cased (``"h01m  10/0525"`` → ``"H01M-010"``);
    main groups of four digits (CPC 2000-series indexing codes) keep four digits and so match
    only subclass and class patterns. Returns None for anything that is not a code.
    """
    if not isinstance(code, str):
        return None
    m = _CODE.match("".join(code.split()).upper())
    if m is None:
        return None
    cls, sub, group, _ = m.groups()
    if sub is None:
        return cls if group is None else None
    return f"{cls}{sub}" if group is None else f"{cls}{sub}-{int(group):03d}"


@cache
def _load() -> tuple[tuple[_Row, ...], str]:
    text = (
        resources.files("ipvalue.analytics").joinpath("data", CONCORDANCE_FILE).read_text("utf-8")
    )
    lines = text.splitlines()
    header = [ln[2:] for ln in lines if ln.startswith("# ")]
    body = [ln for ln in lines if not ln.startswith("#")]
    rows = []
    for r in csv.DictReader(body):
        f = Field(int(r["field_id"]), r["field_en"], r["sector"])
        rows.append(_Row(f, r["ipc_pattern"], r["not_with"] or None))
    return tuple(rows), " ".join(header[:3])


@cache
def _index() -> dict[str, _Row]:
    return {r.pattern: r for r in _load()[0]}


def concordance() -> tuple[tuple[Field, str, str | None], ...]:
    """Every row of the packaged table as ``(field, ipc_pattern, not_with)``."""
    return tuple((r.field, r.pattern, r.not_with) for r in _load()[0])


def concordance_source() -> str:
    """The table's provenance lines (title, source URL and version, how it was obtained)."""
    return _load()[1]


def fields() -> dict[int, Field]:
    """The 35 fields by id."""
    return {r.field.field_id: r.field for r in _load()[0]}


def _match(code: str) -> _Row | None:
    key = field_key(code)
    if key is None:
        return None
    index = _index()
    # candidate prefixes, longest first: the key itself, then shorter main-group prefixes
    # (range patterns such as B01D-01 cover main groups 10-19), then subclass, then class
    for n in range(len(key), 2, -1):
        row = index.get(key[:n])
        if row is not None:
            return row
    return None


def field_of(code: str) -> Field | None:
    """The WIPO field of one IPC/CPC code (longest-pattern match), or None.

    Examples
    --------
    >>> field_of("H01M10/0525").field_en
    'Electrical machinery, apparatus, energy'
    >>> field_of("G06Q 10/06").field_id, field_of("G06F 3/01").field_id
    (7, 6)
    >>> field_of("Y02E 60/10") is None
    True

    Notes
    -----
    The patent-level exclusion ("not with A61K") needs all codes of the patent: use
    :func:`fields_of`. For a single code it does not apply.
    """
    row = _match(code)
    return None if row is None else row.field


def field_rule(code: str) -> tuple[Field, str | None] | None:
    """The field of one code with the table's ``not_with`` prefix (``"A61K"`` or None).

    For callers that apply the patent-level exclusion themselves (the vectorised generator);
    :func:`fields_of` applies it for one patent.
    """
    row = _match(code)
    return None if row is None else (row.field, row.not_with)


def fields_of(codes: Iterable[str]) -> tuple[Field, ...]:
    """Distinct WIPO fields of one patent's codes, in order of first appearance.

    Applies the table's ``not A61K`` rule: a code whose row says ``not_with = A61K`` does not
    count when another code of the same patent is in A61K. Codes without a field are skipped.
    """
    matched = [(code, _match(code)) for code in codes]
    keys = {field_key(c) or "" for c, _ in matched}
    out: dict[int, Field] = {}
    for _, row in matched:
        if row is None:
            continue
        if row.not_with and any(k.startswith(row.not_with) for k in keys):
            continue
        out.setdefault(row.field.field_id, row.field)
    return tuple(out.values())
