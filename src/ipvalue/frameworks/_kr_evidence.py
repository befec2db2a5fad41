"""Patent-indicator evidence next to the KR strength items and SMART5 sub-indicators.

When a case names ``patent_evidence.indicators_file`` (the output of ``ipvalue patents
indicators``) the valuer sees, for each item a patent indicator speaks to, where the subject
stands among the patents of the file: the mid-rank percentile in its cohort (grant year × WIPO
field, else × CPC section) and in the whole file. This is **evidence shown to the valuer, never
a score**: nothing here changes a rating, a weight or a value.

The item → indicator map is ipvalue's reading (platform convention, not from the guide or
KIPA): which measured indicator bears on which question. Percentile convention (as in
``ipvalue.evidence``): ``(below + 0.5·equal) / n`` over the non-empty values of the group, the
subject included; an empty subject value has no percentile, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ipvalue.core.errors import InputError

PERCENTILE_CONVENTION = "mid-rank (below + 0.5·equal) / n over non-empty values"
_FIELD = "patent_evidence.indicators_file"

#: How to read each indicator (unit and direction); shown with the percentile.
INDICATOR_READING: dict[str, str] = {
    "fwd_cits5": "citing patents ≤ 5 y after grant; higher = more follow-on use",
    "bwd_cits": "patent documents cited; higher = more prior art considered",
    "patent_scope": "distinct CPC subclasses; higher = broader",
    "claims": "number of claims; higher = more claimed",
    "generality": "0–1 spread of citing patents over classes; higher = wider spillover",
    "originality": "0–1 spread of cited patents over classes; higher = draws on more fields",
    "radicalness": "0–1 share of cited codes outside own subclasses; higher = more radical",
    "tct": "median age of cited patents (y); lower = faster-moving technology",
    "family_size": "offices of the family; higher = wider market coverage",
    "remaining_life": "years of legal term left at the valuation date",
    "quality_index": "composite quality within the cohort; higher = better",
}

#: KR individual-strength items (codes of ``STRENGTH_ITEMS``) -> indicators that bear on them.
STRENGTH_ITEM_INDICATORS: dict[str, tuple[str, ...]] = {
    "innovativeness": ("radicalness", "originality"),
    "differentiation": ("radicalness",),
    "usability": ("generality", "patent_scope"),
    "spillover": ("fwd_cits5", "generality"),
    "obsolescence_risk": ("tct",),
    "protection_strength": ("claims", "patent_scope", "family_size"),
    "right_stability": ("bwd_cits",),
    "market_entry": ("family_size",),
    "economic_life": ("remaining_life", "tct"),
}

#: SMART5 sub-indicators (``IPM_POINTS``) -> indicators that bear on them.
SMART_ITEM_INDICATORS: dict[str, tuple[str, ...]] = {
    "claim_scope": ("claims", "patent_scope"),
    "right_completeness": ("claims",),
    "patent_stability": ("bwd_cits",),
    "technology_life": ("remaining_life", "tct"),
    "technology_leadership": ("fwd_cits5", "radicalness"),
    "commercialisability": ("family_size",),
    "enforceability": ("claims", "family_size"),
}


@dataclass(frozen=True)
class IndicatorStanding:
    """The subject's value of one indicator and its percentile in its cohort and the file."""

    indicator: str
    value: float | None
    cohort_percentile: float | None
    cohort_n: int
    file_percentile: float | None
    file_n: int
    reading: str


@dataclass(frozen=True)
class ItemEvidence:
    """Indicators relevant to one scored item (evidence, not a score)."""

    item: str
    indicators: tuple[IndicatorStanding, ...]


@dataclass(frozen=True)
class IndicatorTable:
    """Numeric indicator columns (NaN = empty) of an indicators file, with ids and cohorts."""

    path: Path
    patent_ids: tuple[str, ...]
    cohorts: tuple[str | None, ...] | None
    columns: Mapping[str, np.ndarray]


def _percentile(values: np.ndarray, subject: float) -> tuple[float | None, int]:
    x = values[~np.isnan(values)]
    n = int(x.size)
    if n == 0 or math.isnan(subject):
        return None, n
    return (np.count_nonzero(x < subject) + 0.5 * np.count_nonzero(x == subject)) / n, n


def item_evidence(
    table: IndicatorTable, subject_row: int, items: Mapping[str, Sequence[str]]
) -> tuple[ItemEvidence, ...]:
    """Evidence for each item whose indicators are in ``table`` (items without any are left out).

    Parameters
    ----------
    table
        The indicator columns of the file.
    subject_row
        Row of the subject patent.
    items
        Item -> indicator names (:data:`STRENGTH_ITEM_INDICATORS`, :data:`SMART_ITEM_INDICATORS`).

    Notes
    -----
    Cohort statistics need a ``cohort`` column and a non-empty subject cohort; otherwise they
    are empty (``cohort_n = 0``). An empty subject value gives no percentile; ``n`` still counts
    the group's non-empty values.
    """
    in_cohort = None
    if table.cohorts is not None and table.cohorts[subject_row] is not None:
        label = table.cohorts[subject_row]
        in_cohort = np.fromiter((c == label for c in table.cohorts), bool, len(table.cohorts))
    out = []
    for item, names in items.items():
        rows = []
        for name in names:
            col = table.columns.get(name)
            if col is None:
                continue
            v = float(col[subject_row])
            fp, fn = _percentile(col, v)
            cp, cn = _percentile(col[in_cohort], v) if in_cohort is not None else (None, 0)
            rows.append(
                IndicatorStanding(
                    name,
                    None if math.isnan(v) else v,
                    cp,
                    cn,
                    fp,
                    fn,
                    INDICATOR_READING.get(name, ""),
                )
            )
        if rows:
            out.append(ItemEvidence(item, tuple(rows)))
    return tuple(out)


def read_indicator_table(path: str | Path) -> IndicatorTable:
    """Read ``patent_id``, ``cohort`` and the known numeric indicators of an indicators file.

    Raises
    ------
    InputError
        Field ``patent_evidence.indicators_file``: missing or unreadable file, no ``patent_id``
        column, an indicator column that is not numeric.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(_FIELD, f"file not found: {p}")
    try:
        if p.suffix.lower() == ".parquet":
            t = pq.read_table(p)
        else:
            t = pacsv.read_csv(
                p,
                convert_options=pacsv.ConvertOptions(
                    column_types={"patent_id": pa.string(), "cohort": pa.string()}
                ),
            )
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(_FIELD, f"{p.name} cannot be read as CSV/Parquet ({exc})") from None
    if "patent_id" not in t.column_names:
        raise InputError(_FIELD, f"{p.name}: required column patent_id is missing")
    cols: dict[str, np.ndarray] = {}
    for name in INDICATOR_READING:
        if name not in t.column_names:
            continue
        c = t.column(name)
        if not (
            pa.types.is_integer(c.type) or pa.types.is_floating(c.type) or pa.types.is_null(c.type)
        ):
            raise InputError(_FIELD, f"{p.name}: column {name} must be numeric (found {c.type})")
        arr = pc.cast(c, pa.float64()).to_numpy(zero_copy_only=False)
        if np.isinf(arr).any():
            raise InputError(_FIELD, f"{p.name}: column {name} holds an infinite value")
        cols[name] = arr
    ids = tuple(
        "" if v is None else str(v).strip()
        for v in pc.cast(t.column("patent_id"), pa.string()).to_pylist()
    )
    cohorts = None
    if "cohort" in t.column_names:
        cohorts = tuple(
            None if v in (None, "") else str(v)
            for v in pc.cast(t.column("cohort"), pa.string()).to_pylist()
        )
    return IndicatorTable(p, ids, cohorts, cols)


def subject_row(table: IndicatorTable, patent_id: str) -> int:
    """Row of ``patent_id``; errors name ``patent_evidence.patent_id``."""
    hits = [i for i, x in enumerate(table.patent_ids) if x == patent_id.strip()]
    if len(hits) != 1:
        found = "is not a patent_id" if not hits else f"appears {len(hits)} times"
        raise InputError("patent_evidence.patent_id", f"{patent_id!r} {found} in {table.path.name}")
    return hits[0]


def case_item_evidence(
    case: object, items: Mapping[str, Sequence[str]]
) -> tuple[ItemEvidence, ...] | None:
    """Evidence for ``items`` from the case's ``patent_evidence`` (None without an indicators
    file)."""
    pe = getattr(case, "patent_evidence", None)
    if pe is None or getattr(pe, "indicators_file", None) is None or pe.patent_id is None:
        return None
    table = read_indicator_table(pe.indicators_file)
    return item_evidence(table, subject_row(table, pe.patent_id), items)


def describe(ev: ItemEvidence) -> str:
    """One line per item: ``radicalness 0.4 (cohort p 0.83 of 40; file p 0.75 of 200); …``."""
    parts = []
    for s in ev.indicators:
        if s.value is None:
            parts.append(f"{s.indicator} empty (n {s.file_n} in file)")
            continue
        cohort = (
            f"cohort p {s.cohort_percentile:.2f} of {s.cohort_n}"
            if s.cohort_percentile is not None
            else "no cohort"
        )
        fp = f"file p {s.file_percentile:.2f} of {s.file_n}"
        parts.append(f"{s.indicator} {s.value:.4g} ({cohort}; {fp})")
    return "; ".join(parts)


def as_rows(evidence: Sequence[ItemEvidence]) -> list[dict[str, object]]:
    """Flat JSON-ready rows (one per item and indicator) for ``ipvalue score`` output."""
    return [
        {
            "item": ev.item,
            "indicator": s.indicator,
            "value": s.value,
            "cohort_percentile": s.cohort_percentile,
            "cohort_n": s.cohort_n,
            "file_percentile": s.file_percentile,
            "file_n": s.file_n,
            "reading": s.reading,
        }
        for ev in evidence
        for s in ev.indicators
    ]


def smart_evidence(case: object) -> dict[str, object] | None:
    """The ``evidence`` block of ``ipvalue score --framework smart`` (None without an
    indicators file): file, patent, convention and one row per sub-indicator and indicator."""
    evidence = case_item_evidence(case, SMART_ITEM_INDICATORS)
    if evidence is None:
        return None
    pe = case.patent_evidence  # type: ignore[attr-defined]
    return {
        "note": "patent indicators relevant to the SMART5 sub-indicators: evidence shown to the "
        "valuer, not a score (ipvalue's item → indicator map)",
        "indicators_file": str(pe.indicators_file),
        "patent_id": pe.patent_id,
        "percentile": PERCENTILE_CONVENTION,
        "rows": as_rows(evidence),
    }


def case_sector(case: object, field: str) -> tuple[str, str]:
    """WIPO sector code of the case's asset by the IPC–technology concordance, with its source.

    The first ``asset.classes`` entry (scheme IPC or CPC) that has a WIPO field decides.

    Raises
    ------
    InputError
        Naming ``field``: no IPC/CPC class of the asset has a WIPO field.
    """
    from ipvalue.analytics.wipo_fields import field_of

    classes = getattr(getattr(case, "asset", None), "classes", ())
    for c in classes:
        if c.scheme in ("IPC", "CPC") and (f := field_of(c.code)) is not None:
            return f.sector_code, (
                f"WIPO IPC–technology concordance (Schmoch 2008): {c.scheme} {c.code} -> field "
                f"{f.field_id} {f.field_en}, sector {f.sector}"
            )
    raise InputError(
        field, "is required: no IPC/CPC class of the asset has a WIPO field (asset.classes)"
    )
