"""Real options on early-stage technology (METHODS §5): Black–Scholes with a continuous cost of
delay, and a Cox–Ross–Rubinstein lattice with early exercise and a year-stepped delay yield."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr

from ipvalue.core.errors import InputError

from ._arrays import (
    BoolArray,
    Checks,
    FloatArray,
    InvalidMode,
    as_param,
    col,
    leading_shape,
    require_choice,
)

CostOfDelay = Literal["inverse_life", "year_stepped"]
_YEAR_TOL = 1e-9  # T - k*dt within this of a whole year counts as that year


@dataclass(frozen=True)
class OptionResult:
    """Option value with the figures a valuer reports, each of shape ``()`` or ``(n,)``.

    Attributes
    ----------
    value : ndarray
        Option value ``C``.
    npv : ndarray
        Static NPV ``S - K`` (launch now).
    time_premium : ndarray
        ``C - max(S - K, 0)``.
    cost_of_delay : ndarray
        Delay yield ``y`` at the valuation date.
    valid : ndarray of bool
        False where a path broke a rule (only with ``invalid="nan"``; values are ``nan`` there).
    d1, d2 : ndarray or None
        Black–Scholes terms (None for the lattice).
    """

    value: FloatArray
    npv: FloatArray
    time_premium: FloatArray
    cost_of_delay: FloatArray
    valid: BoolArray
    d1: FloatArray | None = None
    d2: FloatArray | None = None


def _inputs(
    value: ArrayLike,
    cost: ArrayLike,
    volatility: ArrayLike,
    life: ArrayLike,
    rate: ArrayLike,
    invalid: InvalidMode,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, Checks]:
    s = as_param(value, "value")
    k = as_param(cost, "cost")
    sigma = as_param(volatility, "volatility")
    t = as_param(life, "life")
    r = as_param(rate, "riskless_rate")
    shape = leading_shape(
        {"value": s, "cost": k, "volatility": sigma, "life": t, "riskless_rate": r}
    )
    checks = Checks(shape, invalid)
    checks.require("value", "must be > 0 (PV of the cash flows if launched now)", s > 0)
    checks.require("cost", "must be > 0 (PV of the launch investment)", k > 0)
    checks.require("volatility", "must be > 0", sigma > 0)
    checks.require("life", "must be > 0 years of remaining protection", t > 0)
    checks.require("riskless_rate", "must be a finite number", np.isfinite(r))
    return s, k, sigma, t, r, checks


def _constant_delay(cost_of_delay: object, t: FloatArray, checks: Checks) -> FloatArray:
    if isinstance(cost_of_delay, str):
        if cost_of_delay != "inverse_life":
            raise InputError("cost_of_delay", "must be 'inverse_life' or a number >= 0")
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(1.0 / t, dtype=np.float64)
    y = as_param(cost_of_delay, "cost_of_delay")  # type: ignore[arg-type]
    leading_shape({"cost_of_delay": y, "life": np.empty(checks.shape)})
    checks.require("cost_of_delay", "must be >= 0", y >= 0)
    return y


def black_scholes_delay(
    value: ArrayLike,
    cost: ArrayLike,
    volatility: ArrayLike,
    life: ArrayLike,
    riskless_rate: ArrayLike,
    *,
    cost_of_delay: Literal["inverse_life"] | ArrayLike,
    invalid: InvalidMode = "raise",
) -> OptionResult:
    """``C = S e^(-yT) N(d1) - K e^(-rT) N(d2)`` with ``y`` the continuous cost of delay.

    ``d1 = [ln(S/K) + (r - y + sigma^2/2) T] / (sigma sqrt T)``, ``d2 = d1 - sigma sqrt T``;
    ``N`` is the exact normal CDF (``scipy.special.ndtr``).

    Parameters
    ----------
    value : float or array (n,)
        ``S``: PV of the cash flows if launched now (> 0).
    cost : float or array (n,)
        ``K``: PV of the launch investment (> 0).
    volatility : float or array (n,)
        ``sigma`` of the value, per year (> 0).
    life : float or array (n,)
        ``T``: remaining protected life in years (> 0).
    riskless_rate : float or array (n,)
        Continuously compounded riskless rate for maturity ``T``.
    cost_of_delay : "inverse_life" or float or array (n,)
        ``y = 1/T`` (each year of delay loses one year of protection) or a given yield >= 0.
    invalid : {"raise", "nan"}
        ``nan`` marks paths breaking a rule (Monte Carlo draws) instead of raising.

    Raises
    ------
    InputError
        ``S, K, sigma, T`` not > 0, a non-finite rate, a negative or unknown cost of delay.
    """
    s, k, sigma, t, r, checks = _inputs(value, cost, volatility, life, riskless_rate, invalid)
    y = _constant_delay(cost_of_delay, t, checks)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        vol_t = sigma * np.sqrt(t)
        d1 = (np.log(s / k) + (r - y + 0.5 * sigma * sigma) * t) / vol_t
        d2 = d1 - vol_t
        c = s * np.exp(-y * t) * ndtr(d1) - k * np.exp(-r * t) * ndtr(d2)
        npv = s - k
        premium = c - np.maximum(npv, 0.0)

    def shaped(x: ArrayLike) -> FloatArray:
        return checks.finish(np.asarray(np.broadcast_to(x, checks.shape), dtype=np.float64))

    return OptionResult(
        value=shaped(c),
        npv=shaped(npv),
        time_premium=shaped(premium),
        cost_of_delay=shaped(y),
        valid=checks.mask(),
        d1=shaped(d1),
        d2=shaped(d2),
    )


def delay_yield_schedule(life: ArrayLike, steps: int) -> FloatArray:
    """``y_k = 1 / ceil(T - k dt)``, ``k = 0..m-1``: remaining whole years (METHODS §5.2).

    Returns
    -------
    ndarray
        ``(m,)`` for a scalar life, else ``(n, m)``.
    """
    t = as_param(life, "life")
    if int(steps) != steps or steps < 1:
        raise InputError("steps", "must be a whole number >= 1")
    Checks((), "raise").require("life", "must be > 0 years", t > 0)
    k = np.arange(int(steps), dtype=np.float64)
    remaining = col(t) - k * (col(t) / steps)
    return np.asarray(1.0 / np.ceil(remaining - _YEAR_TOL), dtype=np.float64)


def _lattice(
    s: FloatArray,
    k: FloatArray,
    sigma: FloatArray,
    t: FloatArray,
    r: FloatArray,
    y: FloatArray,
    m: int,
    exercise: str,
    shape: tuple[int, ...],
) -> tuple[FloatArray, FloatArray]:
    """Backward induction over ``m`` steps, vectorised over paths; returns ``(q_k, value)``."""
    dt = t / m
    u = np.exp(sigma * np.sqrt(dt))
    d = 1.0 / u
    q = (np.exp((col(r) - y) * col(dt)) - col(d)) / (col(u) - col(d))
    disc = np.exp(-r * dt)
    j = np.arange(m + 1, dtype=np.float64)
    s_col, k_col, u_col = col(np.broadcast_to(s, shape)), col(np.broadcast_to(k, shape)), col(u)
    payoff = np.maximum(s_col * u_col ** (2.0 * j - m) - k_col, 0.0)
    v = np.broadcast_to(payoff, (*shape, m + 1)).copy()
    for step in range(m - 1, -1, -1):
        q_k = q[..., step : step + 1]
        v = col(disc) * (q_k * v[..., 1:] + (1.0 - q_k) * v[..., :-1])
        if exercise == "american":
            nodes = s_col * u_col ** (2.0 * j[: step + 1] - step)
            v = np.maximum(v, nodes - k_col)
    return np.asarray(q, dtype=np.float64), np.asarray(v[..., 0], dtype=np.float64)


def binomial_real_option(
    value: ArrayLike,
    cost: ArrayLike,
    volatility: ArrayLike,
    life: ArrayLike,
    riskless_rate: ArrayLike,
    *,
    steps: int,
    exercise: Literal["american", "european"],
    cost_of_delay: CostOfDelay | ArrayLike,
    invalid: InvalidMode = "raise",
) -> OptionResult:
    """Cox–Ross–Rubinstein lattice; with ``american`` exercise the launch may happen at any node.

    ``dt = T/m``, ``u = e^(sigma sqrt dt)``, ``d = 1/u``,
    ``q_k = (e^((r - y_k) dt) - d)/(u - d)``,
    ``V_(k,j) = max(S_(k,j) - K, e^(-r dt) [q_k V_(k+1,j+1) + (1 - q_k) V_(k+1,j)])``.

    Parameters
    ----------
    value, cost, volatility, life, riskless_rate
        As in :func:`black_scholes_delay`.
    steps : int
        Number of time steps ``m`` (>= 1).
    exercise : {"american", "european"}
    cost_of_delay : "year_stepped", "inverse_life" or float or array (n,)
        ``year_stepped``: ``y_k = 1/ceil(T - k dt)`` (1/T, then 1/(T - 1), ...);
        ``inverse_life``: constant ``1/T``; a number: constant yield.
    invalid : {"raise", "nan"}
        ``nan`` marks paths breaking a rule (including ``q_k`` outside (0, 1)) instead of
        raising.

    Raises
    ------
    InputError
        As :func:`black_scholes_delay`; ``steps`` < 1, or any ``q_k`` outside ``(0, 1)``
        (named ``steps``: refine the lattice).
    """
    require_choice("exercise", exercise, ("american", "european"))
    s, k, sigma, t, r, checks = _inputs(value, cost, volatility, life, riskless_rate, invalid)
    shape = checks.shape
    if int(steps) != steps or steps < 1:
        raise InputError("steps", "must be a whole number >= 1")
    m = int(steps)
    if isinstance(cost_of_delay, str) and cost_of_delay == "year_stepped":
        # invalid lives are already recorded; a stand-in keeps their schedule finite
        y = delay_yield_schedule(np.where(t > 0, t, 1.0), m)
    else:
        y = np.asarray(
            col(_constant_delay(cost_of_delay, t, checks)) * np.ones(m), dtype=np.float64
        )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q, c = _lattice(s, k, sigma, t, r, y, m, exercise, shape)
    checks.require(
        "steps",
        "risk-neutral probabilities q_k must lie in (0, 1): use more steps",
        (q > 0) & (q < 1),
        per_year=True,
    )
    npv = np.broadcast_to(s - k, shape)
    premium = c - np.maximum(npv, 0.0)

    def shaped(x: ArrayLike) -> FloatArray:
        return checks.finish(np.asarray(np.broadcast_to(x, shape), dtype=np.float64))

    return OptionResult(
        value=shaped(c),
        npv=shaped(npv),
        time_premium=shaped(premium),
        cost_of_delay=shaped(y[..., 0]),
        valid=checks.mask(),
    )
