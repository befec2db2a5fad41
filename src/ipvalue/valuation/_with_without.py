"""With-and-without and premium-profit incremental flows (METHODS §2.4)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import Checks, FloatArray, InvalidMode, as_param, as_series, col, leading_shape
from ._dcf import IncomeResult, _check_conventions, prepare_options, value_flows
from ._factors import Timing
from ._tab import TaxAmortisation
from ._terminal import TVDiscounting


def with_and_without(
    cash_flows_with: ArrayLike,
    cash_flows_without: ArrayLike,
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
) -> IncomeResult:
    """``V_pre = sum_t (CF_t^with - CF_t^without) DF_t``; ``V = V_pre * TAB_factor``.

    The *without* scenario must already include the time and cost to replace or design around
    the asset (METHODS §2.4); both scenarios are after tax. ``cash_flows`` in the result is the
    difference.

    Raises
    ------
    InputError
        Scenarios of different lengths, plus the :func:`dcf` rules.
    """
    _check_conventions(timing, tab, terminal_growth, tv_discounting)
    cf_with = as_series(cash_flows_with, "cash_flows_with")
    cf_without = as_series(cash_flows_without, "cash_flows_without")
    if cf_with.shape[-1] != cf_without.shape[-1]:
        raise InputError("cash_flows_without", "must cover the same years as cash_flows_with")
    r = as_param(rate, "rate")
    options, fields = prepare_options(
        horizon=cf_with.shape[-1],
        timing=timing,
        probability=probability,
        life=life,
        terminal_growth=terminal_growth,
        times=times,
        tab=tab,
    )
    shape = leading_shape(
        {
            "series:cash_flows_with": cf_with,
            "series:cash_flows_without": cf_without,
            "rate": r,
            **fields,
        }
    )
    return value_flows(
        np.asarray(cf_with - cf_without, dtype=np.float64),
        r,
        None,
        timing=timing,
        options=options,
        tv_discounting=tv_discounting,
        tab=tab,
        checks=Checks(shape, invalid),
        series=True,
    )


def premium_profit_flows(
    *,
    price_with: ArrayLike,
    price_generic: ArrayLike,
    quantity_with: ArrayLike,
    quantity_without: ArrayLike,
    unit_margin: ArrayLike,
    delta_cost: ArrayLike,
    tax_rate: ArrayLike,
) -> FloatArray:
    """Incremental after-tax flow from price and volume premia (METHODS §2.4, ISO 10668).

    ``dCF_t = [(P_with - P_generic) * Q_with + (Q_with - Q_without) * m - dCost] * (1 - T)``.
    The price premium is earned on the volume sold with the asset; the volume premium earns the
    generic unit margin ``m``; ``dCost`` is the extra cost of owning the asset.

    Parameters
    ----------
    price_with, price_generic, quantity_with, quantity_without, unit_margin, delta_cost
        Numbers or series ``(T,)``/``(n, T)``; quantities must be >= 0.
    tax_rate : float or array (n,)
        In ``[0, 1)``.

    Returns
    -------
    ndarray
        ``dCF_t``, the broadcast shape of the inputs (feed it to :func:`dcf`).

    Raises
    ------
    InputError
        Negative quantities, tax outside ``[0, 1)``, shapes that do not broadcast, non-finite
        values.
    """
    parts = {
        "price_with": price_with,
        "price_generic": price_generic,
        "quantity_with": quantity_with,
        "quantity_without": quantity_without,
        "unit_margin": unit_margin,
        "delta_cost": delta_cost,
    }
    arrs: dict[str, FloatArray] = {}
    for name, value in parts.items():
        try:
            arrs[name] = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(name, "must be a number or a series of numbers") from None
        if arrs[name].ndim > 2:
            raise InputError(name, "must be a number or a series (T,) or (n, T)")
        if not np.all(np.isfinite(arrs[name])):
            raise InputError(name, "must be finite numbers")
    tax = as_param(tax_rate, "tax_rate")
    checks = Checks((), "raise")
    checks.require("quantity_with", "must be >= 0", arrs["quantity_with"] >= 0)
    checks.require("quantity_without", "must be >= 0", arrs["quantity_without"] >= 0)
    checks.require("tax_rate", "must be in [0, 1)", (tax >= 0) & (tax < 1))
    try:
        pre_tax = (
            (arrs["price_with"] - arrs["price_generic"]) * arrs["quantity_with"]
            + (arrs["quantity_with"] - arrs["quantity_without"]) * arrs["unit_margin"]
            - arrs["delta_cost"]
        )
        return np.asarray(pre_tax * col(1.0 - tax), dtype=np.float64)
    except ValueError:
        raise InputError("premium_profit", "inputs must share the same years and paths") from None
