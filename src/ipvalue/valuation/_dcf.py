"""DCF core shared by every income method (METHODS §2.1): explicit flows, TV, life cap, TAB."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import (
    Checks,
    FloatArray,
    InvalidMode,
    as_param,
    as_series,
    col,
    leading_shape,
    require_choice,
)
from ._assembly import IncomeResult, assemble
from ._factors import TIMINGS, Timing, _annual_factors
from ._tab import TaxAmortisation
from ._terminal import TV_DISCOUNTINGS, TVDiscounting


def _life_fraction(life: FloatArray, horizon: int) -> FloatArray:
    """Fraction ``f_t = clip(L - (t - 1), 0, 1)`` of each year ``t`` inside the life."""
    start = np.arange(horizon, dtype=np.float64)
    return np.asarray(np.clip(col(life) - start, 0.0, 1.0), dtype=np.float64)


def _life_factors(r: FloatArray, frac: FloatArray, horizon: int, timing: str) -> FloatArray:
    """Annual factors with the partial final year moved to when its flow arrives.

    A partial year earns ``f_t`` of its flow at ``t - 1 + f_t`` (end) or at its midpoint
    ``t - 1 + f_t / 2`` (mid), i.e. ``(1 - f_t)`` (end) or ``(1 - f_t)/2`` (mid) years before the
    whole-year time; only those few cells get a ``pow``.
    """
    df = _annual_factors(r, horizon, timing)
    partial = (frac > 0) & (frac < 1)
    if not partial.any():
        return df
    shape = np.broadcast_shapes(df.shape, partial.shape)
    df = np.array(np.broadcast_to(df, shape), dtype=np.float64)
    partial = np.broadcast_to(partial, shape)
    idx = np.nonzero(partial)
    one_r = np.broadcast_to(col(1.0 + r), shape)[idx]
    early = (1.0 - np.broadcast_to(frac, shape)[idx]) * (0.5 if timing == "mid" else 1.0)
    df[idx] *= np.power(one_r, early)
    return df


def _contract(flows: FloatArray, df: FloatArray) -> FloatArray:
    """``sum_t flows_t * df_t`` over the last axis without an ``(n, T)`` temporary."""
    if df.ndim == 1:
        return np.asarray(flows @ df, dtype=np.float64)
    if flows.ndim == 1:
        return np.asarray(df @ flows, dtype=np.float64)
    return np.asarray(np.einsum("ij,ij->i", flows, df), dtype=np.float64)


def _check_conventions(
    timing: str, tab: TaxAmortisation | None, terminal_growth: object, tv_discounting: object
) -> None:
    require_choice("timing", timing, TIMINGS)
    if tab is not None and not isinstance(tab, TaxAmortisation):
        raise InputError("tab", "must be a TaxAmortisation or None")
    if terminal_growth is not None:
        if tv_discounting is None:
            raise InputError("tv_discounting", "required when terminal_growth is given")
        require_choice("tv_discounting", tv_discounting, TV_DISCOUNTINGS)
        if timing == "stub" and tv_discounting == "end_of_horizon":
            raise InputError(
                "tv_discounting", "'end_of_horizon' needs timing 'end' or 'mid'; use 'final_factor'"
            )


@dataclass(frozen=True)
class FlowOptions:
    """Converted optional DCF inputs (see :func:`prepare_options`)."""

    probability: FloatArray | None
    life: FloatArray | None
    terminal_growth: FloatArray | None
    times: FloatArray | None


def prepare_options(
    *,
    horizon: int,
    timing: str,
    probability: ArrayLike | None,
    life: ArrayLike | None,
    terminal_growth: ArrayLike | None,
    times: ArrayLike | None,
    tab: TaxAmortisation | None,
) -> tuple[FlowOptions, dict[str, np.ndarray]]:
    """Coerce the optional inputs and return them with their shape fields for ``leading_shape``."""
    fields: dict[str, np.ndarray] = {}
    p = None
    if probability is not None:
        p = as_series(probability, "probability")
        if p.shape[-1] != horizon:
            raise InputError("probability", f"must have one value per year ({horizon})")
        fields["series:probability"] = p
    life_arr = None
    if life is not None:
        if timing == "stub":
            raise InputError("life", "not supported with timing 'stub'; truncate the flows instead")
        life_arr = as_param(life, "life")
        fields["life"] = life_arr
    g = None
    if terminal_growth is not None:
        g = as_param(terminal_growth, "terminal_growth")
        fields["terminal_growth"] = g
    tau = None
    if timing == "stub":
        if times is None:
            raise InputError("times", "required when timing is 'stub'")
        tau = as_series(times, "times")
        if tau.shape[-1] != horizon:
            raise InputError("times", f"must have one entry per cash flow ({horizon})")
        fields["series:times"] = tau
    elif times is not None:
        raise InputError("times", "only allowed when timing is 'stub'")
    if tab is not None:
        fields["tab.tax_rate"] = as_param(tab.tax_rate, "tab.tax_rate")
        if tab.amortisation_years is not None:
            fields["tab.amortisation_years"] = as_param(
                tab.amortisation_years, "tab.amortisation_years"
            )
        if tab.declining_rate is not None:
            fields["tab.declining_rate"] = as_param(tab.declining_rate, "tab.declining_rate")
    return FlowOptions(p, life_arr, g, tau), fields


def value_flows(
    flows: FloatArray,
    r: FloatArray,
    scale: FloatArray | None,
    *,
    timing: str,
    options: FlowOptions,
    tv_discounting: TVDiscounting | None,
    tab: TaxAmortisation | None,
    checks: Checks,
    series: bool,
    flows_field: str = "cash_flows",
) -> IncomeResult:
    """Discount ``scale * flows`` (scale broadcast per path) with every DCF option.

    The per-path ``scale`` (e.g. royalty × (1 − T)) multiplies the discounted sum, so the
    ``(n, T)`` revenue is read once and never copied.
    """
    horizon = flows.shape[-1]
    checks.require("rate", "must be > -1", r > -1.0)
    weights: FloatArray | None = None
    if options.probability is not None:
        p = options.probability
        checks.require("probability", "must be in [0, 1]", (p >= 0) & (p <= 1), per_year=True)
        weights = p
    if options.life is not None:
        checks.require("life", "must be > 0 years", options.life > 0)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if options.times is not None:
            tau = options.times
            checks.require(
                "times", "must be >= 0 years from the valuation date", tau >= 0, per_year=True
            )
            df = np.power(1.0 + col(r), -tau)
        elif options.life is not None:
            frac = _life_fraction(options.life, horizon)
            df = _life_factors(r, frac, horizon, timing)
            weights = frac if weights is None else weights * frac
        else:
            df = _annual_factors(r, horizon, timing)
        eff_df = df if weights is None else df * weights
        pv = _contract(flows, eff_df)
        final = flows[..., -1] * (1.0 if weights is None else weights[..., -1])
        if scale is not None:
            pv = pv * scale
            final = final * scale
        cash: FloatArray | None = None
        if series:
            cash = flows if weights is None else flows * weights
            cash = cash * col(scale) if scale is not None else np.array(cash, copy=True)
    return assemble(
        pv_explicit=pv,
        final_flow=final,
        final_df=df[..., -1],
        r=r,
        horizon=horizon,
        timing=timing,
        terminal_growth=options.terminal_growth,
        tv_discounting=tv_discounting,
        life=options.life,
        tab=tab,
        checks=checks,
        discount_factors=df,
        cash_flows=cash,
        flows_field=flows_field,
    )


def dcf(
    cash_flows: ArrayLike,
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
    """Value explicit cash flows: ``V_pre = sum p_t CF_t DF_t + TV_N DF_TV``; ``V = V_pre * TAB``.

    Parameters
    ----------
    cash_flows : array (T,) or (n, T)
        Income attributable to the asset in years ``1..T`` (or at ``times``).
    rate : float or array (n,)
        Asset discount rate, > -1, same currency and real/nominal basis as the flows.
    timing : {"end", "mid", "stub"}
        Discounting convention (METHODS §1.1); ``stub`` needs ``times``.
    tab : TaxAmortisation or None
        Tax amortisation benefit; None for no TAB (must be stated explicitly).
    terminal_growth : float or array (n,), optional
        Gordon growth after year ``T``; requires ``tv_discounting``.
    tv_discounting : {"final_factor", "end_of_horizon"}, optional
        Factor applied to ``TV_N`` (METHODS §1.2).
    probability : array (T,) or (n, T), optional
        Probability of survival/commercialisation per year, in ``[0, 1]``.
    life : float or array (n,), optional
        Finite legal/economic life in years from the valuation date; caps the flows (a fractional
        final year earns its fraction) and turns the TV into a growing annuity up to ``life``.
    times : array (T,) or (n, T), optional
        Stub times in years (``timing="stub"``).
    invalid : {"raise", "nan"}
        ``raise`` (deterministic use) or ``nan`` per broken element with ``valid`` False
        (Monte Carlo); ``g >= r`` is one such rule.
    series : bool
        Keep the weighted per-year flows in the result (turn off in Monte Carlo).

    Returns
    -------
    IncomeResult

    Raises
    ------
    InputError
        Unknown convention, missing ``tv_discounting`` with a TV, shape mismatch, ``rate <= -1``,
        ``g >= r`` (perpetual TV), probability outside [0, 1], ``life <= 0``, negative stub
        times, non-finite flows, TAB rules of :func:`tab_factor` (with ``invalid="raise"``).
    """
    _check_conventions(timing, tab, terminal_growth, tv_discounting)
    cf = as_series(cash_flows, "cash_flows")
    r = as_param(rate, "rate")
    options, fields = prepare_options(
        horizon=cf.shape[-1],
        timing=timing,
        probability=probability,
        life=life,
        terminal_growth=terminal_growth,
        times=times,
        tab=tab,
    )
    shape = leading_shape({"series:cash_flows": cf, "rate": r, **fields})
    return value_flows(
        cf,
        r,
        None,
        timing=timing,
        options=options,
        tv_discounting=tv_discounting,
        tab=tab,
        checks=Checks(shape, invalid),
        series=series,
    )
