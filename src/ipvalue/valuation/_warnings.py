"""Conditions on an income result that the engine reports as warnings (METHODS §1.2)."""

from __future__ import annotations

import numpy as np

from ipvalue.core.errors import InputError

from ._arrays import BoolArray
from ._dcf import IncomeResult


def income_warning_flags(
    result: IncomeResult, *, max_tv_share: float, min_spread: float, finite_right: bool
) -> dict[str, BoolArray]:
    """Element-wise warning flags; thresholds come from settings or the framework.

    Returns
    -------
    dict
        ``tv_share_high``: ``PV(TV) / V_pre > max_tv_share``; ``narrow_spread``: a perpetual TV
        with ``r - g < min_spread``; ``perpetual_tv_on_finite_right``: a perpetual TV on a right
        the caller marks finite (patents, unless renewable follow-on rights are asserted).
        Invalid elements (``nan``) never raise a flag.

    Raises
    ------
    InputError
        ``max_tv_share`` outside ``(0, 1]`` or ``min_spread`` negative.
    """
    if not 0 < max_tv_share <= 1:
        raise InputError("max_tv_share", "must be in (0, 1]")
    if not min_spread >= 0:
        raise InputError("min_spread", "must be >= 0")
    perpetual = ~np.isnan(result.rate_growth_spread)
    with np.errstate(invalid="ignore"):
        return {
            "tv_share_high": np.asarray(np.abs(result.tv_share) > max_tv_share),
            "narrow_spread": np.asarray(perpetual & (result.rate_growth_spread < min_spread)),
            "perpetual_tv_on_finite_right": np.asarray(perpetual & bool(finite_right)),
        }
