"""Profit split (METHODS §2.5): royalty = K x profit, and the royalty-rate conversions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import Checks, FloatArray, InvalidMode, as_param, as_series, leading_shape
from ._dcf import IncomeResult, _check_conventions, prepare_options, value_flows
from ._factors import Timing
from ._tab import TaxAmortisation
from ._terminal import TVDiscounting


def profit_split(
    profit: ArrayLike,
    split: ArrayLike,
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
    """``V_pre = sum_t K * Profit_t * (1 - T) * DF_t``: the generic profit-split family.

    Covers OECD profit split, the CN 分成率 and the KR technology contribution in their generic
    form; the jurisdiction frameworks supply ``K`` and the profit base.

    Parameters
    ----------
    profit : array (T,) or (n, T)
        Pre-tax profit base (pass ``tax_rate=0`` for an after-tax base). May be negative.
    split : float or array (n,)
        Share ``K`` of the profit attributable to the asset, in ``[0, 1]``.
    tax_rate : float or array (n,)
        In ``[0, 1)``.
    rate, timing, tab, terminal_growth, tv_discounting, probability, life, times, invalid, series
        As in :func:`dcf`.

    Raises
    ------
    InputError
        ``split`` outside ``[0, 1]``, tax outside ``[0, 1)``, plus the :func:`dcf` rules.
    """
    _check_conventions(timing, tab, terminal_growth, tv_discounting)
    base = as_series(profit, "profit")
    k = as_param(split, "split")
    tax = as_param(tax_rate, "tax_rate")
    r = as_param(rate, "rate")
    options, fields = prepare_options(
        horizon=base.shape[-1],
        timing=timing,
        probability=probability,
        life=life,
        terminal_growth=terminal_growth,
        times=times,
        tab=tab,
    )
    shape = leading_shape({"series:profit": base, "split": k, "tax_rate": tax, "rate": r, **fields})
    checks = Checks(shape, invalid)
    checks.require("split", "must be in [0, 1]", (k >= 0) & (k <= 1))
    checks.require("tax_rate", "must be in [0, 1)", (tax >= 0) & (tax < 1))
    return value_flows(
        base,
        r,
        k * (1.0 - tax),
        timing=timing,
        options=options,
        tv_discounting=tv_discounting,
        tab=tab,
        checks=checks,
        series=series,
        flows_field="profit",
    )


def royalty_rate_from_split(split: ArrayLike, operating_margin: ArrayLike) -> FloatArray:
    """Royalty rate on sales equivalent to a profit split: ``rho = K * operating margin``.

    Raises
    ------
    InputError
        ``split`` outside ``[0, 1]`` or a margin outside ``(-1, 1]``.
    """
    k = as_param(split, "split")
    m = as_param(operating_margin, "operating_margin")
    leading_shape({"split": k, "operating_margin": m})
    checks = Checks((), "raise")
    checks.require("split", "must be in [0, 1]", (k >= 0) & (k <= 1))
    checks.require("operating_margin", "must be in (-1, 1]", (m > -1) & (m <= 1))
    return np.asarray(k * m, dtype=np.float64)


def split_from_royalty_rate(royalty_rate: ArrayLike, operating_margin: ArrayLike) -> FloatArray:
    """Profit split implied by a royalty on sales: ``K = rho / operating margin``.

    Raises
    ------
    InputError
        Royalty outside ``[0, 1]`` or a margin that is not > 0 (no split is implied).
    """
    rho = as_param(royalty_rate, "royalty_rate")
    m = as_param(operating_margin, "operating_margin")
    leading_shape({"royalty_rate": rho, "operating_margin": m})
    checks = Checks((), "raise")
    checks.require("royalty_rate", "must be in [0, 1]", (rho >= 0) & (rho <= 1))
    checks.require("operating_margin", "must be in (0, 1]", (m > 0) & (m <= 1))
    return np.asarray(rho / m, dtype=np.float64)
