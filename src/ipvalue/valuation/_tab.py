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
    """

    tax_rate: ArrayLike
    amortisation_years: ArrayLike
    timing: Literal["end", "mid"]


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
