"""One evaluate function per method: map a resolved approach onto the kernels.

Every evaluator takes the approach model, its resolved settings (conventions), a parameter
mapping ``path -> float | array (n,)`` and ``n``; it returns an :class:`Outcome` of arrays of
shape ``(n,)``. The same function serves a deterministic run (``n = 1``), Monte Carlo paths and a
stacked portfolio, so their values agree exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ipvalue.valuation._engine_series import FloatArray, Params, Series, forecast, probability, vec

Invalid = Literal["raise", "nan"]


@dataclass(frozen=True)
class Outcome:
    """Result of one approach: values ``(n,)``, components ``(n,)`` and per-year rows ``(n, T)``.

    ``low``/``high`` are the approach's own range where it has one (comparables); ``tv_share``
    and ``spread`` feed the terminal-value warnings.
    """

    value: FloatArray
    valid: NDArray[np.bool_]
    detail: dict[str, FloatArray] = field(default_factory=dict)
    rows: dict[str, FloatArray] = field(default_factory=dict)
    low: FloatArray | None = None
    high: FloatArray | None = None
    tv_share: FloatArray | None = None
    spread: FloatArray | None = None


Evaluator = Callable[[Any, Mapping[str, Any], Params, int, Invalid, bool], Outcome]


def _tab(a: Any, s: Mapping[str, Any], p: Params, n: int, tax_path: str | None) -> Any:
    from ipvalue.valuation.discounting import TaxAmortisation

    period = s.get("tab_period")
    if not period:
        return None
    if "tab.tax_rate" in p:
        t = vec(p, "tab.tax_rate", n)
    elif tax_path is not None:
        t = vec(p, tax_path, n)
    else:
        from ipvalue.core.errors import InputError

        raise InputError("tab.tax_rate", "is required when the method has no tax_rate")
    return TaxAmortisation(tax_rate=t, amortisation_years=float(period), timing=s["tab_timing"])


def _income_kwargs(a: Any, s: Mapping[str, Any], p: Params, n: int) -> dict[str, Any]:
    kw: dict[str, Any] = {"timing": s["timing"]}
    if getattr(a, "terminal_growth", None) is not None:
        kw["terminal_growth"] = vec(p, "terminal_growth", n)
        kw["tv_discounting"] = s["terminal_discounting"]
    if s.get("life_years") is not None:
        kw["life"] = float(s["life_years"])
    return kw


def _from_income(res: Any, rows: dict[str, FloatArray], n: int) -> Outcome:
    detail = {
        k: np.broadcast_to(getattr(res, k), (n,))
        for k in ("value_pre_tab", "pv_explicit", "pv_terminal", "terminal_value", "tab",
                  "tab_factor")
    }
    if res.cash_flows is not None and res.discount_factors is not None:
        df = np.broadcast_to(res.discount_factors, res.cash_flows.shape)
        rows = {**rows, "cash_flow": res.cash_flows, "discount_factor": df,
                "present_value": res.cash_flows * df}
    return Outcome(
        np.broadcast_to(res.value, (n,)), np.broadcast_to(res.valid, (n,)), detail, rows,
        tv_share=np.broadcast_to(res.tv_share, (n,)),
        spread=np.broadcast_to(res.rate_growth_spread, (n,)),
    )


def _series_prob(a: Any, fc: Series, p: Params, n: int) -> FloatArray | None:
    return probability(getattr(a, "probability", None), fc, p, n, "probability")


def eval_dcf(a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid,
             series: bool) -> Outcome:
    """DCF on explicit cash flows (lifecycle forecasts: revenue × stage margin)."""
    from ipvalue.valuation.income import dcf

    fc = forecast(a.cash_flows, "cash_flows", p, n)
    cf = fc.values if fc.margin is None else fc.values * fc.margin
    res = dcf(cf, vec(p, "discount_rate", n), tab=_tab(a, s, p, n, None),
              probability=_series_prob(a, fc, p, n), invalid=invalid, series=series,
              **_income_kwargs(a, s, p, n))
    return _from_income(res, {"forecast": fc.values}, n)


def eval_rfr(a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid,
             series: bool) -> Outcome:
    """Relief from royalty (METHODS §2.2)."""
    from ipvalue.valuation.income import relief_from_royalty

    fc = forecast(a.revenue, "revenue", p, n)
    res = relief_from_royalty(
        fc.values, vec(p, "royalty_rate", n), vec(p, "tax_rate", n), vec(p, "discount_rate", n),
        tab=_tab(a, s, p, n, "tax_rate"), probability=_series_prob(a, fc, p, n),
        invalid=invalid, series=series, **_income_kwargs(a, s, p, n),
    )
    return _from_income(res, {"revenue": fc.values}, n)


EVALUATORS: dict[str, Evaluator] = {
    "dcf": eval_dcf,
    "relief_from_royalty": eval_rfr,
}
