"""Discount factors and present-value sums under explicit timing conventions (METHODS §1.1)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import Checks, FloatArray, as_param, as_series, col, leading_shape, require_choice

Timing = Literal["end", "mid", "stub"]
TIMINGS: tuple[str, ...] = ("end", "mid", "stub")


def flow_times(horizon: int, *, timing: Literal["end", "mid"]) -> FloatArray:
    """Times in years from the valuation date of flows in years ``1..horizon``.

    ``end``: ``t``; ``mid``: ``t - 0.5``.

    Raises
    ------
    InputError
        ``horizon`` below 1 or ``timing`` not ``"end"``/``"mid"``.
    """
    require_choice("timing", timing, ("end", "mid"))
    if int(horizon) != horizon or horizon < 1:
        raise InputError("horizon", "must be a whole number of years >= 1")
    t = np.arange(1, int(horizon) + 1, dtype=np.float64)
    return t - 0.5 if timing == "mid" else t


def _annual_factors(rate: FloatArray, horizon: int, timing: str) -> FloatArray:
    """``(1+r)^-t`` (end) or ``(1+r)^-(t-0.5)`` (mid) without validation.

    Per-path rates use a running product (one multiply per cell, no ``pow``/``exp`` per cell);
    the relative error stays below ``horizon`` ulps.
    """
    if rate.ndim == 0:
        t = flow_times(horizon, timing="mid" if timing == "mid" else "end")
        return np.power(1.0 + rate, -t)
    # built year-major so each step is a contiguous multiply; returned as an (n, T) view
    v = 1.0 / (1.0 + rate)
    df_t = np.empty((horizon, rate.shape[0]), dtype=np.float64)
    df_t[0] = np.sqrt(v) if timing == "mid" else v
    for year in range(1, horizon):
        np.multiply(df_t[year - 1], v, out=df_t[year])
    return df_t.T


def discount_factors(
    rate: ArrayLike,
    horizon: int | None = None,
    *,
    timing: Timing,
    times: ArrayLike | None = None,
) -> FloatArray:
    """Discount factors for years ``1..horizon`` or for explicit stub times.

    Parameters
    ----------
    rate : float or array (n,)
        Discount rate per year; must exceed -1.
    horizon : int, optional
        Number of annual periods (``timing`` ``"end"``/``"mid"``).
    timing : {"end", "mid", "stub"}
        ``end``: ``(1+r)^-t``; ``mid``: ``(1+r)^-(t-0.5)``; ``stub``: ``(1+r)^-tau`` with ``times``.
    times : array (T,) or (n, T), optional
        Year fractions from the valuation date to each flow (``stub`` only), each >= 0.

    Returns
    -------
    ndarray
        ``(T,)`` for a scalar rate and 1-D times, else ``(n, T)``.

    Raises
    ------
    InputError
        Rate <= -1 or NaN; missing/extra ``horizon``/``times`` for the timing; negative times.
    """
    require_choice("timing", timing, TIMINGS)
    r = as_param(rate, "rate")
    if timing == "stub":
        if times is None:
            raise InputError("times", "required when timing is 'stub'")
        tau = as_series(times, "times")
        Checks((), "raise").require(
            "times", "must be >= 0 years from the valuation date", tau >= 0, per_year=True
        )
        leading_shape({"rate": r, "series:times": tau})
        Checks((), "raise").require("rate", "must be > -1", r > -1.0)
        return np.power(1.0 + col(r), -tau)
    if times is not None:
        raise InputError("times", "only allowed when timing is 'stub'")
    if horizon is None:
        raise InputError("horizon", "required when timing is 'end' or 'mid'")
    flow_times(horizon, timing=timing)
    Checks((), "raise").require("rate", "must be > -1", r > -1.0)
    return _annual_factors(r, int(horizon), timing)


def geometric_sum(log_q: FloatArray, m: ArrayLike) -> FloatArray:
    """``sum_{k=0}^{m-1} q^k = (q^m - 1)/(q - 1)`` from ``log q``, stable as ``q -> 1`` (limit m).

    Uses ``expm1`` so the ratio keeps full relative precision when ``q`` is close to 1.
    """
    m_arr = np.asarray(m, dtype=np.float64)
    num = np.expm1(m_arr * log_q)
    den = np.expm1(log_q)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den == 0.0, m_arr, num / np.where(den == 0.0, 1.0, den))
    return np.asarray(out, dtype=np.float64)


def pvaf(rate: ArrayLike, periods: ArrayLike, *, timing: Literal["end", "mid"]) -> FloatArray:
    """Present-value annuity factor (METHODS §1.3).

    ``PVAF_end(k, n) = (1 - (1+k)^-n) / k``; ``PVAF_mid = PVAF_end * (1+k)^0.5``. At ``k = 0`` the
    limit ``n`` is returned exactly. ``periods`` may be fractional (continuous in ``n``).

    Raises
    ------
    InputError
        ``rate <= -1``, ``periods <= 0`` or an unknown ``timing``.
    """
    require_choice("timing", timing, ("end", "mid"))
    k = as_param(rate, "rate")
    n = as_param(periods, "periods")
    leading_shape({"rate": k, "periods": n})
    checks = Checks((), "raise")
    checks.require("rate", "must be > -1", k > -1.0)
    checks.require("periods", "must be > 0", n > 0)
    return _pvaf(k, n, timing)


def _pvaf(k: FloatArray, n: FloatArray, timing: str, log_a: FloatArray | None = None) -> FloatArray:
    """PVAF without validation; ``log_a = log1p(k)`` may be passed in when already computed.

    ``1 - (1+k)^-n = -expm1(-n log1p(k))`` keeps full precision for small ``k``; ``k = 0`` gives n.
    """
    if log_a is None:
        log_a = np.log1p(k)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.asarray(-np.expm1(-n * log_a) / k)
        zero = k == 0.0
        if zero.any():  # the annuity factor's limit at k = 0 is n
            out = np.where(zero, n, out)
    if timing == "mid":
        out = out * np.sqrt(1.0 + k)
    return np.asarray(out, dtype=np.float64)


def present_value(
    rate: ArrayLike,
    cash_flows: ArrayLike,
    *,
    timing: Timing,
    times: ArrayLike | None = None,
) -> FloatArray:
    """``sum_t CF_t * DF_t`` for flows in years ``1..T`` (or at stub ``times``).

    Returns
    -------
    ndarray
        Shape ``()`` or ``(n,)``.

    Raises
    ------
    InputError
        As :func:`discount_factors`, and when series and rates disagree on ``n``.
    """
    cf = as_series(cash_flows, "cash_flows")
    r = as_param(rate, "rate")
    leading_shape({"rate": r, "series:cash_flows": cf})
    df = discount_factors(r, cf.shape[-1] if timing != "stub" else None, timing=timing, times=times)
    if df.shape[-1] != cf.shape[-1]:
        raise InputError("times", "must have one entry per cash flow")
    if df.ndim == 1:
        return np.asarray(cf @ df, dtype=np.float64)
    if cf.ndim == 1:
        return np.asarray(df @ cf, dtype=np.float64)
    return np.asarray(np.einsum("ij,ij->i", cf, df), dtype=np.float64)


def npv(
    rate: ArrayLike,
    cash_flows: ArrayLike,
    *,
    timing: Timing,
    initial: ArrayLike = 0.0,
    times: ArrayLike | None = None,
) -> FloatArray:
    """Net present value: ``initial + sum_t CF_t * DF_t``.

    ``initial`` is the undiscounted flow at the valuation date (an outlay is negative). At
    ``rate = 0`` the NPV equals the plain sum of all flows.

    Raises
    ------
    InputError
        As :func:`present_value`.
    """
    return np.asarray(
        as_param(initial, "initial") + present_value(rate, cash_flows, timing=timing, times=times),
        dtype=np.float64,
    )
