"""Portfolio valuation vectorised across assets, with an optional synergy adjustment.

Approaches of the same method and the same structure (forecast shape, conventions, flags) are
stacked across assets: their parameters become arrays of shape ``(assets,)`` and each kernel is
called once per group, never once per asset. Because every evaluate function is elementwise
over its leading axis, each asset's value equals the value of that asset valued alone.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
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
from ipvalue.valuation.reconcile import reconcile
from ipvalue.valuation.resolve import ResolvedApproach, resolve


def asset_case(case: PortfolioCase, index: int) -> ValuationCase:
    """The single-asset case of portfolio asset ``index`` (same header, no synergy)."""
    header = case.model_dump(exclude={"assets", "synergy"}, exclude_none=True)
    item = case.assets[index]
    return ValuationCase.model_validate(
        {**header, "asset": item.asset.model_dump(exclude_none=True),
         "approaches": [a.model_dump(exclude_none=True) for a in item.approaches]}
    )


def structure_key(ra: ResolvedApproach) -> tuple[Any, ...]:
    """Approaches with equal keys can be evaluated in one stacked kernel call: same method,
    same parameter paths, same non-numeric structure and conventions."""
    settings = tuple(sorted(
        (k, v) for k, v in ra.settings.items() if k not in ("life_years", "life_source")
    ))
    return (ra.model.method, tuple(ra.params), ra.structure, settings,
            ra.settings.get("life_years") is None)


def _stack(members: list[tuple[int, ResolvedApproach]]) -> tuple[dict[str, Any], dict[str, Any]]:
    first = members[0][1]
    params = {k: np.fromiter((ra.params[k] for _, ra in members), np.float64, len(members))
              for k in first.params}
    settings = dict(first.settings)
    if settings.get("life_years") is not None:
        settings["life_years"] = np.fromiter(
            (ra.settings["life_years"] for _, ra in members), np.float64, len(members)
        )
    return params, settings


def _evaluate_groups(
    resolved: list[list[ResolvedApproach]],
) -> tuple[dict[tuple[int, str], tuple[float, float | None, float | None]], list[TraceStep]]:
    from ipvalue.valuation.engine import evaluate_approach

    groups: dict[tuple[Any, ...], list[tuple[int, ResolvedApproach]]] = defaultdict(list)
    for i, approaches in enumerate(resolved):
        for ra in approaches:
            groups[structure_key(ra)].append((i, ra))
    results: dict[tuple[int, str], tuple[float, float | None, float | None]] = {}
    steps = []
    for members in groups.values():
        params, settings = _stack(members)
        first = members[0][1]
        stacked = ResolvedApproach(first.model, first.prefix, params, {}, settings)
        out = evaluate_approach(stacked, params, len(members), invalid="nan", series=False)
        bad = np.flatnonzero(~(out.valid & np.isfinite(out.value)))
        if bad.size:
            _, ra = members[int(bad[0])]
            evaluate_approach(ra, ra.params, 1)  # raises naming the asset's field
            raise InputError(ra.prefix.rstrip("."), "the inputs give no finite value")
        lows = out.low if out.low is not None else None
        highs = out.high if out.high is not None else None
        for j, (i, ra) in enumerate(members):
            results[(i, ra.name)] = (
                float(out.value[j]),
                None if lows is None else float(lows[j]),
                None if highs is None else float(highs[j]),
            )
        steps.append(TraceStep(
            step="kernel_call", approach=first.model.method,
            detail={"method": first.model.method, "assets": len(members)},
        ))
    return results, steps


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
    purpose); the total is ``Σ asset values · (1 + synergy rate)``.

    Raises
    ------
    InputError
        As :func:`ipvalue.valuation.engine.value`, naming ``assets.<i>.approaches.<j>...``.
    """
    from ipvalue.valuation.engine import _refdata_version, _software_version, _threshold

    resolutions = [
        resolve(case, item.asset, item.approaches, framework=framework, prefix=f"assets.{i}.",
                record_case_values=False)
        for i, item in enumerate(case.assets)
    ]
    values, steps = _evaluate_groups([r.approaches for r in resolutions])
    threshold = _threshold(case)
    assets: list[AssetResult] = []
    flat: list[ApproachValue] = []
    warnings: list[ValuationWarning] = []
    assumptions: list[Assumption] = []
    for i, (item, res) in enumerate(zip(case.assets, resolutions, strict=True)):
        aid = item.asset.id or item.asset.name
        vals = {ra.name: values[(i, ra.name)][0] for ra in res.approaches}
        ranges = {ra.name: (values[(i, ra.name)][1], values[(i, ra.name)][2])
                  for ra in res.approaches if values[(i, ra.name)][1] is not None}
        weights = None
        if res.approaches[0].model.weight is not None:
            weights = {ra.name: ra.params["weight"] for ra in res.approaches}
        rec = reconcile(
            vals, {ra.name: ra.model.family for ra in res.approaches}, purpose=case.purpose,
            threshold=threshold, weights=weights, framework_weights=res.weights_by_purpose,
            ranges=ranges,  # type: ignore[arg-type]
        )
        avs = tuple(
            ApproachValue(ra.model.family, ra.model.method, ra.name, vals[ra.name],
                          rec.weights[ra.name], *values[(i, ra.name)][1:])
            for ra in res.approaches
        )
        assets.append(AssetResult(aid, item.asset.name, item.asset.type, rec.value,
                                  ValueRange(rec.low, rec.high), avs))
        flat.extend(ApproachValue(a.approach, a.method, f"{aid}/{a.id}", a.value, a.weight,
                                  a.low, a.high) for a in avs)
        warnings.extend(_prefixed(res.warnings, aid))
        warnings.extend(ValuationWarning("approaches_diverge", f"{aid}: {d.message}")
                        for d in rec.divergences)
        assumptions.extend(res.assumptions)
    rate, syn_assumptions = _synergy_rate(case)
    assumptions.extend(syn_assumptions)
    subtotal = math.fsum(a.value for a in assets)
    factor = 1.0 + rate
    total = subtotal * factor
    low = math.fsum(a.range.low for a in assets) * factor
    high = math.fsum(a.range.high for a in assets) * factor
    steps.append(TraceStep(
        step="portfolio", detail={"assets": len(assets), "sum_of_assets": subtotal,
                                  "synergy_rate": rate, "total": total,
                                  "formula": "total = Σ asset values · (1 + synergy rate)"},
        rows=tuple({"asset": a.id, "value": a.value, "low": a.range.low, "high": a.range.high}
                   for a in assets),
    ))
    return Valuation(
        case_id=case.id, valuation_date=case.valuation_date, value=total, currency=case.currency,
        range=ValueRange(min(low, total), max(high, total), "sum_of_assets"),
        approaches=tuple(flat), assumptions=tuple(assumptions), warnings=tuple(warnings),
        trace=tuple(steps), software_version=_software_version(),
        refdata_version=_refdata_version(), assets=tuple(assets),
        synergy=subtotal * rate if case.synergy is not None else None,
    )


def _prefixed(warnings: Iterable[ValuationWarning], aid: str) -> list[ValuationWarning]:
    return [ValuationWarning(w.code, f"{aid}: {w.message}") for w in warnings]
