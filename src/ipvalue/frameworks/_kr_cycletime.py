"""Adapter: read Model I quartiles from an analytics cycle-time file (CSV or Parquet).

The analytics stream writes one row per classification code with the columns
``scheme, code, n_patents, n_ages, q1, q2, q3, mean`` (years; docs/dev/CONTRACTS.md), and
next to it an optional provenance sidecar ``<file>.meta.json`` (seam 3 of issue 4). A file
without a sidecar is still usable; the reader says that its provenance is unknown.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Note
from ipvalue.frameworks._kr_life import Quartiles

CYCLE_TIME_COLUMNS = ("scheme", "code", "n_patents", "n_ages", "q1", "q2", "q3", "mean")
_KR_FIELD = "framework_inputs.KR.life.cycle_time_file"
#: Scheme preference when a subclass has rows under several schemes: the guide's Model I
#: speaks of IPC (or USPC) fields, so IPC rows come first.
SCHEME_ORDER = ("IPC", "CPC")


@dataclass(frozen=True)
class CycleTimeTable:
    """A validated cycle-time table with the provenance read from its sidecar (if any)."""

    path: Path
    frame: pd.DataFrame
    provenance: str
    warnings: tuple[Note, ...]


def _provenance(p: Path) -> tuple[str, tuple[Note, ...]]:
    """One-line provenance from ``<file>.meta.json``; a missing or stale sidecar is a warning,
    never an error (the sidecar is optional by contract)."""
    meta = p.with_name(p.name + ".meta.json")
    if not meta.is_file():
        return "provenance unknown (no .meta.json sidecar)", (
            Note(
                "KR_CYCLE_TIME_PROVENANCE_UNKNOWN",
                f"{p.name} has no provenance sidecar "
                f"({meta.name}): data cut-off and source are unknown",
            ),
        )
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return "provenance unreadable", (
            Note(
                "KR_CYCLE_TIME_PROVENANCE_UNKNOWN",
                f"{meta.name} cannot be read ({type(exc).__name__}); provenance unknown",
            ),
        )
    if not isinstance(info, dict):
        return "provenance unreadable", (
            Note("KR_CYCLE_TIME_PROVENANCE_UNKNOWN", f"{meta.name} is not a JSON object"),
        )
    parts = [
        f"{k} {info[k]}"
        for k in ("kind", "data_cutoff", "created_at", "software_version")
        if info.get(k) not in (None, "")
    ]
    notes: tuple[Note, ...] = ()
    digest = info.get("sha256")
    if isinstance(digest, str) and digest:
        actual = hashlib.sha256(p.read_bytes()).hexdigest()
        if actual != digest:
            notes = (
                Note(
                    "KR_CYCLE_TIME_MODIFIED",
                    f"{p.name} does not match the sha256 in "
                    f"{meta.name}: the file was changed after it was written",
                ),
            )
    return "; ".join(parts) or "sidecar without details", notes


def read_cycle_time_table(path: str | Path, *, field: str = _KR_FIELD) -> CycleTimeTable:
    """Read and check a cycle-time file; errors name ``field``.

    Raises
    ------
    InputError
        File missing or unreadable, columns missing.
    """
    p = Path(path)
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
    frame = frame.assign(scheme=frame["scheme"].astype(str), code=frame["code"].astype(str))
    prov, notes = _provenance(p)
    return CycleTimeTable(p, frame, prov, notes)


def quartiles_from_table(
    table: CycleTimeTable, *, scheme: str, code: str, field: str = _KR_FIELD
) -> Quartiles:
    """Quartiles of the one row ``(scheme, code)``.

    Raises
    ------
    InputError
        No row or several rows for the code, empty (missing) quartiles, or fewer than one
        cited-patent age behind them.
    """
    frame = table.frame
    rows = frame[(frame["scheme"] == scheme) & (frame["code"] == code)]
    if len(rows) != 1:
        found = "no row" if rows.empty else f"{len(rows)} rows"
        raise InputError(f"{field}:{scheme}/{code}", f"must have exactly one row ({found})")
    row = rows.iloc[0]
    values = {}
    for col in ("q1", "q2", "q3"):
        v = row[col]
        if v is None or pd.isna(v) or not math.isfinite(float(v)):
            raise InputError(f"{field}:{scheme}/{code}.{col}", "is missing in the file")
        values[col] = float(v)
    n_ages = row["n_ages"]
    if n_ages is None or pd.isna(n_ages) or int(n_ages) < 1:
        raise InputError(f"{field}:{scheme}/{code}.n_ages", "must be >= 1")
    return Quartiles(
        q1=values["q1"],
        q2=values["q2"],
        q3=values["q3"],
        source=f"cycle-time file {table.path.name}, {scheme} {code} (n_ages={int(n_ages)}; "
        f"{table.provenance})",
    )


def read_cycle_time_quartiles(
    path: str | Path, *, scheme: str, code: str, field: str = _KR_FIELD
) -> Quartiles:
    """Quartiles for ``(scheme, code)`` from a cycle-time file.

    Raises
    ------
    InputError
        File missing or unreadable, columns missing, no row or several rows for the code, empty
        (missing) quartiles, or fewer than one cited-patent age behind them.
    """
    table = read_cycle_time_table(path, field=field)
    return quartiles_from_table(table, scheme=scheme, code=code, field=field)


def _scheme_rank(scheme: str) -> tuple[int, str]:
    return (SCHEME_ORDER.index(scheme) if scheme in SCHEME_ORDER else len(SCHEME_ORDER), scheme)


def subclass_of(code: str) -> str:
    """The 4-character subclass of an IPC/CPC code (``"H01M 10/0525"`` -> ``"H01M"``)."""
    return "".join(code.split()).upper()[:4]


def choose_row(
    table: CycleTimeTable, *, code: str | None, classes: Sequence[tuple[str, str]], field: str
) -> tuple[str, str, str]:
    """Pick the ``(scheme, code)`` row for the subject and say why.

    Parameters
    ----------
    table
        The cycle-time table.
    code
        The code named by the case (``patent_evidence.cycle_time_code``), or None.
    classes
        The asset's ``(scheme, code)`` classifications in case order.
    field
        Field named by errors.

    Returns
    -------
    tuple
        ``(scheme, code, reason)``.

    Notes
    -----
    A named code is looked up under the scheme an asset class gives it, else under the single
    scheme that has it, else under :data:`SCHEME_ORDER` (a numeric code is a WIPO field). Without
    a named code, the first asset class whose subclass has a row wins; IPC/CPC classes are
    looked up under their own scheme first.
    """
    frame = table.frame
    have = set(zip(frame["scheme"], frame["code"], strict=True))
    if code is not None:
        wanted = code.strip() if code.strip().isdigit() else subclass_of(code)
        schemes = sorted({s for s, c in have if c == wanted}, key=_scheme_rank)
        if not schemes:
            raise InputError(field, f"code {wanted!r} has no row in {table.path.name}")
        own = [s for s, c in classes if subclass_of(c) == wanted and s in schemes]
        scheme = own[0] if own else schemes[0]
        why = "named by patent_evidence.cycle_time_code"
        if len(schemes) > 1 and not own:
            why += f" (rows under {', '.join(schemes)}; {scheme} used)"
        return scheme, wanted, why
    tried = []
    for scheme, raw in classes:
        sub = subclass_of(raw)
        tried.append(sub)
        order = [scheme] + [s for s in SCHEME_ORDER if s != scheme]
        for s in order:
            if (s, sub) in have:
                return s, sub, f"first subclass of asset.classes found in the file ({raw})"
    raise InputError(
        field.rsplit(".", 1)[0] + ".cycle_time_code",
        f"is required: no subclass of asset.classes ({', '.join(tried) or 'none'}) "
        f"has a row in {table.path.name}",
    )
