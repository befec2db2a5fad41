"""Patent-indicator evidence next to the KR strength items and SMART5 sub-indicators.

When a case names ``patent_evidence.indicators_file`` (the output of ``ipvalue patents
indicators``) the valuer sees, for each item a patent indicator speaks to, where the subject
stands among the patents of the file: the mid-rank percentile in its cohort (grant year × WIPO
field, else × CPC section) and in the whole file. This is **evidence shown to the valuer, never
a score**: nothing here changes a rating, a weight or a value.

The item → indicator map is ipvalue's reading (platform convention, not from the guide or
KIPA): which measured indicator bears on which question. Percentile convention (as in
``ipvalue.evidence``): ``(below + 0.5·equal) / n`` over the non-empty values of the group, the
subject included; an empty subject value has no percentile, never 0. Files are read by
:mod:`ipvalue.evidence` (provenance, checks) and percentiles computed by its ``group_stats``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.evidence import (
    PERCENTILE_CONVENTION,
    IndicatorFile,
    find_row,
    group_stats,
    read_indicators,
)

__all__ = [
    "INDICATOR_READING",
    "PERCENTILE_CONVENTION",
    "SMART_ITEM_INDICATORS",
    "STRENGTH_ITEM_INDICATORS",
    "IndicatorStanding",
    "ItemEvidence",
    "as_rows",
    "case_item_evidence",
    "case_sector",
    "describe",
    "item_evidence",
    "smart_evidence",
]

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


def item_evidence(
    data: IndicatorFile, subject_row: int, items: Mapping[str, Sequence[str]]
) -> tuple[ItemEvidence, ...]:
    """Evidence for each item whose indicators are in ``data`` (items without any are left out).

    Parameters
    ----------
    data
        An indicators file read by :func:`ipvalue.evidence.read_indicators`.
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
    in_cohort = data.cohort_mask(subject_row)  # vectorised; None for an empty cohort cell
    out = []
    for item, names in items.items():
        rows = []
        for name in names:
            col = data.numbers.get(name)
            if col is None:
                continue
            v = col.at(subject_row)
            whole = group_stats(col.values, col.valid, v)
            cohort = (
                group_stats(col.values, col.valid & in_cohort, v) if in_cohort is not None else None
            )
            rows.append(
                IndicatorStanding(
                    name,
                    v,
                    None if cohort is None else cohort.percentile,
                    0 if cohort is None else cohort.n,
                    whole.percentile,
                    whole.n,
                    INDICATOR_READING.get(name, ""),
                )
            )
        if rows:
            out.append(ItemEvidence(item, tuple(rows)))
    return tuple(out)


def case_item_evidence(
    case: object, items: Mapping[str, Sequence[str]]
) -> tuple[ItemEvidence, ...] | None:
    """Evidence for ``items`` from the case's ``patent_evidence`` (None without an indicators
    file).

    Raises
    ------
    InputError
        From :mod:`ipvalue.evidence`: ``patent_evidence.indicators_file`` unreadable or without
        the quality column; ``patent_evidence.patent_id`` absent or repeated in the file.
    """
    pe = getattr(case, "patent_evidence", None)
    if pe is None or pe.indicators_file is None or pe.patent_id is None:
        return None
    data = read_indicators(pe.indicators_file, pe.quality_indicator)
    return item_evidence(data, find_row(data, pe.patent_id, "patent_evidence.patent_id"), items)


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
