"""Income-approach result and its assembly: explicit PV + terminal value, TAB, validity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import BoolArray, Checks, FloatArray, require_choice
from ._factors import geometric_sum
from ._tab import TaxAmortisation, _schedule_factor
from ._terminal import TVDiscounting


@dataclass(frozen=True)
class IncomeResult:
    """Components of an income-approach value, each of the leading shape ``()`` or ``(n,)``.

    Attributes
    ----------
    value : ndarray
        ``value_pre_tab * tab_factor``; ``nan`` where ``valid`` is False.
    value_pre_tab : ndarray
        ``pv_explicit + pv_terminal``.
    pv_explicit, pv_terminal : ndarray
        Present value of the explicit flows and of the terminal value (0 without a TV).
    terminal_value : ndarray
        Undiscounted ``TV_N`` (0 without a TV).
    tab, tab_factor : ndarray
        ``value - value_pre_tab`` and the factor (0 and 1 without TAB).
    rate_growth_spread : ndarray
        ``r - g`` for a perpetual TV, else ``nan`` (feeds the narrow-spread warning).
    valid : ndarray of bool
        False where an element broke a rule (only with ``invalid="nan"``).
    discount_factors : ndarray or None
        ``DF_t`` used, ``(T,)`` or ``(n, T)``; None for closed-form paths.
    cash_flows : ndarray or None
        The discounted flows after probability and life weighting, ``(T,)`` or ``(n, T)``; None
        when ``series=False`` or for closed-form paths.
    """

    value: FloatArray
    value_pre_tab: FloatArray
    pv_explicit: FloatArray
    pv_terminal: FloatArray
    terminal_value: FloatArray
    tab: FloatArray
    tab_factor: FloatArray
    rate_growth_spread: FloatArray
    valid: BoolArray
    discount_factors: FloatArray | None
    cash_flows: FloatArray | None

    @property
    def tv_share(self) -> FloatArray:
        """``pv_terminal / value_pre_tab`` (``nan`` where the pre-TAB value is 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.pv_terminal / self.value_pre_tab, dtype=np.float64)


def assemble(
    *,
    pv_explicit: FloatArray,
    final_flow: FloatArray,
    final_df: FloatArray,
    r: FloatArray,
    horizon: int,
    timing: str,
    terminal_growth: FloatArray | None,
    tv_discounting: TVDiscounting | None,
    life: FloatArray | None,
    tab: TaxAmortisation | None,
    checks: Checks,
    discount_factors: FloatArray | None,
    cash_flows: FloatArray | None,
    log_a: FloatArray | None = None,
    flows_field: str = "cash_flows",
) -> IncomeResult:
    """Add the terminal value and TAB to explicit-period PVs and apply the validity mask.

    With ``life`` the terminal value is the growing annuity from ``N`` to ``L`` (0 when
    ``L <= N``): ``TV_N = CF_N * q * (1 - q^M)/(1 - q)``, ``q = (1+g)/(1+r)``, ``M = L - N``
    (exact for whole ``M``, geometric interpolation between); without ``life`` it is Gordon's
    perpetuity and needs ``g < r``.
    """
    shape = checks.shape
    zeros = np.zeros(())  # 0-d: broadcast to the result shape without a full-size fill
    checks.require(flows_field, "must be finite numbers", np.isfinite(pv_explicit))
    spread = np.full((), np.nan)
    tv = zeros
    pv_tv = zeros
    if terminal_growth is not None:
        g = terminal_growth
        checks.require("terminal_growth", "must be > -1", g > -1.0)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if life is None:
                checks.require(
                    "terminal_growth", "must be < discount rate (Gordon growth needs g < r)", g < r
                )
                tv = final_flow * (1.0 + g) / (r - g)
                spread = np.broadcast_to(r - g, shape).astype(np.float64)
            else:
                log_q = np.log1p(g) - np.log1p(r)
                m = np.maximum(life - horizon, 0.0)
                tv = final_flow * np.exp(log_q) * geometric_sum(log_q, m)
            if tv_discounting == "end_of_horizon":
                df_tv = np.exp(-float(horizon) * (np.log1p(r) if log_a is None else log_a))
            else:
                df_tv = final_df
            pv_tv = tv * df_tv
    value_pre = pv_explicit + pv_tv
    factor = np.ones(())
    if tab is not None:
        require_choice("tab.timing", tab.timing, ("end", "mid"))
        factor = _schedule_factor(tab, r, checks, log_a)
    with np.errstate(invalid="ignore", over="ignore"):
        value = value_pre * factor
        tab_amount = value - value_pre

    def fin(x: ArrayLike) -> FloatArray:
        return checks.finish(np.broadcast_to(np.asarray(x, dtype=np.float64), shape))

    return IncomeResult(
        value=fin(value),
        value_pre_tab=fin(value_pre),
        pv_explicit=fin(pv_explicit),
        pv_terminal=fin(pv_tv),
        terminal_value=fin(tv),
        tab=fin(tab_amount),
        tab_factor=fin(factor),
        rate_growth_spread=fin(spread),
        valid=checks.mask(),
        discount_factors=discount_factors,
        cash_flows=cash_flows,
    )
