"""Tax amortisation benefit (METHODS §1.3): period separate from the projection horizon."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import Checks, FloatArray, as_param, leading_shape, require_choice
from ._factors import _pvaf


@dataclass(frozen=True)
class TaxAmortisation:
    """How the tax amortisation benefit is computed for an income-approach value.

    Parameters
    ----------
    tax_rate : float or array (n,)
        Statutory rate ``T`` where the deduction would be taken, in ``[0, 1)``.
    amortisation_years : float or array (n,)
        Tax amortisation period ``n`` for the asset class (e.g. 15 under US IRC §197). It is
        neither the economic life nor the projection length.
    timing : {"end", "mid"}
        Timing of the amortisation deductions (frameworks usually follow the cash-flow timing).
    declining_rate : float or array (n,), optional
        Written-down-value (declining-balance) rate ``δ`` instead of a straight-line period
        (e.g. India s.32: 25 % on the intangible-asset block); ``amortisation_years`` is then
        None. See :func:`declining_balance_tab_factor`.
    first_year_fraction : float or array (n,)
        Share ``h`` of the full rate allowed in year 1 (India: 0.5 when the asset is used for
        less than 180 days in the year of acquisition); only with ``declining_rate``.
    """

    tax_rate: ArrayLike
    amortisation_years: ArrayLike | None
    timing: Literal["end", "mid"]
    declining_rate: ArrayLike | None = None
    first_year_fraction: ArrayLike = 1.0


def tab_factor(
    tax_rate: ArrayLike,
    amortisation_years: ArrayLike,
    rate: ArrayLike,
    timing: Literal["end", "mid"],
) -> FloatArray:
    """``TAB_factor = 1 / (1 - (T/n) * PVAF(k, n))`` (METHODS §1.3).

    ``V = V_pre * TAB_factor`` and ``TAB = V - V_pre = V * (T/n) * PVAF(k, n)``. ``k`` is the same
    asset-specific rate used for ``V_pre``; at ``k = 0`` the PVAF limit ``n`` is used, so the factor
    is ``1/(1 - T)``.

    Raises
    ------
    InputError
        ``tax_rate`` outside ``[0, 1)``, ``amortisation_years <= 0``, ``rate <= -1``, or a
        combination where ``(T/n) * PVAF >= 1`` (no finite value).
    """
    require_choice("tab.timing", timing, ("end", "mid"))
    t = as_param(tax_rate, "tab.tax_rate")
    n = as_param(amortisation_years, "tab.amortisation_years")
    k = as_param(rate, "rate")
    shape = leading_shape({"tab.tax_rate": t, "tab.amortisation_years": n, "rate": k})
    checks = Checks(shape, "raise")
    factor = _tab_factor(t, n, k, timing, checks)
    return factor


def declining_balance_tab_factor(
    tax_rate: ArrayLike,
    depreciation_rate: ArrayLike,
    rate: ArrayLike,
    timing: Literal["end", "mid"],
    first_year_fraction: ArrayLike,
) -> FloatArray:
    """TAB factor of a declining-balance (written-down-value) tax schedule, in closed form.

    Deductions are ``d_1 = δh`` and ``d_t = δ(1 − δh)(1 − δ)^(t−2)`` for ``t ≥ 2`` (shares of
    the price, summing to 1 over an unlimited horizon); with ``a = 1 + k``::

        S = Σ_t d_t · DF_t = δh/a + (1 − δh) · δ / (a · (k + δ))        (end of year)
        S_mid = S · √a                                                   (mid-year)
        TAB_factor = 1 / (1 − T · S)

    With ``h = 1`` this is ``S = δ / (k + δ)``. ``k`` is the asset's own rate (as for the
    straight-line :func:`tab_factor`). At ``k = 0``, ``S = 1`` and the factor is ``1/(1 − T)``.

    Parameters
    ----------
    tax_rate : float or array (n,)
        ``T`` in ``[0, 1)``.
    depreciation_rate : float or array (n,)
        ``δ`` in ``(0, 1]`` (``δ = 1`` is a full first-year deduction).
    rate : float or array (n,)
        Discount rate ``k`` > −1, with ``k + δ > 0``.
    timing : {"end", "mid"}
        Timing of the deductions.
    first_year_fraction : float or array (n,)
        ``h`` in ``(0, 1]`` (India: 0.5 for use under 180 days in the year of acquisition).

    Raises
    ------
    InputError
        Any parameter outside its range, or ``T · S >= 1`` (no finite value).
    """
    require_choice("tab.timing", timing, ("end", "mid"))
    t = as_param(tax_rate, "tab.tax_rate")
    d = as_param(depreciation_rate, "tab.declining_rate")
    h = as_param(first_year_fraction, "tab.first_year_fraction")
    k = as_param(rate, "rate")
    shape = leading_shape(
        {"tab.tax_rate": t, "tab.declining_rate": d, "tab.first_year_fraction": h, "rate": k}
    )
    checks = Checks(shape, "raise")
    return _declining_tab_factor(t, d, h, k, timing, checks)


def _declining_share(d: FloatArray, h: FloatArray, k: FloatArray, timing: str) -> FloatArray:
    """``Σ_t d_t · DF_t`` of the declining-balance schedule (see the public function)."""
    a = 1.0 + k
    with np.errstate(invalid="ignore", divide="ignore"):
        first = d * h
        s = first / a + (1.0 - first) * d / (a * (k + d))
    if timing == "mid":
        s = s * np.sqrt(a)
    return np.asarray(s, dtype=np.float64)


def _declining_tab_factor(
    t: FloatArray, d: FloatArray, h: FloatArray, k: FloatArray, timing: str, checks: Checks
) -> FloatArray:
    checks.require("tab.tax_rate", "must be in [0, 1)", (t >= 0) & (t < 1))
    checks.require("tab.declining_rate", "must be in (0, 1]", (d > 0) & (d <= 1))
    checks.require("tab.first_year_fraction", "must be in (0, 1]", (h > 0) & (h <= 1))
    checks.require("rate", "must be > -1 and rate + declining_rate > 0", (k > -1.0) & (k + d > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = t * _declining_share(d, h, k, timing)
        checks.require("tab", "T*Σ d_t·DF_t must be < 1 for a finite TAB factor", share < 1.0)
        factor = 1.0 / (1.0 - share)
    return np.asarray(factor, dtype=np.float64)


def _schedule_factor(
    tab: TaxAmortisation, k: FloatArray, checks: Checks, log_a: FloatArray | None = None
) -> FloatArray:
    """The TAB factor of ``tab``: declining balance when it has a rate, else straight line."""
    t = as_param(tab.tax_rate, "tab.tax_rate")
    if tab.declining_rate is not None:
        d = as_param(tab.declining_rate, "tab.declining_rate")
        h = as_param(tab.first_year_fraction, "tab.first_year_fraction")
        return _declining_tab_factor(t, d, h, k, tab.timing, checks)
    if tab.amortisation_years is None:
        from ipvalue.core.errors import InputError

        raise InputError("tab.amortisation_years", "give a period or a declining_rate")
    n = as_param(tab.amortisation_years, "tab.amortisation_years")
    return _tab_factor(t, n, k, tab.timing, checks, log_a)


def _tab_factor(
    t: FloatArray,
    n: FloatArray,
    k: FloatArray,
    timing: str,
    checks: Checks,
    log_a: FloatArray | None = None,
) -> FloatArray:
    checks.require("tab.tax_rate", "must be in [0, 1)", (t >= 0) & (t < 1))
    checks.require("tab.amortisation_years", "must be > 0", n > 0)
    checks.require("rate", "must be > -1", k > -1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (t / n) * _pvaf(k, n, timing, log_a)
        checks.require("tab", "(T/n)*PVAF must be < 1 for a finite TAB factor", share < 1.0)
        factor = 1.0 / (1.0 - share)
    return np.asarray(factor, dtype=np.float64)
