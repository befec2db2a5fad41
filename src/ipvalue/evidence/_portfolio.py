"""Patent evidence for a portfolio: files read once, every asset's evidence as columns.

The header's ``patent_evidence`` names the files; each asset names its patent
(``assets.<i>.patent_evidence.patent_id``, optionally its own ``cycle_time_code``). The rules
are those of a single case (docs/patent-evidence.md), applied column-wise: every patent id is
found through one hash lookup of the file, legal terms come from the ``expiry_date`` column in
one array expression, peer standings from one sort per indicator
(:func:`~ipvalue.evidence._peers.group_stats_many`). An asset's legal term fills its
``remaining_legal_term_years`` only when the case gives neither it nor an expiry date, so the
vectorised valuation caps its income period exactly as if the term were written in the case.

Per-asset warnings, assumptions, trace rows and peer tables are kept as columns and worded when
read (:class:`~ipvalue.model.result.LazySequence`), like the portfolio's per-asset results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ipvalue.core.errors import InputError
from ipvalue.evidence._apply import (
    _file_warnings,
    _life_check,
    _lookup,
    _provenance_detail,
    _source,
    _source_date,
)
from ipvalue.evidence._cycle import pick_row
from ipvalue.evidence._files import INDICATORS, CycleTimeFile, IndicatorFile
from ipvalue.evidence._files import read_cycle_times as _read_cycle_times
from ipvalue.evidence._files import read_indicators as _read_indicators
from ipvalue.evidence._legal import DAYS_PER_YEAR, TOLERANCE_YEARS, legal_term
from ipvalue.evidence._peers import (
    PERCENTILE_CONVENTION,
    GroupColumns,
    PeerRow,
    group_stats_many,
)
from ipvalue.evidence._quality import fill_quality
from ipvalue.model.approaches import MarketComparables
from ipvalue.model.case import PatentEvidence
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import (
    Assumption,
    LazySequence,
    Scalar,
    TraceStep,
    Valuation,
    ValuationWarning,
    flat_lazy,
)

#: Percentiles of the quality column's cohort / file percentiles shown in the summary.
SUMMARY_QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass(frozen=True)
class _Peers:
    """One indicator's value and standing for every evidence asset (columns)."""

    value: np.ndarray
    valid: np.ndarray
    cohort: GroupColumns
    file: GroupColumns


@dataclass(frozen=True)
class PortfolioEvidence:
    """The prepared portfolio and its evidence, kept as columns.

    Attributes
    ----------
    case : PortfolioCase
        The portfolio to value: legal terms filled where the case gives none (case values never
        replaced), open Q values of quality ratios filled, header ``patent_evidence`` removed
        (the evidence is read once, here).
    assumptions : tuple of Assumption
        Q values of quality ratios read from the file (``assets.<i>.approaches.<j>…``).
    warnings : tuple of ValuationWarning
        File-level warnings (provenance, data cutoff look-ahead), once for the portfolio.
    assets : ndarray of int
        Indices of the assets with evidence (those naming their patent), ascending.
    """

    case: PortfolioCase
    assumptions: tuple[Assumption, ...]
    warnings: tuple[ValuationWarning, ...]
    assets: np.ndarray
    data: IndicatorFile | None
    rows: np.ndarray  # indicators row per evidence asset (-1 without indicators)
    quality_indicator: str
    expiry: np.ndarray  # days since epoch, per evidence asset (NaT → -1 with expiry_ok)
    expiry_ok: np.ndarray
    legal_years: np.ndarray  # NaN where no expiry
    filled: np.ndarray  # bool per evidence asset
    look_ahead: np.ndarray  # bool: granted after the valuation date
    window_open: np.ndarray  # bool: window_complete false
    mismatches: Mapping[int, tuple[str, ...]]  # by position in ``assets``
    cycle: CycleTimeFile | None
    cycle_rows: tuple[Mapping[str, object] | None, ...]  # per evidence asset
    cycle_how: tuple[str, ...]
    life_flag: np.ndarray  # bool: economic_life_beyond_cycle_time (worded when read)
    valuation_date: dt.date
    labels: Callable[[int], str]

    # -- columns built on first read ------------------------------------------------------
    @cached_property
    def _columns(self) -> dict[str, Any]:
        """Numeric columns and cohort codes of the file (cohorts dictionary-encoded)."""
        assert self.data is not None
        codes = None
        if self.data.cohorts is not None:
            enc = pc.dictionary_encode(self.data.cohorts).combine_chunks()
            codes = np.asarray(
                pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64
            )
        return {"codes": codes}

    def _peers_of(self, name: str) -> _Peers:
        cache: dict[str, _Peers] = self.__dict__.setdefault("_peer_cache", {})
        got = cache.get(name)
        if got is None:
            assert self.data is not None
            col = self.data.numbers[name]
            got = cache[name] = _Peers(
                *group_stats_many(col.values, col.valid, self._columns["codes"], self.rows)
            )
        return got

    @property
    def indicators(self) -> tuple[str, ...]:
        """Columns compared with peers, in display order (as for a single case)."""
        if self.data is None:
            return ()
        names = [k for k in INDICATORS if k in self.data.numbers]
        if self.quality_indicator not in names:
            names.append(self.quality_indicator)
        return tuple(names)

    def _unit(self, name: str) -> str:
        return INDICATORS.get(name, "quality score (patent_evidence.quality_indicator)")

    # -- per asset, built when read -------------------------------------------------------
    def peers(self, k: int) -> tuple[PeerRow, ...]:
        """Peer table of evidence asset ``k`` (position in :attr:`assets`)."""
        out = []
        for name in self.indicators:
            p = self._peers_of(name)
            value = float(p.value[k]) if p.valid[k] else None
            out.append(PeerRow(name, self._unit(name), value, p.cohort.at(k), p.file.at(k)))
        return tuple(out)

    def asset_warnings(self, k: int) -> list[ValuationWarning]:
        """Evidence warnings of evidence asset ``k``, worded as for the single case (in its
        order; file-level warnings are the portfolio's, once)."""
        out = []
        pid = self._pid(k) if self.data is not None else ""  # no indicators: no id
        if self.look_ahead[k]:
            grant = self._date("grant_date", k)
            out.append(
                ValuationWarning(
                    "evidence_look_ahead",
                    f"patent {pid} was granted on {grant}, after the case valuation date "
                    f"{self.valuation_date}",
                )
            )
        if self.window_open[k]:
            assert self.data is not None
            out.append(
                ValuationWarning(
                    "citation_window_incomplete",
                    f"patent {pid}: the 5-year forward-citation window is not complete in "
                    f"{self.data.info.path} (window_complete false): fwd_cits5 understates its "
                    "citations",
                )
            )
        out += [
            ValuationWarning("legal_term_mismatch", f"patent {pid}: {m}")
            for m in self.mismatches.get(k, ())
        ]
        if self.life_flag[k]:
            row = self.cycle_rows[k]
            assert row is not None
            it = self.case.assets[int(self.assets[k])]
            q3, code = float(row["q3"]), str(row["code"])  # type: ignore[arg-type]
            one = _Life(it.asset, it.approaches, self.valuation_date)
            out += _life_check(one, q3, code)  # type: ignore[arg-type]
        return out

    @cached_property
    def warning_counts(self) -> np.ndarray:
        """Evidence warnings per evidence asset (columns, without wording them)."""
        counts = self.look_ahead.astype(np.int64) + self.window_open.astype(np.int64)
        for k, ms in self.mismatches.items():
            counts[k] += len(ms)
        return counts + self.life_flag.astype(np.int64)

    def asset_assumptions(self, k: int) -> list[Assumption]:
        """Assumptions of evidence asset ``k`` named ``assets.<i>.…`` as in the single case:
        its indicators, a filled legal term, its cycle-time quartiles."""
        i = int(self.assets[k])
        out = []
        data = self.data
        if data is not None:
            src = _source(data.info, f"row patent_id {self._pid(k)}")
            when = _source_date(data.info)
            base = "low: provenance unknown" if data.info.provenance is None else None
            for pr in self.peers(k):
                conf = base
                if pr.indicator == "fwd_cits5" and self.window_open[k]:
                    conf = "low: citation window incomplete"
                out.append(
                    Assumption(
                        f"assets.{i}.patent.{pr.indicator}", pr.value, pr.unit, src, when, conf
                    )
                )
            if self.filled[k]:
                out.append(self._legal_assumption(k))
        out += self._cycle_assumptions(k)
        return out

    def _legal_assumption(self, k: int) -> Assumption:
        assert self.data is not None
        i = int(self.assets[k])
        expiry = self._date("expiry_date", k)
        return Assumption(
            f"assets.{i}.asset.remaining_legal_term_years",
            float(self.legal_years[k]),
            "years",
            _source(
                self.data.info,
                f"expiry_date {expiry} of patent_id {self._pid(k)}: "
                f"(expiry − valuation date {self.valuation_date}) days / 365.25",
            ),
            _source_date(self.data.info),
            "low: provenance unknown" if self.data.info.provenance is None else None,
        )

    def _cycle_assumptions(self, k: int) -> list[Assumption]:
        row = self.cycle_rows[k] if self.cycle is not None else None
        if row is None or self.cycle is None:
            return []
        i = int(self.assets[k])
        how = self.cycle_how[k]
        what = (
            f"row {row['scheme']} {row['code']} (n_ages {row['n_ages']:g}; {how})"
            if isinstance(row["n_ages"], float)
            else f"row {row['scheme']} {row['code']} ({how})"
        )
        info = self.cycle.info
        src, when = _source(info, what), _source_date(info)
        conf = "low: provenance unknown" if info.provenance is None else None
        return [
            Assumption(
                f"assets.{i}.patent.cycle_time.{q}", _scalar(row[q]), "years", src, when, conf
            )
            for q in ("q1", "q2", "q3")
        ]

    def row(self, k: int) -> dict[str, Scalar]:
        """The evidence asset's line of the ``patent_evidence`` trace step."""
        i = int(self.assets[k])
        out: dict[str, Scalar] = {"asset": self.labels(i), "index": i}
        if self.data is not None:
            q = self._peers_of(self.quality_indicator)
            out.update(
                {
                    "patent_id": self._pid(k),
                    "cohort": self._taken("cohort")[k],
                    "expiry_date": self._iso("expiry_date", k),
                    "legal_term_years_at_valuation_date": _num(self.legal_years[k]),
                    "legal_term_filled": bool(self.filled[k]),
                    self.quality_indicator: float(q.value[k]) if q.valid[k] else None,
                    "quality_cohort_percentile": _num(q.cohort.percentile[k]),
                    "quality_file_percentile": _num(q.file.percentile[k]),
                }
            )
        row = self.cycle_rows[k] if self.cycle is not None else None
        if row is not None:
            out.update(
                {
                    "cycle_time.scheme": str(row["scheme"]),
                    "cycle_time.code": str(row["code"]),
                    "cycle_time.q1": _scalar(row["q1"]),
                    "cycle_time.q2": _scalar(row["q2"]),
                    "cycle_time.q3": _scalar(row["q3"]),
                }
            )
        out["warnings"] = ", ".join(w.code for w in self.asset_warnings(k)) or None
        return out

    # -- helpers ---------------------------------------------------------------------------
    def _taken(self, name: str) -> list[Any]:
        """Column ``name`` (ids, cohorts, dates) at the evidence rows as a list, once."""
        cache: dict[str, list[Any]] = self.__dict__.setdefault("_taken_cache", {})
        got = cache.get(name)
        if got is None:
            assert self.data is not None
            idx = pa.array(self.rows, type=pa.int64())
            col = {"patent_id": self.data.ids, "cohort": self.data.cohorts}.get(name)
            if col is None:
                col = self.data.dates.get(name)
            if col is None:
                got = [None] * len(self.rows)
            else:
                got = col.take(idx).to_pylist()
                if name in ("grant_date", "filing_date", "expiry_date"):
                    got = [v.date() if isinstance(v, dt.datetime) else v for v in got]
            cache[name] = got
        return got

    def _pid(self, k: int) -> str:
        return str(self._taken("patent_id")[k])

    def _date(self, name: str, k: int) -> dt.date | None:
        return self._taken(name)[k]

    def _iso(self, name: str, k: int) -> str | None:
        d = self._date(name, k)
        return d.isoformat() if d else None

    # -- summary ---------------------------------------------------------------------------
    def summary(self) -> dict[str, Scalar]:
        """Counts of the portfolio's evidence and the spread of the quality percentiles."""
        n_assets = len(self.case.assets)
        out: dict[str, Scalar] = {
            "assets": n_assets,
            "assets_with_evidence": len(self.assets),
            "assets_without_evidence": n_assets - len(self.assets),
            "legal_term_filled": int(self.filled.sum()),
            "legal_term_from_case": int(len(self.assets) - self.filled.sum())
            if self.data is not None
            else 0,
        }
        codes: dict[str, int] = {}
        for name, flags in (
            ("evidence_look_ahead", self.look_ahead),
            ("citation_window_incomplete", self.window_open),
        ):
            if flags.any():
                codes[name] = int(flags.sum())
        mism = sum(len(v) for v in self.mismatches.values())
        if mism:
            codes["legal_term_mismatch"] = mism
        if self.life_flag.any():
            codes["economic_life_beyond_cycle_time"] = int(self.life_flag.sum())
        for w in self.warnings:
            codes[w.code] = codes.get(w.code, 0) + 1
        out["warnings_by_code"] = ", ".join(f"{c} {m}" for c, m in sorted(codes.items())) or None
        for c, m in sorted(codes.items()):
            out[f"warnings.{c}"] = m
        if self.data is not None:
            q = self._peers_of(self.quality_indicator)
            out["quality_indicator"] = self.quality_indicator
            out["percentile_convention"] = PERCENTILE_CONVENTION
            for which, col in (("cohort", q.cohort.percentile), ("file", q.file.percentile)):
                x = col[np.isfinite(col)]
                out[f"quality_{which}_percentile.n"] = int(x.size)
                for p in SUMMARY_QUANTILES:
                    out[f"quality_{which}_percentile.p{round(p * 100)}"] = (
                        float(np.quantile(x, p)) if x.size else None
                    )
        return out


def _scalar(x: object) -> float | None:
    return float(x) if isinstance(x, int | float) else None


def _num(x: float) -> float | None:
    return None if x != x else float(x)


def _days(col: pa.ChunkedArray | None, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (since 1970-01-01) of ``rows`` of a date/timestamp column, and validity."""
    if col is None:
        return np.zeros(len(rows), dtype=np.int64), np.zeros(len(rows), dtype=bool)
    taken = col.take(pa.array(rows, type=pa.int64()))
    if pa.types.is_timestamp(taken.type):
        taken = pc.cast(taken, pa.date32())
    ok = np.asarray(pc.is_valid(taken).to_numpy(zero_copy_only=False), dtype=bool)
    days = np.asarray(
        pc.fill_null(pc.cast(taken, pa.int32()), 0).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    return days, ok


def _find_rows(data: IndicatorFile, wanted: list[str], assets: list[int]) -> np.ndarray:
    """Row of every wanted patent id: one hash lookup; absent or repeated ids are errors naming
    the asset (``assets.<i>.patent_evidence.patent_id``)."""
    ids = data.ids.combine_chunks() if isinstance(data.ids, pa.ChunkedArray) else data.ids
    want = pa.array(wanted, type=pa.string())
    at = pc.index_in(want, value_set=ids)
    missing = pc.is_null(at)
    if pc.any(missing).as_py():
        k = int(pc.indices_nonzero(missing)[0].as_py())
        raise InputError(
            f"assets.{assets[k]}.patent_evidence.patent_id",
            f"{wanted[k]!r} is not a patent_id of {data.info.path}",
        )
    rows = np.asarray(at.to_numpy(zero_copy_only=False), dtype=np.intp)
    # repeated ids: the file rows holding a wanted id outnumber the distinct wanted ids
    hit = pc.is_in(ids, value_set=pc.unique(want))
    if pc.sum(hit).as_py() > len(np.unique(rows)):
        counts = pc.value_counts(ids.filter(hit))
        dup = {c["values"] for c in counts.to_pylist() if c["counts"] > 1}
        k = next(k for k, w in enumerate(wanted) if w in dup)
        where = np.flatnonzero(
            np.asarray(pc.equal(ids, wanted[k]).to_numpy(zero_copy_only=False), dtype=bool)
        )
        shown = ", ".join(str(h + 1) for h in where[:5].tolist())
        raise InputError(
            f"assets.{assets[k]}.patent_evidence.patent_id",
            f"{wanted[k]!r} appears {where.size} times in {data.info.path} (data rows {shown})",
        )
    return rows


def _reprefix(exc: InputError, i: int) -> InputError:
    return InputError(f"assets.{i}.{exc.field}", exc.rule)


def prepare_portfolio(case: PortfolioCase) -> PortfolioEvidence:
    """Read the portfolio's evidence files once and prepare every asset's evidence.

    Raises
    ------
    InputError
        A file missing or malformed (``patent_evidence.indicators_file`` /
        ``…cycle_time_file``); an asset's patent absent or repeated in the file
        (``assets.<i>.patent_evidence.patent_id``); no cycle-time row for an asset
        (``assets.<i>.patent_evidence.cycle_time_code``); an open Q of a quality ratio that
        cannot be read (``assets.<i>.approaches.<j>…``).
    """
    pe = case.patent_evidence
    assert pe is not None
    vdate = case.valuation_date
    items = case.assets
    with_ev = [i for i, it in enumerate(items) if it.patent_evidence is not None]
    idx = np.array(with_ev, dtype=np.intp)
    m = len(with_ev)
    warnings: list[ValuationWarning] = []
    data: IndicatorFile | None = None
    rows = np.full(m, -1, dtype=np.intp)
    legal = np.full(m, np.nan)
    filled = np.zeros(m, dtype=bool)
    look_ahead = np.zeros(m, dtype=bool)
    window_open = np.zeros(m, dtype=bool)
    expiry_days, expiry_ok = np.zeros(m, dtype=np.int64), np.zeros(m, dtype=bool)
    mismatches: dict[int, tuple[str, ...]] = {}
    new_items = list(items)
    if pe.indicators_file is not None:
        data = _read_indicators(pe.indicators_file, pe.quality_indicator)
        warnings += _file_warnings(
            data.info, "patent_evidence.indicators_file", "indicators", vdate
        )
        wanted = [
            str(items[i].patent_evidence.patent_id).strip()  # type: ignore[union-attr]
            for i in with_ev
        ]
        if m:
            rows = _find_rows(data, wanted, with_ev)
        epoch = (vdate - dt.date(1970, 1, 1)).days
        grant, grant_ok = _days(data.dates.get("grant_date"), rows)
        look_ahead = grant_ok & (grant > epoch)
        if data.window_complete is not None and m:
            w = data.window_complete.take(pa.array(rows, type=pa.int64()))
            window_open = np.asarray(
                pc.fill_null(pc.invert(w), False).to_numpy(zero_copy_only=False), dtype=bool
            )
        expiry_days, expiry_ok = _days(data.dates.get("expiry_date"), rows)
        # the single case's rule, column-wise: max(0, (expiry − valuation date) days / 365.25)
        legal = np.where(expiry_ok, np.maximum(0.0, (expiry_days - epoch) / DAYS_PER_YEAR), np.nan)
        ev_fields = [vars(items[i].asset) for i in with_ev]  # validated models: __dict__
        terms = [f["remaining_legal_term_years"] for f in ev_fields]
        statuses = [f["legal_status"] for f in ev_fields]
        open_term = np.fromiter((t is None for t in terms), dtype=bool, count=m)
        case_expiry = np.fromiter(
            (ls is not None and ls.expiry_date is not None for ls in statuses), dtype=bool, count=m
        )
        filled = open_term & ~case_expiry & expiry_ok
        # case values to compare (the single case's comparison, word for word): few assets
        for k in np.flatnonzero(
            ~open_term | np.fromiter((ls is not None for ls in statuses), dtype=bool, count=m)
        ).tolist():
            r = int(rows[k])
            lt = legal_term(
                items[with_ev[k]].asset,
                vdate,
                data.date_at("expiry_date", r),
                data.date_at("filing_date", r),
                data.date_at("grant_date", r),
            )
            if lt.mismatches:
                mismatches[k] = lt.mismatches
        for k, term in zip(np.flatnonzero(filled).tolist(), legal[filled].tolist(), strict=True):
            i = with_ev[k]
            it = items[i]
            asset = _with(it.asset, remaining_legal_term_years=term)
            new_items[i] = _with(it, asset=asset)
    cycle: CycleTimeFile | None = None
    cycle_rows: list[Mapping[str, object] | None] = [None] * m
    cycle_how = [""] * m
    if pe.cycle_time_file is not None:
        cycle = _read_cycle_times(pe.cycle_time_file)
        warnings += _file_warnings(
            cycle.info, "patent_evidence.cycle_time_file", "cycle_time", vdate
        )
        chosen: dict[tuple[Any, ...], tuple[Mapping[str, object], str]] = {}
        for k, i in enumerate(with_ev):
            it = items[i]
            code = it.patent_evidence.cycle_time_code or pe.cycle_time_code  # type: ignore[union-attr]
            classes = it.asset.classes
            key = (code, tuple((c.scheme, c.code) for c in classes) if classes else ())
            got = chosen.get(key)
            if got is None:
                try:
                    got = chosen[key] = pick_row(
                        cycle.rows, code, it.asset.classes, cycle.info.path
                    )
                except InputError as exc:
                    raise _reprefix(exc, i) from None
            cycle_rows[k], cycle_how[k] = got
    assumptions: list[Assumption] = []
    for i, it in enumerate(new_items):
        if not any(
            isinstance(a, MarketComparables) and a.quality_adjustment == "ratio"
            for a in it.approaches
        ):
            continue
        k = int(np.searchsorted(idx, i)) if m else 0
        has = data is not None and k < m and with_ev[k] == i
        lookup = None
        if has and data is not None:
            single = PatentEvidence(
                indicators_file=pe.indicators_file,
                patent_id=wanted[k],
                quality_indicator=pe.quality_indicator,
            )
            lookup = _lookup(data, int(rows[k]), single)
        col = pe.quality_indicator if has else "quality_score"
        apps = list(it.approaches)
        for j, a in enumerate(apps):
            if isinstance(a, MarketComparables) and a.quality_adjustment == "ratio":
                try:
                    apps[j], qa = fill_quality(a, f"assets.{i}.approaches.{j}.", lookup, col)
                except InputError as exc:
                    f = exc.field if exc.field.startswith("assets.") else f"assets.{i}.{exc.field}"
                    raise InputError(f, exc.rule) from None
                assumptions += qa
        if apps != list(it.approaches):
            new_items[i] = it.model_copy(update={"approaches": apps})
    prepared = case.model_copy(update={"assets": new_items, "patent_evidence": None})
    life_flag = np.zeros(m, dtype=bool)
    if cycle is not None and m:
        life_flag = _beyond_cycle_time(new_items, with_ev, cycle_rows, vdate)

    def label(i: int) -> str:
        a = items[i].asset
        return str(a.id or a.name)

    return PortfolioEvidence(
        prepared,
        tuple(assumptions),
        tuple(warnings),
        idx,
        data,
        rows,
        pe.quality_indicator,
        expiry_days,
        expiry_ok,
        legal,
        filled,
        look_ahead,
        window_open,
        mismatches,
        cycle,
        tuple(cycle_rows),
        tuple(cycle_how),
        life_flag,
        vdate,
        label,
    )


def _with(model: Any, **update: Any) -> Any:
    """``model.model_copy(update=update)`` without its deep bookkeeping: a frozen validated
    model's fields live in ``__dict__``; 100,000 copies cost 0.2 s instead of 2.6 s."""
    new = model.__class__.__new__(model.__class__)
    object.__setattr__(new, "__dict__", {**model.__dict__, **update})
    object.__setattr__(
        new, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys()
    )
    object.__setattr__(new, "__pydantic_extra__", model.__pydantic_extra__)
    object.__setattr__(new, "__pydantic_private__", model.__pydantic_private__)
    return new


def _beyond_cycle_time(
    items: list[Any],
    with_ev: list[int],
    cycle_rows: list[Mapping[str, object] | None],
    vdate: dt.date,
) -> np.ndarray:
    """Which evidence assets get ``economic_life_beyond_cycle_time``: the rule of the single
    case (:func:`~ipvalue.evidence._apply._life_check`) on columns — income period (shorter of
    legal term and economic life) beyond the row's Q3 for an asset with an income approach, or
    no cap and an income approach with a terminal value. The message is worded when read by
    that same function."""
    from ipvalue.valuation.resolve import remaining_legal_term

    m = len(with_ev)
    assets = [items[i].asset for i in with_ev]
    fields = list(map(vars, assets))
    legal = np.full(m, np.nan)
    for k, f in enumerate(fields):
        t = f["remaining_legal_term_years"]
        if t is not None:
            legal[k] = t
        elif f["legal_status"] is not None:  # an expiry date in the case (rare): as resolved
            x, _ = remaining_legal_term(assets[k], vdate)
            legal[k] = np.nan if x is None else x
    econ = np.array(
        [np.nan if f["economic_life_years"] is None else f["economic_life_years"] for f in fields]
    )
    life = np.where(np.isnan(econ) | (legal <= econ), legal, econ)
    q3 = np.array([float(r["q3"]) for r in cycle_rows])  # type: ignore[arg-type,index]
    income_of: dict[tuple[type, ...], bool] = {}
    income = np.zeros(m, dtype=bool)
    for k, i in enumerate(with_ev):
        apps = items[i].approaches
        key = tuple(map(type, apps))
        got = income_of.get(key)
        if got is None:
            got = income_of[key] = any(a.family == "income" for a in apps)
        income[k] = got
    flag = income & ~np.isnan(life) & (life > q3)
    for k in np.flatnonzero(income & np.isnan(life)).tolist():
        flag[k] = any(
            getattr(a, "terminal_growth", None) is not None
            for a in items[with_ev[k]].approaches
            if a.family == "income"
        )
    return flag


@dataclass(frozen=True)
class _Life:
    """What :func:`_life_check` reads of a case: the asset, its approaches, the date."""

    asset: Any
    approaches: Any
    valuation_date: dt.date


def attach_portfolio(valuation: Valuation, ev: PortfolioEvidence) -> Valuation:
    """``valuation`` with the portfolio's evidence: file-level warnings, then each evidence
    asset's warnings (``<asset id>: …``, in asset order, worded when read), then the
    valuation's own; the Q assumptions; the trace steps ``patent_evidence`` (summary and
    provenance; one row per evidence asset), ``patent_evidence.peers`` (one row per asset and
    indicator) and ``patent_evidence.assumptions`` (each asset's evidence assumptions), all
    built when read. A legal term the evidence filled replaces the engine's "case file" entry.
    """
    m = len(ev.assets)
    counts = ev.warning_counts.tolist()
    flagged = [k for k in range(m) if counts[k]]
    per = [counts[k] for k in flagged]

    def asset_warning(g: int, j: int) -> ValuationWarning:
        k = flagged[g]
        w = ev.asset_warnings(k)[j]
        return ValuationWarning(w.code, f"{ev.labels(int(ev.assets[k]))}: {w.message}")

    def all_asset_warnings() -> Any:
        for k in flagged:
            lab = ev.labels(int(ev.assets[k]))
            for w in ev.asset_warnings(k):
                yield ValuationWarning(w.code, f"{lab}: {w.message}")

    mine = flat_lazy(per, asset_warning, all_asset_warnings) if flagged else ()
    head = tuple(ev.warnings)
    rest = valuation.warnings
    parts: list[Any] = [head, mine, rest]
    sizes = [len(p) for p in parts]
    warnings = flat_lazy(sizes, lambda g, k: parts[g][k], lambda: (w for p in parts for w in p))
    filled_names = {
        f"assets.{int(ev.assets[k])}.asset.remaining_legal_term_years"
        for k in np.flatnonzero(ev.filled).tolist()
    }
    assumptions = (
        *ev.assumptions,
        *(a for a in valuation.assumptions if a.name not in filled_names),
    )
    detail: dict[str, Scalar] = ev.summary()
    if ev.data is not None:
        detail.update(_provenance_detail("indicators.", ev.data.info))
        detail["file_rows"] = ev.data.n
        detail["absent_indicators"] = (
            ", ".join(k for k in INDICATORS if k not in ev.data.numbers) or None
        )
        detail["legal_term_tolerance_years"] = TOLERANCE_YEARS
    if ev.cycle is not None:
        detail.update(_provenance_detail("cycle_time.", ev.cycle.info))
    names = ev.indicators

    def peer_row(k: int, j: int) -> dict[str, Scalar]:
        p = ev._peers_of(names[j])
        value = float(p.value[k]) if p.valid[k] else None
        pr = PeerRow(names[j], ev._unit(names[j]), value, p.cohort.at(k), p.file.at(k))
        return {"asset": ev.labels(int(ev.assets[k])), **pr.as_row()}

    def assumption_rows() -> Any:
        # column-wise: the indicator values as lists once, the source text split around the
        # patent id (the same text as _source), cycle-time rows shared by their assets
        data = ev.data
        cols: list[tuple[str, str, list[Any]]] = []
        head = tail = ""
        when = base = None
        if data is not None:
            head, _, tail = _source(data.info, "row patent_id \0").partition("\0")
            when = _source_date(data.info)
            base = "low: provenance unknown" if data.info.provenance is None else None
            for name in names:
                p = ev._peers_of(name)
                vals = [
                    x if ok else None
                    for x, ok in zip(p.value.tolist(), p.valid.tolist(), strict=True)
                ]
                cols.append((name, ev._unit(name), vals))
        cycle_cache: dict[tuple[int, str], list[Assumption]] = {}
        for k in range(m):
            i = int(ev.assets[k])
            if data is not None:
                src = f"{head}{ev._pid(k)}{tail}"
                for name, unit, vals in cols:
                    conf = base
                    if name == "fwd_cits5" and ev.window_open[k]:
                        conf = "low: citation window incomplete"
                    yield {
                        "name": f"assets.{i}.patent.{name}",
                        "value": vals[k],
                        "unit": unit,
                        "source": src,
                        "source_date": when,
                        "confidence": conf,
                    }
                if ev.filled[k]:
                    yield dict(ev._legal_assumption(k).__dict__)
            row = ev.cycle_rows[k] if ev.cycle is not None else None
            if row is not None:
                key = (id(row), ev.cycle_how[k])  # the source names how the row was chosen
                shared = cycle_cache.get(key)
                if shared is None:
                    shared = cycle_cache[key] = ev._cycle_assumptions(k)
                for a in shared:
                    yield {**a.__dict__, "name": f"assets.{i}.{a.name.split('.', 2)[2]}"}

    def assumption_at(k: int, j: int) -> dict[str, Scalar]:
        return dict(ev.asset_assumptions(k)[j].__dict__)

    def all_peer_rows() -> Any:
        # column-wise: each indicator's columns turned into lists once
        cols = []
        for name in names:
            p = ev._peers_of(name)
            cols.append(
                (
                    name,
                    ev._unit(name),
                    *(
                        [None if x != x else x for x in a.tolist()]
                        for a in (
                            np.where(p.valid, p.value, np.nan),
                            p.cohort.percentile,
                            p.cohort.median,
                            p.file.percentile,
                            p.file.median,
                        )
                    ),
                    p.cohort.n.tolist(),
                    p.file.n.tolist(),
                )
            )
        for k in range(m):
            label = ev.labels(int(ev.assets[k]))
            for name, unit, val, cp, cm, fp, fm, cn, fn in cols:
                yield {
                    "asset": label,
                    "indicator": name,
                    "unit": unit,
                    "value": val[k],
                    "cohort_percentile": cp[k],
                    "cohort_n": cn[k],
                    "cohort_median": cm[k],
                    "file_percentile": fp[k],
                    "file_n": fn[k],
                    "file_median": fm[k],
                }

    per_asset = len(names) + (3 if ev.cycle is not None else 0)
    a_counts = [per_asset + int(ev.filled[k]) for k in range(m)]
    steps = (
        TraceStep(step="patent_evidence", detail=detail, rows=LazySequence(m, ev.row)),
        TraceStep(
            step="patent_evidence.peers",
            detail={
                "percentile_convention": PERCENTILE_CONVENTION,
                "indicators": ", ".join(names) or None,
            },
            rows=flat_lazy([len(names)] * m, peer_row, all_peer_rows) if names else (),
        ),
        TraceStep(
            step="patent_evidence.assumptions",
            rows=flat_lazy(a_counts, assumption_at, assumption_rows) if m else (),
        ),
    )
    return dataclasses.replace(
        valuation, assumptions=assumptions, warnings=warnings, trace=(*steps, *valuation.trace)
    )


def value_portfolio_with_evidence(
    case: PortfolioCase, run: Callable[[PortfolioCase], Valuation]
) -> Valuation:
    """``run`` on the prepared portfolio, with the evidence attached to its result.

    The cyclic garbage collector is paused meanwhile (as for the portfolio pass): a large
    portfolio holds millions of objects, and the copies of the filled assets would otherwise
    trigger full collections that traverse them all (8 s of 12 s at 100,000 assets).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        ev = prepare_portfolio(case)
        return attach_portfolio(run(ev.case), ev)
    finally:
        if enabled:
            gc.enable()
