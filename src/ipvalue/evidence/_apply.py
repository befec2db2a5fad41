"""Patent evidence into a valuation: read the files, check them, fill what the case leaves open.

:func:`prepare` turns a case with ``patent_evidence`` (or a market approach with
``quality_adjustment: ratio``) into the case the engine values — remaining legal term filled
from the file's expiry date when the case gives none, open Q values of the quality ratio filled —
plus the assumptions, warnings and the ``patent_evidence`` trace step that document it.
:func:`attach` adds those to the valuation. Indicators feed quality Q, strength scores and life,
never a price (METHODS §6.11).
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ipvalue.core.errors import InputError
from ipvalue.evidence._cycle import pick_row
from ipvalue.evidence._files import (
    INDICATORS,
    CycleTimeFile,
    FileInfo,
    IndicatorFile,
    find_row,
    read_cycle_times,
    read_indicators,
)
from ipvalue.evidence._legal import TOLERANCE_YEARS, legal_term
from ipvalue.evidence._peers import PERCENTILE_CONVENTION, PeerRow, peer_table
from ipvalue.evidence._quality import Lookup, fill_quality
from ipvalue.model.approaches import MarketComparables
from ipvalue.model.case import PatentEvidence, ValuationCase
from ipvalue.model.result import Assumption, Scalar, TraceStep, Valuation, ValuationWarning

_APPLIED: contextvars.ContextVar[bool] = contextvars.ContextVar("ipvalue_evidence", default=False)


@dataclass(frozen=True)
class PreparedEvidence:
    """The case to value and what the evidence adds to its result.

    Attributes
    ----------
    case : ValuationCase
        The case with open fields filled from the evidence (case values never replaced).
    assumptions : tuple of Assumption
        ``patent.<indicator>``, ``patent.cycle_time.q1..q3``, a filled
        ``asset.remaining_legal_term_years`` and every Q of a quality ratio, with sources.
    warnings : tuple of ValuationWarning
        Codes ``citation_window_incomplete``, ``evidence_look_ahead``,
        ``evidence_provenance_unknown``, ``evidence_provenance_mismatch``,
        ``legal_term_mismatch``, ``economic_life_beyond_cycle_time``.
    trace : tuple of TraceStep
        The ``patent_evidence`` step (peer table and provenance), when a file was read.
    peers : tuple of PeerRow
        The subject's indicators against its cohort and the whole file.
    """

    case: ValuationCase
    assumptions: tuple[Assumption, ...]
    warnings: tuple[ValuationWarning, ...]
    trace: tuple[TraceStep, ...]
    peers: tuple[PeerRow, ...] = ()


def applies(case: Any) -> bool:
    """Whether :func:`prepare` has work for ``case`` (and is not already running for it)."""
    if _APPLIED.get() or not isinstance(case, ValuationCase):
        return False
    return case.patent_evidence is not None or any(
        isinstance(a, MarketComparables) and a.quality_adjustment == "ratio"
        for a in case.approaches
    )


def value_with_evidence(
    case: ValuationCase, run: Callable[[ValuationCase], Valuation]
) -> Valuation:
    """``run`` on the prepared case, with the evidence attached to its result.

    Nested engine calls (a framework re-entering ``value``) see the prepared case and do not
    read the files again.
    """
    prepared = prepare(case)
    token = _APPLIED.set(True)
    try:
        result = run(prepared.case)
    finally:
        _APPLIED.reset(token)
    return attach(result, prepared)


def attach(valuation: Valuation, prepared: PreparedEvidence) -> Valuation:
    """``valuation`` with the evidence's assumptions (replacing the engine's entry of a field the
    evidence filled, e.g. the legal term), warnings and trace step (first)."""
    mine = {a.name for a in prepared.assumptions}
    assumptions = (*prepared.assumptions, *(a for a in valuation.assumptions if a.name not in mine))
    return dataclasses.replace(
        valuation,
        assumptions=assumptions,
        warnings=(*prepared.warnings, *valuation.warnings),
        trace=(*prepared.trace, *valuation.trace),
    )


def _provenance_text(info: FileInfo) -> str:
    p = info.provenance
    if p is None:
        return "provenance unknown (no sidecar or metadata)"
    parts = [f"{p.kind} by ipvalue {p.software_version} at {p.created_at}"]
    if p.source:
        parts.append("from " + ", ".join(p.source) + (f" ({p.format})" if p.format else ""))
    parts.append(f"engine {p.engine}")
    if p.data_cutoff:
        parts.append(f"data cutoff {p.data_cutoff}")
    return "; ".join(parts)


def _source(info: FileInfo, what: str) -> str:
    return f"{info.path} {what} (sha256 {info.short_hash}…; {_provenance_text(info)})"


def _source_date(info: FileInfo) -> str | None:
    p = info.provenance
    if p is None:
        return None
    return p.data_cutoff or (p.created_at[:10] if p.created_at[:4].isdigit() else None)


def _file_warnings(info: FileInfo, field: str, kind: str, vdate: dt.date) -> list[ValuationWarning]:
    out = []
    p = info.provenance
    if p is None:
        out.append(
            ValuationWarning(
                "evidence_provenance_unknown",
                f"{field} {info.path} has no provenance sidecar ({info.path}.meta.json) or "
                "metadata: its source, options and data cutoff cannot be shown (sha256 "
                f"{info.short_hash}… recorded)",
            )
        )
        return out
    if p.kind != kind:
        raise InputError(field, f"{info.path}: its provenance says kind {p.kind!r}, not {kind!r}")
    if p.sha256 is not None and p.sha256 != info.sha256:
        out.append(
            ValuationWarning(
                "evidence_provenance_mismatch",
                f"{field} {info.path} was changed after its provenance was written (sha256 "
                f"{info.short_hash}… ≠ {p.sha256[:12]}… in {info.provenance_from})",
            )
        )
    late = []
    if p.data_cutoff and p.data_cutoff > vdate.isoformat():
        late.append(f"data cutoff {p.data_cutoff}")
    if kind == "indicators" and p.valuation_date and p.valuation_date > vdate.isoformat():
        late.append(f"indicators valuation date {p.valuation_date}")
    if late:
        out.append(
            ValuationWarning(
                "evidence_look_ahead",
                f"{field} {info.path}: {' and '.join(late)} after the case valuation date {vdate}: "
                "the evidence uses information not known at the valuation date",
            )
        )
    return out


def _lookup(data: IndicatorFile, subject_row: int, pe: PatentEvidence) -> Lookup:
    col = data.numbers[pe.quality_indicator]
    when = _source_date(data.info)

    def lookup(patent_id: str | None, field: str) -> tuple[float, str, str | None]:
        row = subject_row if patent_id is None else find_row(data, patent_id, field)
        pid = data.patent_id_at(row)
        q = col.at(row)
        if q is None:
            raise InputError(
                field,
                f"{pe.quality_indicator} of patent {pid} is empty in "
                f"{data.info.path}; give the quality score in the case",
            )
        if not q > 0:
            raise InputError(
                field,
                f"{pe.quality_indicator} of patent {pid} is {q:g} in "
                f"{data.info.path}: a quality ratio needs Q > 0",
            )
        return q, _source(data.info, f"{pe.quality_indicator} of patent_id {pid}"), when

    return lookup


def _indicator_evidence(
    case: ValuationCase, pe: PatentEvidence
) -> tuple[IndicatorFile, int, list[Assumption], list[ValuationWarning], list[PeerRow]]:
    assert pe.indicators_file is not None and pe.patent_id is not None
    data = read_indicators(pe.indicators_file, pe.quality_indicator)
    row = find_row(data, pe.patent_id, "patent_evidence.patent_id")
    vdate = case.valuation_date
    warns = _file_warnings(data.info, "patent_evidence.indicators_file", "indicators", vdate)
    grant = data.date_at("grant_date", row)
    if grant is not None and grant > vdate:
        warns.append(
            ValuationWarning(
                "evidence_look_ahead",
                f"patent {pe.patent_id} was granted on {grant}, after the case valuation date "
                f"{vdate}",
            )
        )
    window = data.window_at(row)
    if window is False:
        warns.append(
            ValuationWarning(
                "citation_window_incomplete",
                f"patent {pe.patent_id}: the 5-year forward-citation window is not complete in "
                f"{data.info.path} (window_complete false): fwd_cits5 understates its citations",
            )
        )
    units = {k: v for k, v in INDICATORS.items()}
    if pe.quality_indicator not in units:
        units[pe.quality_indicator] = "quality score (patent_evidence.quality_indicator)"
    cols = {k: (c.values, c.valid) for k, c in data.numbers.items()}
    peers = peer_table(cols, units, row, data.cohort_mask(row))
    src = _source(data.info, f"row patent_id {data.patent_id_at(row)}")
    when = _source_date(data.info)
    base_conf = "low: provenance unknown" if data.info.provenance is None else None
    assumptions = []
    for pr in peers:
        conf = base_conf
        if pr.indicator == "fwd_cits5" and window is False:
            conf = "low: citation window incomplete"
        assumptions.append(Assumption(f"patent.{pr.indicator}", pr.value, pr.unit, src, when, conf))
    return data, row, assumptions, warns, list(peers)


def _legal(
    case: ValuationCase, data: IndicatorFile, row: int, pe: PatentEvidence
) -> tuple[ValuationCase, list[Assumption], list[ValuationWarning], dict[str, Scalar]]:
    expiry = data.date_at("expiry_date", row)
    lt = legal_term(
        case.asset,
        case.valuation_date,
        expiry,
        data.date_at("filing_date", row),
        data.date_at("grant_date", row),
    )
    warns = [
        ValuationWarning("legal_term_mismatch", f"patent {pe.patent_id}: {m}")
        for m in lt.mismatches
    ]
    detail: dict[str, Scalar] = {
        "expiry_date": expiry.isoformat() if expiry else None,
        "legal_term_years_at_valuation_date": lt.file_years,
        "legal_term_filled": lt.fill,
        "legal_term_tolerance_years": TOLERANCE_YEARS,
    }
    if not lt.fill or lt.file_years is None:
        return case, [], warns, detail
    asset = case.asset.model_copy(update={"remaining_legal_term_years": lt.file_years})
    filled = case.model_copy(update={"asset": asset})
    a = Assumption(
        "asset.remaining_legal_term_years",
        lt.file_years,
        "years",
        _source(
            data.info,
            f"expiry_date {expiry} of patent_id {pe.patent_id}: "
            f"(expiry − valuation date {case.valuation_date}) days / 365.25",
        ),
        _source_date(data.info),
        "low: provenance unknown" if data.info.provenance is None else None,
    )
    return filled, [a], warns, detail


def _cycle(
    case: ValuationCase, pe: PatentEvidence
) -> tuple[CycleTimeFile, dict[str, Any], list[Assumption], list[ValuationWarning], str]:
    assert pe.cycle_time_file is not None
    ct = read_cycle_times(pe.cycle_time_file)
    row, how = pick_row(ct.rows, pe.cycle_time_code, case.asset.classes, ct.info.path)
    warns = _file_warnings(
        ct.info, "patent_evidence.cycle_time_file", "cycle_time", case.valuation_date
    )
    what = (
        f"row {row['scheme']} {row['code']} (n_ages {row['n_ages']:g}; {how})"
        if isinstance(row["n_ages"], float)
        else f"row {row['scheme']} {row['code']} ({how})"
    )
    src = _source(ct.info, what)
    when = _source_date(ct.info)
    conf = "low: provenance unknown" if ct.info.provenance is None else None
    assumptions = [
        Assumption(f"patent.cycle_time.{q}", row[q], "years", src, when, conf)  # type: ignore[arg-type]
        for q in ("q1", "q2", "q3")
    ]
    return ct, dict(row), assumptions, warns, how


def _life_check(case: ValuationCase, q3: float, code: str) -> list[ValuationWarning]:
    from ipvalue.valuation.resolve import resolved_life

    income = [a for a in case.approaches if a.family == "income"]
    if not income:
        return []
    life, which = resolved_life(case.asset, case.valuation_date)
    if life is not None and life > q3:
        return [
            ValuationWarning(
                "economic_life_beyond_cycle_time",
                f"the income period ({which}, {life:.2f} years) is beyond the Q3 cycle time of "
                f"{code} ({q3:.2f} years): technology in this field is usually superseded sooner",
            )
        ]
    if life is None:
        perpetual = [a.name for a in income if getattr(a, "terminal_growth", None) is not None]
        if perpetual:
            return [
                ValuationWarning(
                    "economic_life_beyond_cycle_time",
                    f"{', '.join(perpetual)}: income runs into a terminal value with no legal "
                    f"term or economic life cap, beyond the Q3 cycle time of {code} "
                    f"({q3:.2f} years)",
                )
            ]
    return []


def _provenance_detail(prefix: str, info: FileInfo) -> dict[str, Scalar]:
    p = info.provenance
    d: dict[str, Scalar] = {
        f"{prefix}file": info.path,
        f"{prefix}sha256": info.sha256,
        f"{prefix}provenance_from": info.provenance_from or None,
    }
    if p is not None:
        d.update(
            {
                f"{prefix}kind": p.kind,
                f"{prefix}software_version": p.software_version,
                f"{prefix}created_at": p.created_at,
                f"{prefix}source": "; ".join(p.source),
                f"{prefix}format": p.format,
                f"{prefix}engine": p.engine,
                f"{prefix}options": json.dumps(p.options, sort_keys=True),
                f"{prefix}valuation_date": p.valuation_date,
                f"{prefix}data_cutoff": p.data_cutoff,
                f"{prefix}rows": p.rows,
            }
        )
    return d


def prepare(case: ValuationCase) -> PreparedEvidence:
    """Read the case's patent evidence and prepare the case for the engine.

    Raises
    ------
    InputError
        A file is missing or malformed, the subject (``patent_evidence.patent_id``) or a
        comparable's ``patent_id`` is absent or duplicated in the file, a Q of a quality ratio
        is open and cannot be read, or the cycle-time row cannot be chosen — each naming the
        case field.
    """
    pe = case.patent_evidence
    assumptions: list[Assumption] = []
    warnings: list[ValuationWarning] = []
    detail: dict[str, Scalar] = {}
    rows: list[dict[str, Scalar]] = []
    peers: list[PeerRow] = []
    data: IndicatorFile | None = None
    subject_row = -1
    if pe is not None and pe.indicators_file is not None:
        data, subject_row, ind_assumptions, ind_warns, peers = _indicator_evidence(case, pe)
        assumptions += ind_assumptions
        warnings += ind_warns
        case, legal_assumptions, legal_warns, legal_detail = _legal(case, data, subject_row, pe)
        assumptions += legal_assumptions
        warnings += legal_warns
        cohort = data.cohort_at(subject_row)
        detail.update(
            {
                "patent_id": data.patent_id_at(subject_row),
                "cohort": cohort,
                "file_rows": data.n,
                "quality_indicator": pe.quality_indicator,
                "percentile_convention": PERCENTILE_CONVENTION,
                "absent_indicators": ", ".join(k for k in INDICATORS if k not in data.numbers)
                or None,
            }
        )
        detail.update(_provenance_detail("indicators.", data.info))
        detail.update(legal_detail)
        rows = [p.as_row() for p in peers]
    if pe is not None and pe.cycle_time_file is not None:
        ct, row, ct_assumptions, ct_warns, how = _cycle(case, pe)
        assumptions += ct_assumptions
        warnings += ct_warns
        detail.update(
            {
                "cycle_time.scheme": str(row["scheme"]),
                "cycle_time.code": str(row["code"]),
                "cycle_time.chosen_by": how,
                "cycle_time.n_patents": row["n_patents"],
                "cycle_time.n_ages": row["n_ages"],
                "cycle_time.q1": row["q1"],
                "cycle_time.q2": row["q2"],
                "cycle_time.q3": row["q3"],
            }
        )
        detail.update(_provenance_detail("cycle_time.", ct.info))
        warnings += _life_check(case, float(row["q3"]), str(row["code"]))
    lookup = _lookup(data, subject_row, pe) if data is not None and pe is not None else None
    approaches = list(case.approaches)
    for i, a in enumerate(approaches):
        if isinstance(a, MarketComparables) and a.quality_adjustment == "ratio":
            col = pe.quality_indicator if pe is not None else "quality_score"
            approaches[i], q_assumptions = fill_quality(a, f"approaches.{i}.", lookup, col)
            assumptions += q_assumptions
    if approaches != list(case.approaches):
        case = case.model_copy(update={"approaches": approaches})
    trace = (TraceStep(step="patent_evidence", detail=detail, rows=tuple(rows)),) if detail else ()
    return PreparedEvidence(case, tuple(assumptions), tuple(warnings), trace, tuple(peers))
