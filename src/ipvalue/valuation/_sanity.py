"""The 25 % rule, as a sanity check only (METHODS §2.5).

*Uniloc USA v. Microsoft*, 632 F.3d 1292 (Fed. Cir. 2011) held the rule a fundamentally flawed
baseline; it is never a valuation method and never enters reconciliation weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._arrays import Checks, FloatArray, as_param, leading_shape

LABEL = "sanity check, not a valuation method"


@dataclass(frozen=True)
class SanityCheck:
    """Result of a sanity check; ``is_valuation_method`` is always False."""

    name: str
    label: str
    split: float
    royalty: FloatArray
    royalty_rate: FloatArray
    is_valuation_method: bool = False


def rule_of_25(operating_profit: ArrayLike, revenue: ArrayLike) -> SanityCheck:
    """``royalty = 0.25 x licensee's expected operating profit`` [Gold02], labelled.

    Parameters
    ----------
    operating_profit : float or array (n,)
        Licensee's expected operating profit on the licensed product.
    revenue : float or array (n,)
        The matching revenue (> 0), to express the royalty as a rate on sales.

    Raises
    ------
    InputError
        ``revenue`` not > 0, non-finite profit.
    """
    profit = as_param(operating_profit, "operating_profit")
    rev = as_param(revenue, "revenue")
    leading_shape({"operating_profit": profit, "revenue": rev})
    checks = Checks((), "raise")
    checks.require("operating_profit", "must be a finite number", np.isfinite(profit))
    checks.require("revenue", "must be > 0", rev > 0)
    royalty = 0.25 * profit
    return SanityCheck(
        name="rule_of_25",
        label=LABEL,
        split=0.25,
        royalty=np.asarray(royalty, dtype=np.float64),
        royalty_rate=np.asarray(royalty / rev, dtype=np.float64),
    )
