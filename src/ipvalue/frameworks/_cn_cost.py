"""Chinese cost-approach forms, METHODS.md §4.4 [haxgd][CN-cost-exam][bjx]::

P       = RC · (1 − δ),   δ (贬值率) = used years / (used + remaining years)
RC_倍加  = (ΣC + β·ΣV) / (1 − β₁) · (1 + L)                    倍加系数法 (roles S)
P       = RC − D_phys − D_func − D_econ,
          RC = R&D labour + R&D expenses + management cost + opportunity cost
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Note, Step, finite, in_range, non_negative, positive


@dataclass(frozen=True)
class CnCostResult:
    """Cost-approach value with its replacement cost and deductions."""

    value: float
    replacement_cost: float
    depreciation_rate: float | None
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def age_ratio_depreciation(used_years: float, remaining_years: float) -> float:
    """贬值率 ``δ = used / (used + remaining)`` (years; remaining > 0)."""
    u = non_negative("cn.cost.used_years", used_years)
    r = positive("cn.cost.remaining_years", remaining_years)
    return u / (u + r)


def age_ratio_value(
    replacement_cost: float, *, used_years: float, remaining_years: float
) -> CnCostResult:
    """``P = RC·(1 − δ)`` with the age-ratio depreciation rate."""
    rc = non_negative("cn.cost.replacement_cost", replacement_cost)
    d = age_ratio_depreciation(used_years, remaining_years)
    p = rc * (1.0 - d)
    return CnCostResult(
        p,
        rc,
        d,
        (),
        (
            Step("depreciation rate", "used / (used + remaining)", d),
            Step("cost value", "RC·(1 − δ)", p),
        ),
    )


def multiplier_cost(
    *,
    material_costs: float,
    rd_labour: float,
    creative_multiplier: float,
    failure_rate: float,
    return_rate: float,
) -> CnCostResult:
    """倍加系数法 ``RC = (ΣC + β·ΣV) / (1 − β₁) · (1 + L)``.

    Parameters
    ----------
    material_costs
        ΣC, material and other costs (>= 0).
    rd_labour
        ΣV, R&D labour (>= 0).
    creative_multiplier
        β, the creative-labour multiplier (> 0; textbook values exceed 1).
    failure_rate
        β₁, research risk (failure) rate in [0, 1).
    return_rate
        L, investment return rate (> −1).
    """
    c = non_negative("cn.cost.material_costs", material_costs)
    v = non_negative("cn.cost.rd_labour", rd_labour)
    beta = positive("cn.cost.creative_multiplier", creative_multiplier)
    b1 = in_range("cn.cost.failure_rate", failure_rate, 0.0, 1.0, high_open=True)
    lr = finite("cn.cost.return_rate", return_rate)
    if lr <= -1:
        raise InputError("cn.cost.return_rate", "must be > -1")
    base = c + beta * v
    rc = base / (1.0 - b1) * (1.0 + lr)
    warnings: tuple[Note, ...] = ()
    if beta < 1:
        warnings = (
            Note(
                "CN_MULTIPLIER_BELOW_ONE",
                f"creative-labour multiplier β = {beta:g} "
                "< 1 discounts R&D labour; textbook forms use β > 1",
            ),
        )
    return CnCostResult(
        rc,
        rc,
        None,
        warnings,
        (
            Step("cost base", "ΣC + β·ΣV", base),
            Step("replacement cost (倍加系数法)", "(ΣC + β·ΣV)/(1 − β₁)·(1 + L)", rc),
        ),
    )


def component_cost_value(
    *,
    rd_labour: float,
    rd_expenses: float,
    management_cost: float,
    opportunity_cost: float,
    physical: float,
    functional: float,
    economic: float,
) -> CnCostResult:
    """``P = RC − D_phys − D_func − D_econ`` with RC as the sum of its four components.

    All amounts >= 0. A negative value is reported with a warning, never floored.
    """
    parts = {
        n: non_negative(f"cn.cost.{n}", v)
        for n, v in (
            ("rd_labour", rd_labour),
            ("rd_expenses", rd_expenses),
            ("management_cost", management_cost),
            ("opportunity_cost", opportunity_cost),
        )
    }
    ded = {
        n: non_negative(f"cn.cost.{n}", v)
        for n, v in (("physical", physical), ("functional", functional), ("economic", economic))
    }
    rc = math.fsum(parts.values())
    p = rc - math.fsum(ded.values())
    warnings: tuple[Note, ...] = ()
    if p < 0:
        warnings = (Note("CN_COST_NEGATIVE", "obsolescence exceeds the replacement cost"),)
    return CnCostResult(
        p,
        rc,
        None,
        warnings,
        (
            Step("replacement cost", "labour + expenses + management + opportunity", rc),
            Step("cost value", "RC − D_phys − D_func − D_econ", p),
        ),
    )
