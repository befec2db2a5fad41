"""Reproduction / replacement cost with profit, incentive and obsolescence (METHODS §4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import (
    BoolArray,
    Checks,
    FloatArray,
    InvalidMode,
    as_param,
    leading_shape,
    require_choice,
)

CostBasis = Literal["reproduction", "replacement"]
ObsolescenceMode = Literal["multiplicative", "amounts"]


@dataclass(frozen=True)
class CostResult:
    """Cost-approach build-up; every amount has the leading shape ``()`` or ``(n,)``.

    Attributes
    ----------
    basis, obsolescence_mode : str
        As passed.
    direct, indirect, developer_profit, entrepreneurial_incentive : ndarray
        The components of the cost new.
    cost_new : ndarray
        ``RC = direct + indirect + developer_profit + entrepreneurial_incentive``.
    physical, functional, economic : ndarray
        Obsolescence amounts (in multiplicative mode applied in that order, each on what the
        previous left: ``RC d_p``, ``RC (1 - d_p) d_f``, ``RC (1 - d_p)(1 - d_f) d_e``).
    obsolescence : ndarray
        Their sum.
    value : ndarray
        ``RC - obsolescence``. No TAB is ever applied to a cost value.
    valid : ndarray of bool
        False where a path broke a rule (``invalid="nan"``; its amounts are ``nan``).
    """

    basis: str
    obsolescence_mode: str
    direct: FloatArray
    indirect: FloatArray
    developer_profit: FloatArray
    entrepreneurial_incentive: FloatArray
    cost_new: FloatArray
    physical: FloatArray
    functional: FloatArray
    economic: FloatArray
    obsolescence: FloatArray
    value: FloatArray
    valid: BoolArray


def cost_approach(
    direct: ArrayLike,
    indirect: ArrayLike,
    *,
    developer_profit: ArrayLike,
    entrepreneurial_incentive: ArrayLike,
    basis: CostBasis,
    obsolescence_mode: ObsolescenceMode,
    physical: ArrayLike,
    functional: ArrayLike,
    economic: ArrayLike,
    invalid: InvalidMode = "raise",
) -> CostResult:
    """``RC = direct + indirect + developer's profit + entrepreneurial incentive``, less
    obsolescence.

    Parameters
    ----------
    direct, indirect : float or array (n,)
        Cost at current prices (reproduction: an exact replica; replacement: equal utility with
        current methods), >= 0.
    developer_profit : float or array (n,)
        Return on the development effort, an amount >= 0 (state 0 explicitly when none).
    entrepreneurial_incentive : float or array (n,)
        Reward needed to undertake the development, usually the opportunity cost
        (:func:`activity_based_rd_cost` gives it), >= 0.
    basis : {"reproduction", "replacement"}
    obsolescence_mode : {"multiplicative", "amounts"}
        ``multiplicative``: ``V = RC (1 - d_p)(1 - d_f)(1 - d_e)`` with fractions in [0, 1];
        ``amounts``: ``V = RC - (D_p + D_f + D_e)`` with amounts >= 0 that may not exceed RC.
    physical, functional, economic : float or array (n,)
        Fractions or amounts per the mode (physical deterioration is usually 0 for intangibles).
    invalid : {"raise", "nan"}
        ``nan`` marks paths breaking a rule (Monte Carlo draws) instead of raising.

    Returns
    -------
    CostResult

    Raises
    ------
    InputError
        Negative components, unknown basis or mode, fractions outside [0, 1], negative amounts
        or amounts exceeding the cost new.
    """
    require_choice("basis", basis, ("reproduction", "replacement"))
    require_choice("obsolescence_mode", obsolescence_mode, ("multiplicative", "amounts"))
    parts = {
        "direct": as_param(direct, "direct"),
        "indirect": as_param(indirect, "indirect"),
        "developer_profit": as_param(developer_profit, "developer_profit"),
        "entrepreneurial_incentive": as_param(
            entrepreneurial_incentive, "entrepreneurial_incentive"
        ),
    }
    obs = {
        "physical": as_param(physical, "physical"),
        "functional": as_param(functional, "functional"),
        "economic": as_param(economic, "economic"),
    }
    shape = leading_shape({**parts, **obs})
    checks = Checks(shape, invalid)
    for name, arr in parts.items():
        checks.require(name, "must be >= 0", arr >= 0)
    rc = parts["direct"] + parts["indirect"] + parts["developer_profit"]
    rc = rc + parts["entrepreneurial_incentive"]
    if obsolescence_mode == "multiplicative":
        for name, arr in obs.items():
            checks.require(name, "must be a fraction in [0, 1]", (arr >= 0) & (arr <= 1))
        # chain the remaining values so a heavily written-down value keeps full precision
        phys = rc * obs["physical"]
        after_phys = rc * (1.0 - obs["physical"])
        func = after_phys * obs["functional"]
        after_func = after_phys * (1.0 - obs["functional"])
        econ = after_func * obs["economic"]
        value = after_func * (1.0 - obs["economic"])
    else:
        for name, arr in obs.items():
            checks.require(name, "must be an amount >= 0", arr >= 0)
        phys, func, econ = obs["physical"], obs["functional"], obs["economic"]
        checks.require(
            "economic",
            "obsolescence amounts must not exceed the cost new",
            phys + func + econ <= rc,
        )
        value = rc - (phys + func + econ)
    total = phys + func + econ

    def shaped(x: ArrayLike) -> FloatArray:
        return checks.finish(np.asarray(np.broadcast_to(x, shape), dtype=np.float64))

    return CostResult(
        basis=basis,
        obsolescence_mode=obsolescence_mode,
        direct=shaped(parts["direct"]),
        indirect=shaped(parts["indirect"]),
        developer_profit=shaped(parts["developer_profit"]),
        entrepreneurial_incentive=shaped(parts["entrepreneurial_incentive"]),
        cost_new=shaped(rc),
        physical=shaped(phys),
        functional=shaped(func),
        economic=shaped(econ),
        obsolescence=shaped(total),
        value=shaped(value),
        valid=checks.mask(),
    )
