"""Relief from royalty (METHODS §2.2): general revenue path and exact constant-growth form."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import Checks, InvalidMode, as_param, as_series, leading_shape
from ._dcf import IncomeResult, _check_conventions, assemble, prepare_options, value_flows
from ._factors import Timing
from ._tab import TaxAmortisation
from ._terminal import TVDiscounting


def _royalty_checks(checks: Checks, royalty: np.ndarray, tax: np.ndarray) -> None:
    checks.require("royalty_rate", "must be in [0, 1]", (royalty >= 0) & (royalty <= 1))
    checks.require("tax_rate", "must be in [0, 1)", (tax >= 0) & (tax < 1))


def relief_from_royalty(
    revenue: ArrayLike,
    royalty_rate: ArrayLike,
    tax_rate: ArrayLike,
    rate: ArrayLike,
    *,
    timing: Timing,
    tab: TaxAmortisation | None,
    terminal_growth: ArrayLike | None = None,
    tv_discounting: TVDiscounting | None = None,
    probability: ArrayLike | None = None,
    life: ArrayLike | None = None,
    times: ArrayLike | None = None,
    invalid: InvalidMode = "raise",
    series: bool = True,
) -> IncomeResult:
    """``V_pre = sum_t Rev_t * rho * (1 - T) * DF_t (+ PV(TV))``; ``V = V_pre * TAB_factor``.

    Parameters
    ----------
    revenue : array (T,) or (n, T)
        Revenue (royalty base, normally net sales) in years ``1..T``; must be >= 0.
    royalty_rate : float or array (n,)
        Pre-tax royalty ``rho`` on the same base, in ``[0, 1]``.
    tax_rate : float or array (n,)
        Tax rate ``T`` on the royalty saved, in ``[0, 1)``.
    rate : float or array (n,)
        Asset discount rate (> -1); also the TAB rate ``k``.
    timing, tab, terminal_growth, tv_discounting, probability, life, times, invalid, series
        As in :func:`dcf`. The TAB period (``tab.amortisation_years``) is independent of ``T``.

    Returns
    -------
    IncomeResult
        ``cash_flows`` holds the after-tax royalty saved per year.

    Raises
    ------
    InputError
        The :func:`dcf` rules plus royalty outside ``[0, 1]``, tax outside ``[0, 1)`` and
        negative revenue.
    """
    _check_conventions(timing, tab, terminal_growth, tv_discounting)
    rev = as_series(revenue, "revenue")
    rho = as_param(royalty_rate, "royalty_rate")
    tax = as_param(tax_rate, "tax_rate")
    r = as_param(rate, "rate")
    options, fields = prepare_options(
        horizon=rev.shape[-1],
        timing=timing,
        probability=probability,
        life=life,
        terminal_growth=terminal_growth,
        times=times,
        tab=tab,
    )
    shape = leading_shape(
        {"series:revenue": rev, "royalty_rate": rho, "tax_rate": tax, "rate": r, **fields}
    )
    checks = Checks(shape, invalid)
    _royalty_checks(checks, rho, tax)
    if not rev.min() >= 0:  # one fast reduction; the per-path mask only when something fails
        checks.require("revenue", "must be >= 0", rev >= 0, per_year=True)
    return value_flows(
        rev,
        r,
        rho * (1.0 - tax),
        timing=timing,
        options=options,
        tv_discounting=tv_discounting,
        tab=tab,
        checks=checks,
        series=series,
        flows_field="revenue",
    )


def relief_from_royalty_growth(
    base_revenue: ArrayLike,
    growth: ArrayLike,
    royalty_rate: ArrayLike,
    tax_rate: ArrayLike,
    rate: ArrayLike,
    *,
    horizon: int,
    timing: Literal["end", "mid"],
    tab: TaxAmortisation | None,
    terminal_growth: ArrayLike | None = None,
    tv_discounting: TVDiscounting | None = None,
    invalid: InvalidMode = "raise",
) -> IncomeResult:
    """Relief from royalty for ``Rev_t = Rev_0 (1 + g)^t``, ``t = 1..N``, in closed form.

    ``sum_t Rev_0 q'^t`` with ``q' = (1+g)/(1+r)`` is the geometric series
    ``Rev_0 * q' * (1 - q'^N)/(1 - q')`` (times ``(1+r)^0.5`` under mid-year timing), evaluated
    via ``expm1`` so it stays exact as ``g -> r``. It equals :func:`relief_from_royalty` on the
    explicit path to ~1e-14 relative, in O(n) work and memory: the Monte Carlo fast path.

    Parameters
    ----------
    base_revenue : float or array (n,)
        Revenue of year 0 (the year before the first projected year), >= 0.
    growth : float or array (n,)
        Constant revenue growth over the horizon, > -1 (may exceed ``rate``: the horizon is
        finite).
    royalty_rate, tax_rate, rate, tab, terminal_growth, tv_discounting, invalid
        As in :func:`relief_from_royalty`.
    horizon : int
        Number of projected years ``N`` >= 1.
    timing : {"end", "mid"}

    Returns
    -------
    IncomeResult
        Without per-year series (``discount_factors`` and ``cash_flows`` are None).

    Raises
    ------
    InputError
        As :func:`relief_from_royalty`, plus ``growth <= -1`` and ``base_revenue < 0``.
    """
    if timing not in ("end", "mid"):
        raise InputError("timing", "must be one of 'end', 'mid'")
    _check_conventions(timing, tab, terminal_growth, tv_discounting)
    if int(horizon) != horizon or horizon < 1:
        raise InputError("horizon", "must be a whole number of years >= 1")
    r0 = as_param(base_revenue, "base_revenue")
    g = as_param(growth, "growth")
    rho = as_param(royalty_rate, "royalty_rate")
    tax = as_param(tax_rate, "tax_rate")
    r = as_param(rate, "rate")
    options, fields = prepare_options(
        horizon=int(horizon),
        timing=timing,
        probability=None,
        life=None,
        terminal_growth=terminal_growth,
        times=None,
        tab=tab,
    )
    shape = leading_shape(
        {"base_revenue": r0, "growth": g, "royalty_rate": rho, "tax_rate": tax, "rate": r, **fields}
    )
    checks = Checks(shape, invalid)
    _royalty_checks(checks, rho, tax)
    checks.require("base_revenue", "must be >= 0", r0 >= 0)
    checks.require("growth", "must be > -1", g > -1.0)
    checks.require("rate", "must be > -1", r > -1.0)
    n = float(horizon)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        # q = (1+g)/(1+r) = 1 + x with x = (g-r)/(1+r) exact to a few ulps even as g -> r;
        # sum_{t=1..N} q^t = q * (q^N - 1)/x, q^N - 1 = expm1(N log1p(x)).
        one_r = 1.0 + r
        x = (g - r) / one_r
        q_n_minus_1 = np.expm1(n * np.log1p(x))
        geo = np.asarray(q_n_minus_1 / x)
        zero = x == 0.0
        if zero.any():  # g == r: the geometric sum's limit is N
            geo = np.where(zero, n, geo)
        geo = geo * (1.0 + x)
        scale = rho * (1.0 - tax) * r0
        pv = scale * geo
        if timing == "mid":
            pv = pv * np.sqrt(one_r)
        log_a = np.log1p(r) if (tab is not None or terminal_growth is not None) else None
        final_flow = np.zeros(())
        final_df = np.ones(())
        if terminal_growth is not None and log_a is not None:
            disc_n = np.exp(-n * log_a)  # (1+r)^-N
            final_flow = scale * (1.0 + q_n_minus_1) / disc_n  # Rev_0 (1+g)^N = q^N (1+r)^N
            final_df = disc_n * np.sqrt(one_r) if timing == "mid" else disc_n
    return assemble(
        pv_explicit=np.asarray(pv, dtype=np.float64),
        final_flow=np.asarray(final_flow, dtype=np.float64),
        final_df=np.asarray(final_df, dtype=np.float64),
        r=r,
        horizon=int(horizon),
        timing=timing,
        terminal_growth=options.terminal_growth,
        tv_discounting=tv_discounting,
        life=None,
        tab=tab,
        checks=checks,
        discount_factors=None,
        cash_flows=None,
        log_a=log_a,
        flows_field="base_revenue",
    )
