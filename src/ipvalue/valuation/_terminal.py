"""Gordon-growth terminal value and the factor it is discounted with (METHODS §1.2)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import Checks, FloatArray, as_param, leading_shape, require_choice

TVDiscounting = Literal["final_factor", "end_of_horizon"]
TV_DISCOUNTINGS: tuple[str, ...] = ("final_factor", "end_of_horizon")


def gordon_terminal_value(
    final_cash_flow: ArrayLike, rate: ArrayLike, growth: ArrayLike
) -> FloatArray:
    """``TV_N = CF_N * (1 + g) / (r - g)`` at the end of the explicit horizon.

    Raises
    ------
    InputError
        ``growth >= rate`` (named ``g``; never clamped), ``growth <= -1`` or ``rate <= -1``.
    """
    cf = as_param(final_cash_flow, "final_cash_flow")
    r = as_param(rate, "rate")
    g = as_param(growth, "terminal_growth")
    leading_shape({"final_cash_flow": cf, "rate": r, "terminal_growth": g})
    checks = Checks((), "raise")
    checks.require("rate", "must be > -1", r > -1.0)
    checks.require("terminal_growth", "must be > -1", g > -1.0)
    checks.require("terminal_growth", "must be < discount rate (Gordon growth needs g < r)", g < r)
    return np.asarray(cf * (1.0 + g) / (r - g), dtype=np.float64)


def terminal_discount_factor(
    rate: ArrayLike,
    horizon: int,
    *,
    timing: Literal["end", "mid"],
    tv_discounting: TVDiscounting,
) -> FloatArray:
    """``DF_TV``: the last explicit year's factor or ``(1+r)^-N`` (METHODS §1.2).

    ``final_factor`` reuses ``DF_N`` (``(1+r)^-(N-0.5)`` under mid-year timing);
    ``end_of_horizon`` is ``(1+r)^-N`` whatever the timing.

    Raises
    ------
    InputError
        Unknown convention, ``horizon < 1`` or ``rate <= -1``.
    """
    require_choice("tv_discounting", tv_discounting, TV_DISCOUNTINGS)
    require_choice("timing", timing, ("end", "mid"))
    if int(horizon) != horizon or horizon < 1:
        raise InputError("horizon", "must be a whole number of years >= 1")
    r = as_param(rate, "rate")
    Checks((), "raise").require("rate", "must be > -1", r > -1.0)
    exponent = float(horizon) - (0.5 if timing == "mid" and tv_discounting == "final_factor" else 0)
    return np.asarray(np.power(1.0 + r, -exponent), dtype=np.float64)
