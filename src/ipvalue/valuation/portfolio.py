"""Portfolio valuation vectorised across assets, with an optional synergy adjustment.

Approaches of the same method and the same structure (forecast shape, conventions, flags) are
stacked across assets: their parameters become arrays of shape ``(assets,)`` and each kernel is
called once per group, never once per asset. Because every evaluate function is elementwise
over its leading axis, each asset's value equals the value of that asset valued alone.
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ipvalue.core.errors import InputError
from ipvalue.model.case import ValuationCase
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import (
    ApproachValue,
    AssetResult,
    Assumption,
    LazySequence,
    TraceStep,
    Valuation,
    ValuationWarning,
    ValueRange,
    flat_lazy,
)
from ipvalue.valuation.reconcile import Divergence, default_weights, divergences
from ipvalue.valuation.resolve import ResolvedApproach


def asset_case(case: PortfolioCase, index: int) -> ValuationCase:
    """The single-asset case of portfolio asset ``index`` (same header, no synergy).

    With patent evidence, the header's files and the item's ``patent_id`` /
    ``cycle_time_code`` (the item's code overriding the header's) form the single case's
    ``patent_evidence``; an asset that names no patent gets none.
    """
    header = case.model_dump(exclude={"assets", "synergy", "patent_evidence"}, exclude_none=True)
    item = case.assets[index]
    if case.patent_evidence is not None and item.patent_evidence is not None:
        header["patent_evidence"] = {
            **case.patent_evidence.model_dump(exclude_none=True),
            **item.patent_evidence.model_dump(exclude_none=True),
        }
    return ValuationCase.model_validate(
        {
            **header,
            "asset": item.asset.model_dump(exclude_none=True),
            "approaches": [a.model_dump(exclude_none=True) for a in item.approaches],
        }
    )


@dataclass
class _Columns:
    """Per-asset approach results as ``(assets, max approaches)`` arrays: value, own range
    (``has_range`` False where the approach has none), reconciliation weight."""

    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    has_range: np.ndarray
    weight: np.ndarray


def _aid(assets: Any, i: int) -> str:
    a = assets[i].asset
    return str(a.id or a.name)


class _Ready(list[ValuationWarning]):
    """Warnings already built (few): a segment of the portfolio's lazy warning list."""

    def item(self, k: int) -> ValuationWarning:
        return self[k]

    def all(self) -> list[ValuationWarning]:
        return self


@dataclass(frozen=True)
class _LifeCaps:
    """The ``life_cap`` warnings of one group, kept as columns and worded when read.

    A 100,000-asset portfolio may have tens of thousands of them; like the per-asset results,
    each is built when read (the CLI and the JSON read them all), not during the pass.
    """

    at: np.ndarray  # (m, 2): asset, approach position; in asset order
    lives: np.ndarray  # (m,) income-period cap in years, each < horizon
    horizon: int
    batch: Any
    assets: Any

    def __len__(self) -> int:
        return len(self.lives)

    def _word(self, i: int, j: int, life: float) -> ValuationWarning:
        # worded as for a single asset (outcome_warnings), after the asset's label
        src = self.batch.life_sources
        return ValuationWarning(
            "life_cap",
            f"{_aid(self.assets, i)}: {self.batch.meta[i][j].name}: income period capped at "
            f"{life:.2f} years ({'remaining legal term' if src is None else src[i]}) of the "
            f"{self.horizon}-year forecast",
        )

    def item(self, k: int) -> ValuationWarning:
        i, j = self.at[k].tolist()
        return self._word(i, j, float(self.lives[k]))

    def all(self) -> list[ValuationWarning]:
        return [
            self._word(i, j, life)
            for (i, j), life in zip(self.at.tolist(), self.lives.tolist(), strict=True)
        ]


_Segment = _Ready | _LifeCaps


def _terminal_warnings(grp: Any, out: Any, batch: Any, assets: Any) -> _Ready:
    """Terminal-value share and narrow-spread warnings per asset, worded as for a single asset
    (:func:`ipvalue.valuation._engine_trace.outcome_warnings`), in asset order."""
    from ipvalue.core.settings import get_settings
    from ipvalue.valuation._engine_trace import _FINITE_IP

    if getattr(grp.template.model, "terminal_growth", None) is None:
        return _Ready()
    at, _, lives = grp.arrays
    found: list[tuple[int, ValuationWarning]] = []
    # what the terminal value means given the asset's life, as for a single asset
    if lives is not None:
        for (i, j), life in zip(at.tolist(), lives.tolist(), strict=True):
            found.append(
                (
                    i,
                    ValuationWarning(
                        "terminal_value_to_life",
                        f"{_aid(assets, i)}: {batch.meta[i][j].name}: the terminal value is a "
                        f"growing annuity up to the {life:.2f}-year life, not a perpetuity",
                    ),
                )
            )
    else:
        for i, j in at.tolist():
            a = assets[i].asset
            if not a.renewable and a.type in _FINITE_IP:
                found.append(
                    (
                        i,
                        ValuationWarning(
                            "perpetual_terminal_value",
                            f"{_aid(assets, i)}: {batch.meta[i][j].name}: a perpetual terminal "
                            f"value on a {a.type} with no legal term or economic life; give "
                            "asset.remaining_legal_term_years / economic_life_years or set "
                            "asset.renewable if follow-on rights are asserted",
                        ),
                    )
                )
    if out.tv_share is None:
        return _Ready(w for _, w in sorted(found, key=lambda x: x[0]))
    st = get_settings()
    share, spread = np.asarray(out.tv_share), np.asarray(out.spread)
    for r in np.flatnonzero(np.isfinite(share) & (share > st.terminal_value_share_warning)):
        i, j = at[r].tolist()
        found.append(
            (
                i,
                ValuationWarning(
                    "terminal_value_share",
                    f"{_aid(assets, i)}: {batch.meta[i][j].name}: the terminal value is "
                    f"{share[r]:.1%} of the value (warning above "
                    f"{st.terminal_value_share_warning:.0%})",
                ),
            )
        )
    for r in np.flatnonzero(np.isfinite(spread) & (spread < st.rate_growth_spread_warning)):
        i, j = at[r].tolist()
        found.append(
            (
                i,
                ValuationWarning(
                    "narrow_rate_growth_spread",
                    f"{_aid(assets, i)}: {batch.meta[i][j].name}: discount rate − terminal "
                    f"growth = {spread[r]:.2%} (warning below "
                    f"{st.rate_growth_spread_warning:.2%}); the terminal value is very sensitive",
                ),
            )
        )
    return _Ready(w for _, w in sorted(found, key=lambda x: x[0]))


def _life_caps(grp: Any, out: Any, batch: Any, assets: Any) -> _LifeCaps | None:
    """``life_cap`` per asset whose legal term / economic life is shorter than the forecast:
    one comparison on the group's life column; the capped members in asset order.

    The forecast length is the group's (one input structure, one length); a group whose
    outcome carries no yearly rows (regional income without series) reads it from its template
    valued once; methods without yearly flows (cost, market, options) get no warning.
    """
    at, _, lives = grp.arrays
    if lives is None:
        return None
    rows = out.rows
    if not rows:
        from ipvalue.valuation.engine import evaluate_approach

        t = grp.template
        rows = evaluate_approach(t, t.params, 1, invalid="nan").rows
        if not rows:
            return None
    horizon = int(next(iter(rows.values())).shape[-1])
    capped = np.flatnonzero(lives < horizon)
    if not capped.size:
        return None
    capped = capped[np.argsort(at[capped, 0], kind="stable")]
    return _LifeCaps(at[capped], lives[capped], horizon, batch, assets)


def _evaluate_groups(batch: Any, assets: Any) -> tuple[_Columns, list[TraceStep], list[_Segment]]:
    """One kernel call per group; values scattered back to (asset, approach position)."""
    from ipvalue.valuation.engine import evaluate_approach

    shape = (len(batch.meta), max(map(len, batch.meta)))
    cols = _Columns(
        np.full(shape, np.nan),
        np.full(shape, np.nan),
        np.full(shape, np.nan),
        np.zeros(shape, dtype=bool),
        np.full(shape, np.nan),
    )
    steps = []
    warnings: list[_Segment] = []
    for grp in batch.groups:
        at, table, lives = grp.arrays
        n = len(at)
        params = {p: table[:, k] for k, p in enumerate(grp.paths)}
        settings = dict(grp.template.settings)
        # the members' lives, never the template asset's (a lifeless group has none)
        settings["life_years"] = lives
        stacked = ResolvedApproach(grp.template.model, grp.template.prefix, params, {}, settings)
        out = evaluate_approach(stacked, params, n, invalid="nan", series=False)
        bad = np.flatnonzero(~(out.valid & np.isfinite(out.value)))
        if bad.size:
            ra = grp.member(int(bad[0]))
            evaluate_approach(ra, ra.params, 1)  # raises naming the asset's field
            raise InputError(ra.prefix.rstrip("."), "the inputs give no finite value")
        where = (at[:, 0], at[:, 1])
        cols.value[where] = out.value
        if out.low is not None and out.high is not None:
            cols.low[where] = out.low
            cols.high[where] = out.high
            cols.has_range[where] = True
        # the warnings a single asset gets: life caps, then terminal value, each in asset order
        caps = _life_caps(grp, out, batch, assets)
        if caps is not None:
            warnings.append(caps)
        warnings.append(_terminal_warnings(grp, out, batch, assets))
        steps.append(
            TraceStep(
                step="kernel_call",
                approach=grp.template.model.method,
                detail={"method": grp.template.model.method, "assets": n},
            )
        )
    return cols, steps, warnings


def _synergy_rate(case: PortfolioCase) -> tuple[float, list[Assumption]]:
    if case.synergy is None:
        return 0.0, []
    from ipvalue.model._numbers import Ref

    rate = case.synergy.rate
    if isinstance(rate, Ref):
        from ipvalue.refdata import lookup

        fig = lookup(rate.ref)
        x = fig.as_float()
        src = f"refdata {fig.ref}: {fig.source}"
    elif isinstance(rate, float):
        x, src = rate, "case file"
    else:
        x, src = float(rate.point()), f"case file (distribution {rate.dist}, base point)"
    if not (math.isfinite(x) and x > -1):
        raise InputError("synergy.rate", "must be a finite number > -1")
    return x, [Assumption("synergy.rate", x, "fraction", f"{src}; {case.synergy.rationale}")]


def value_portfolio(case: PortfolioCase, *, framework: Any = None) -> Valuation:
    """Value every asset of a portfolio and the total after synergy.

    Each asset's approaches are reconciled as in a single-asset case (weights given or by
    purpose); the total is ``Σ asset values · (1 + synergy rate)``. Approaches with the same
    input structure are resolved from one template and evaluated in one kernel call, and
    reconciliation runs on arrays, so cost per asset stays small. Per-asset results stay as
    arrays: ``assets``, ``approaches`` and the portfolio trace rows are
    :class:`~ipvalue.model.result.LazySequence` objects that build each item when read (and
    all of them at once when iterated); the JSON is that of the tuples.

    Raises
    ------
    InputError
        As :func:`ipvalue.valuation.engine.value`, naming ``assets.<i>.approaches.<j>...``.
    """
    with _no_gc():
        return _value_portfolio(case, framework)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a large portfolio case holds millions of objects and
    every generation-2 pass would traverse them all while the pass allocates results."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _value_portfolio(case: PortfolioCase, framework: Any) -> Valuation:
    from ipvalue.valuation._portfolio_fast import resolve_portfolio
    from ipvalue.valuation.engine import _refdata_version, _software_version, _threshold

    batch = resolve_portfolio(case, framework=framework)
    cols, steps, group_warnings = _evaluate_groups(batch, case.assets)
    recs = _reconcile_assets(case, batch, cols, _threshold(case))
    from ipvalue.refdata import merge_figure_warnings

    labelled: list[tuple[str, str]] = []
    for i, w in batch.warnings:
        aid = case.assets[i].asset.id or case.assets[i].asset.name
        figure = w.code.startswith("refdata_") or w.code == "fx_date_mismatch"
        # a reference-figure warning names its assets.<i> path: one per figure, not per asset
        labelled.append((w.code, w.message if figure else f"{aid}: {w.message}"))
    # kernel warnings (life cap, terminal value) are never figure warnings: no merging needed
    head = _Ready(ValuationWarning(c, m) for c, m in merge_figure_warnings(labelled))
    concluded, lows, highs, divs = recs
    tail = _Ready()
    for i in sorted(divs):
        aid = case.assets[i].asset.id or case.assets[i].asset.name
        tail.extend(ValuationWarning("approaches_diverge", f"{aid}: {d.message}") for d in divs[i])
    segments: list[_Segment] = [head, *group_warnings, tail]
    warnings = flat_lazy(
        [len(g) for g in segments],
        lambda g, k: segments[g].item(k),
        lambda: (w for g in segments for w in g.all()),
    )
    assets, flat, rows = _lazy_results(case, batch.meta, cols, recs)
    assumptions = list(batch.assumptions)
    rate, syn_assumptions = _synergy_rate(case)
    assumptions.extend(syn_assumptions)
    subtotal = math.fsum(concluded.tolist())
    factor = 1.0 + rate
    total = subtotal * factor
    low = math.fsum(lows.tolist()) * factor
    high = math.fsum(highs.tolist()) * factor
    steps.append(
        TraceStep(
            step="portfolio",
            detail={
                "assets": len(assets),
                "sum_of_assets": subtotal,
                "synergy_rate": rate,
                "total": total,
                "formula": "total = Σ asset values · (1 + synergy rate)",
            },
            rows=rows,
        )
    )
    return Valuation(
        case_id=case.id,
        valuation_date=case.valuation_date,
        value=total,
        currency=case.currency,
        range=ValueRange(min(low, total), max(high, total), "sum_of_assets"),
        approaches=flat,
        assumptions=tuple(assumptions),
        warnings=warnings,
        trace=tuple(steps),
        software_version=_software_version(),
        refdata_version=_refdata_version(),
        assets=assets,
        synergy=subtotal * rate if case.synergy is not None else None,
    )


def _reconcile_assets(
    case: PortfolioCase, batch: Any, cols: _Columns, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, list[Divergence]]]:
    """Reconcile each asset's approaches on arrays, grouping assets with the same approach list.

    Same arithmetic, in the same order, as :func:`ipvalue.valuation.reconcile.reconcile`.
    Fills ``cols.weight``; returns concluded value, low, high per asset and the divergences
    of the assets that have any.
    """
    same: dict[tuple[Any, ...], list[int]] = defaultdict(list)  # by Meta identity: C-level
    for i, metas in enumerate(map(tuple, batch.meta)):
        same[metas].append(i)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for metas, members in same.items():
        key = tuple((m.name, m.family) for m in metas)
        groups[(key, metas[0].weight is not None)].extend(members)
    n = len(batch.meta)
    concluded, lows, highs = np.empty(n), np.empty(n), np.empty(n)
    divs: dict[int, list[Divergence]] = {}
    for (key, given), members in groups.items():
        names = [k for k, _ in key]
        k = len(names)
        idx = np.array(members, dtype=np.intp)
        val = cols.value[idx, :k]
        if given:
            w = np.array(
                [[m.weight for m in batch.meta[i]] for i in members], dtype=np.float64
            ).reshape(len(idx), k)
        else:
            dw, _ = default_weights(dict(key), case.purpose, batch.weights_by_purpose)
            w = np.broadcast_to(np.array([dw[n] for n in names]), (len(idx), k))
        total = np.zeros(len(idx))
        for c in range(k):
            total = total + w[:, c] * val[:, c]
        on = w > 0
        low = np.where(on, val, np.inf).min(axis=1)
        high = np.where(on, val, -np.inf).max(axis=1)
        for c in range(k):
            if cols.has_range[idx[0], c]:
                lo, hi = cols.low[idx, c], cols.high[idx, c]
                low = np.where(on[:, c], np.minimum(low, lo), low)
                high = np.where(on[:, c], np.maximum(high, hi), high)
        total = np.minimum(np.maximum(total, low), high)
        concluded[idx], lows[idx], highs[idx] = total, low, high
        cols.weight[idx, :k] = w
        for r in np.flatnonzero(_divergent(val, threshold)).tolist():
            divs[members[r]] = list(
                divergences(dict(zip(names, val[r].tolist(), strict=True)), threshold)
            )
    return concluded, lows, highs, divs


def _divergent(val: np.ndarray, threshold: float) -> np.ndarray:
    flagged = np.zeros(val.shape[0], dtype=bool)
    for a in range(val.shape[1]):
        for b in range(a + 1, val.shape[1]):
            diff = np.abs(val[:, a] - val[:, b])
            lo = np.minimum(np.abs(val[:, a]), np.abs(val[:, b]))
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(lo > 0, diff / np.where(lo > 0, lo, 1.0), np.inf)
            flagged |= (diff != 0) & (rel > threshold)
    return flagged


def _lazy_results(
    case: PortfolioCase,
    meta: list[list[Any]],
    cols: _Columns,
    recs: tuple[np.ndarray, np.ndarray, np.ndarray, Any],
) -> tuple[LazySequence[AssetResult], LazySequence[ApproachValue], LazySequence[dict[str, Any]]]:
    """Per-asset results, the flat approach list and the trace rows, built from the columns
    when read. Ids are "<asset id>/<approach id>": unique across the portfolio, shared by the
    asset's own list and the flat list of all approaches."""
    concluded, lows, highs, _ = recs

    def aid(i: int) -> str:
        a = case.assets[i].asset
        return a.id or a.name

    def approach(i: int, j: int) -> ApproachValue:
        m = meta[i][j]
        ranged = bool(cols.has_range[i, j])
        return ApproachValue(
            m.family,
            m.method,
            f"{aid(i)}/{m.name}",
            float(cols.value[i, j]),
            float(cols.weight[i, j]),
            float(cols.low[i, j]) if ranged else None,
            float(cols.high[i, j]) if ranged else None,
        )

    def asset(i: int) -> AssetResult:
        a = case.assets[i].asset
        return AssetResult(
            aid(i),
            a.name,
            a.type,
            float(concluded[i]),
            ValueRange(float(lows[i]), float(highs[i])),
            tuple(approach(i, j) for j in range(len(meta[i]))),
        )

    def row(i: int) -> dict[str, Any]:
        return {
            "asset": aid(i),
            "value": float(concluded[i]),
            "low": float(lows[i]),
            "high": float(highs[i]),
        }

    def all_approaches() -> Iterator[tuple[ApproachValue, ...]]:
        value, weight = cols.value.tolist(), cols.weight.tolist()
        low, high, ranged = cols.low.tolist(), cols.high.tolist(), cols.has_range.tolist()
        for i, (item, metas) in enumerate(zip(case.assets, meta, strict=True)):
            a = item.asset
            aid = a.id or a.name
            v, w, lo, hi, r = value[i], weight[i], low[i], high[i], ranged[i]
            yield tuple(
                ApproachValue(
                    m.family,
                    m.method,
                    f"{aid}/{m.name}",
                    v[j],
                    w[j],
                    lo[j] if r[j] else None,
                    hi[j] if r[j] else None,
                )
                for j, m in enumerate(metas)
            )

    def all_assets() -> Iterator[AssetResult]:
        for item, c, lo, hi, avs in zip(
            case.assets,
            concluded.tolist(),
            lows.tolist(),
            highs.tolist(),
            all_approaches(),
            strict=True,
        ):
            a = item.asset
            yield AssetResult(a.id or a.name, a.name, a.type, c, ValueRange(lo, hi), avs)

    n = len(meta)
    assets = LazySequence(n, asset, all_assets)
    return (
        assets,
        flat_lazy(
            list(map(len, meta)), approach, lambda: (x for a in assets for x in a.approaches)
        ),
        LazySequence(n, row),
    )


def _prefixed(warnings: Iterable[ValuationWarning], aid: str) -> list[ValuationWarning]:
    return [ValuationWarning(w.code, f"{aid}: {w.message}") for w in warnings]
