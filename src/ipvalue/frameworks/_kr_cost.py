"""Korean adjusted reproduction cost (조정재생산 비용접근법), METHODS.md §4.3 (V, KR101536536B1)::

V  = RC + RC · ROA_med(industry) − Obsolescence
RC = historical R&D (labour, equipment, other R&D, other operating) restated to the
     valuation date
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Assumption, Note, Step, finite, non_negative, positive

COST_CATEGORIES = ("labour", "equipment", "other_rd", "other_operating")


@dataclass(frozen=True)
class RdCost:
    """One historical R&D cost: amount in the case currency and its restatement indices.

    ``restated = amount × index_at_valuation / index_at_cost`` (e.g. a producer price index).
    """

    category: str
    amount: float
    index_at_cost: float = 1.0
    index_at_valuation: float = 1.0


@dataclass(frozen=True)
class AdjustedCostResult:
    """Value, reproduction cost by category and the ROA mark-up."""

    value: float
    reproduction_cost: float
    by_category: dict[str, float]
    roa_markup: float
    obsolescence: float
    assumptions: tuple[Assumption, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def adjusted_reproduction_cost(
    costs: Sequence[RdCost],
    *,
    roa_median: float,
    roa_source: str,
    obsolescence: float,
) -> AdjustedCostResult:
    """Adjusted reproduction cost ``V = RC·(1 + ROA_med) − Obsolescence``.

    Parameters
    ----------
    costs
        Historical R&D costs in the four categories of the KR form (labour, equipment, other
        R&D, other operating); at least one.
    roa_median
        Median return on total assets (총자본순이익률) of the same industry, as a fraction
        (> −1). Not in refdata: supply it with ``roa_source``.
    obsolescence
        Obsolescence deduction as an amount (>= 0).

    Raises
    ------
    InputError
        Unknown category, negative amount, non-positive index, missing ROA source.

    Notes
    -----
    A negative result is reported with a warning, never floored: the valuer decides.
    """
    if not costs:
        raise InputError("kr.cost.costs", "needs at least one R&D cost item")
    by_cat = dict.fromkeys(COST_CATEGORIES, 0.0)
    for i, c in enumerate(costs):
        if c.category not in COST_CATEGORIES:
            raise InputError(
                f"kr.cost.costs.{i}.category", f"must be one of {', '.join(COST_CATEGORIES)}"
            )
        amt = non_negative(f"kr.cost.costs.{i}.amount", c.amount)
        i0 = positive(f"kr.cost.costs.{i}.index_at_cost", c.index_at_cost)
        i1 = positive(f"kr.cost.costs.{i}.index_at_valuation", c.index_at_valuation)
        by_cat[c.category] += amt * i1 / i0
    roa = finite("kr.cost.roa_median", roa_median)
    if roa <= -1:
        raise InputError("kr.cost.roa_median", "must be > -1")
    if not roa_source.strip():
        raise InputError(
            "kr.cost.roa_source", "is required (industry ROA medians are not in reference data)"
        )
    obs = non_negative("kr.cost.obsolescence", obsolescence)
    rc = math.fsum(by_cat.values())
    markup = rc * roa
    value = rc + markup - obs
    warnings: tuple[Note, ...] = ()
    if value < 0:
        warnings = (
            Note(
                "KR_COST_NEGATIVE", "obsolescence exceeds the adjusted cost; the value is negative"
            ),
        )
    return AdjustedCostResult(
        value=value,
        reproduction_cost=rc,
        by_category=by_cat,
        roa_markup=markup,
        obsolescence=obs,
        assumptions=(Assumption("industry_roa_median", roa, "fraction", roa_source, "input"),),
        warnings=warnings,
        trace=(
            Step("reproduction cost", "Σ amount × index_valuation / index_cost", rc),
            Step("ROA mark-up", "RC × ROA_med", markup),
            Step("adjusted reproduction value", "RC + RC·ROA_med − obsolescence", value),
        ),
    )
