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
from typing import Any

import numpy as np

from ipvalue.core.errors import InputError
from ipvalue.model.case import ValuationCase
from ipvalue.model.portfolio import PortfolioCase
from ipvalue.model.result import (
    ApproachValue,
    AssetResult,
    Assumption,
    TraceStep,
    Valuation,
    ValuationWarning,
    ValueRange,
)
from ipvalue.valuation.reconcile import Divergence, default_weights, divergences
from ipvalue.valuation.resolve import ResolvedApproach


def asset_case(case: PortfolioCase, index: int) -> ValuationCase:
    """The single-asset case of portfolio asset ``index`` (same header, no synergy)."""
    header = case.model_dump(exclude={"assets", "synergy"}, exclude_none=True)
    item = case.assets[index]
    return ValuationCase.model_validate(
        {**header, "asset": item.asset.model_dump(exclude_none=True),
         "approaches": [a.model_dump(exclude_none=True) for a in item.approaches]}
    )


# Per asset, per approach position: (value, own low or None, own high or None).
Values = list[list[tuple[float, float | None, float | None]]]


def _terminal_warnings(grp: Any, out: Any) -> list[tuple[int, ValuationWarning]]:
    """Terminal-value share and narrow-spread warnings per asset, as for a single asset."""
    from ipvalue.core.settings import get_settings

    if getattr(grp.template.model, "terminal_growth", None) is None or out.tv_share is None:
        return []
    st = get_settings()
    share, spread = np.asarray(out.tv_share), np.asarray(out.spread)
    found = []
    for r in np.flatnonzero(np.isfinite(share) & (share > st.terminal_value_share_warning)):
        i, j = grp.members[r]
        found.append((i, ValuationWarning(
            "terminal_value_share", f"approaches.{j}: the terminal value is {share[r]:.1%} of "
            f"the value (warning above {st.terminal_value_share_warning:.0%})")))
    for r in np.flatnonzero(np.isfinite(spread) & (spread < st.rate_growth_spread_warning)):
        i, j = grp.members[r]
        found.append((i, ValuationWarning(
            "narrow_rate_growth_spread", f"approaches.{j}: discount rate − terminal growth = "
            f"{spread[r]:.2%} (warning below {st.rate_growth_spread_warning:.2%})")))
    return found


def _evaluate_groups(
    batch: Any,
) -> tuple[Values, list[TraceStep], list[tuple[int, ValuationWarning]]]:
    """One kernel call per group; values scattered back to (asset, approach position)."""
    from ipvalue.valuation.engine import evaluate_approach

    results: Values = [[(math.nan, None, None)] * len(m) for m in batch.meta]
    steps = []
    warnings: list[tuple[int, ValuationWarning]] = []
    for grp in batch.groups:
        n = len(grp.members)
        table = np.array(grp.rows, dtype=np.float64).reshape(n, len(grp.paths))
        params = {p: table[:, k] for k, p in enumerate(grp.paths)}
        settings = dict(grp.template.settings)
        if grp.lives[0] is not None:
            settings["life_years"] = np.array(grp.lives, dtype=np.float64)
        stacked = ResolvedApproach(grp.template.model, grp.template.prefix, params, {}, settings)  # type: ignore[arg-type]
        out = evaluate_approach(stacked, params, n, invalid="nan", series=False)
        bad = np.flatnonzero(~(out.valid & np.isfinite(out.value)))
        if bad.size:
            ra = grp.member(int(bad[0]))
            evaluate_approach(ra, ra.params, 1)  # raises naming the asset's field
            raise InputError(ra.prefix.rstrip("."), "the inputs give no finite value")
        lows = out.low.tolist() if out.low is not None else [None] * n
        highs = out.high.tolist() if out.high is not None else [None] * n
        for (i, j), v, lo, hi in zip(grp.members, out.value.tolist(), lows, highs, strict=True):
            results[i][j] = (v, lo, hi)
        warnings.extend(_terminal_warnings(grp, out))
        steps.append(TraceStep(
            step="kernel_call", approach=grp.template.model.method,
            detail={"method": grp.template.model.method, "assets": n},
        ))
    return results, steps, warnings


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
    reconciliation runs on arrays, so cost per asset stays small.

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
    values, steps, group_warnings = _evaluate_groups(batch)
    recs = _reconcile_assets(case, batch, values, _threshold(case))
    assets: list[AssetResult] = []
    flat: list[ApproachValue] = []
    from ipvalue.refdata import merge_figure_warnings

    labelled: list[tuple[str, str]] = []
    for i, w in [*batch.warnings, *group_warnings]:
        aid = case.assets[i].asset.id or case.assets[i].asset.name
        figure = w.code.startswith("refdata_") or w.code == "fx_date_mismatch"
        # a reference-figure warning names its assets.<i> path: one per figure, not per asset
        labelled.append((w.code, w.message if figure else f"{aid}: {w.message}"))
    warnings = [ValuationWarning(c, m) for c, m in merge_figure_warnings(labelled)]
    rows: list[dict[str, Any]] = []
    concluded_values: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    for i, (item, metas) in enumerate(zip(case.assets, batch.meta, strict=True)):
        asset = item.asset
        aid = asset.id or asset.name
        concluded, low, high, weights, divs = recs[i]
        vals = values[i]
        # ids are "<asset id>/<approach id>": unique across the portfolio, shared by the
        # asset's own list and the flat list of all approaches.
        if len(metas) == 1:
            m, (v, lo, hi) = metas[0], vals[0]
            avs: tuple[ApproachValue, ...] = (ApproachValue(
                m.family, m.method, f"{aid}/{m.name}", v, weights[0], lo, hi),  # type: ignore[arg-type]
            )
        else:
            avs = tuple(
                ApproachValue(m.family, m.method, f"{aid}/{m.name}",  # type: ignore[arg-type]
                              vals[k][0], weights[k], vals[k][1], vals[k][2])
                for k, m in enumerate(metas)
            )
        assets.append(AssetResult(aid, asset.name, asset.type, concluded,
                                  ValueRange(low, high), avs))
        flat.extend(avs)
        concluded_values.append(concluded)
        lows.append(low)
        highs.append(high)
        rows.append({"asset": aid, "value": concluded, "low": low, "high": high})
        if divs:
            warnings.extend(ValuationWarning("approaches_diverge", f"{aid}: {d.message}")
                            for d in divs)
    assumptions = list(batch.assumptions)
    rate, syn_assumptions = _synergy_rate(case)
    assumptions.extend(syn_assumptions)
    subtotal = math.fsum(concluded_values)
    factor = 1.0 + rate
    total = subtotal * factor
    low = math.fsum(lows) * factor
    high = math.fsum(highs) * factor
    steps.append(TraceStep(
        step="portfolio", detail={"assets": len(assets), "sum_of_assets": subtotal,
                                  "synergy_rate": rate, "total": total,
                                  "formula": "total = Σ asset values · (1 + synergy rate)"},
        rows=tuple(rows),
    ))
    return Valuation(
        case_id=case.id, valuation_date=case.valuation_date, value=total, currency=case.currency,
        range=ValueRange(min(low, total), max(high, total), "sum_of_assets"),
        approaches=tuple(flat), assumptions=tuple(assumptions), warnings=tuple(warnings),
        trace=tuple(steps), software_version=_software_version(),
        refdata_version=_refdata_version(), assets=tuple(assets),
        synergy=subtotal * rate if case.synergy is not None else None,
    )


_AssetRec = tuple[float, float, float, list[float], list[Divergence]]


def _reconcile_assets(
    case: PortfolioCase, batch: Any, values: Values, threshold: float
) -> list[_AssetRec]:
    """Reconcile each asset's approaches on arrays, grouping assets with the same approach list.

    Same arithmetic, in the same order, as :func:`ipvalue.valuation.reconcile.reconcile`.
    """
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, metas in enumerate(batch.meta):
        key = tuple((m.name, m.family) for m in metas)
        groups[(key, metas[0].weight is not None)].append(i)
    out: list[_AssetRec | None] = [None] * len(batch.meta)
    for (key, given), idx in groups.items():
        names = [k for k, _ in key]
        k = len(names)
        rows = [values[i] for i in idx]
        val = np.array([[c[0] for c in r] for r in rows], dtype=np.float64).reshape(len(idx), k)
        if given:
            w = np.array([[m.weight for m in batch.meta[i]] for i in idx], dtype=np.float64)
            w = w.reshape(len(idx), k)
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
            if rows[0][c][1] is not None:
                lo = np.array([r[c][1] for r in rows], dtype=np.float64)
                hi = np.array([r[c][2] for r in rows], dtype=np.float64)
                low = np.where(on[:, c], np.minimum(low, lo), low)
                high = np.where(on[:, c], np.maximum(high, hi), high)
        total = np.minimum(np.maximum(total, low), high)
        flagged = _divergent(val, threshold)
        wl = w.tolist()
        for r, (i, t, lo_, hi_) in enumerate(zip(idx, total.tolist(), low.tolist(),
                                                  high.tolist(), strict=True)):
            divs = [] if not flagged[r] else list(
                divergences(dict(zip(names, val[r].tolist(), strict=True)), threshold))
            out[i] = (t, lo_, hi_, wl[r], divs)
    return [o for o in out if o is not None]


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


def _prefixed(warnings: Iterable[ValuationWarning], aid: str) -> list[ValuationWarning]:
    return [ValuationWarning(w.code, f"{aid}: {w.message}") for w in warnings]
