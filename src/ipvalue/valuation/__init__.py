"""Valuation: pure numeric kernels (discounting, income, market, cost, options, lifecycle).

The kernels are re-exported here; the engine, simulation and reconciliation modules of this
package build on them.
"""

from .discounting import (
    TaxAmortisation,
    discount_factors,
    flow_times,
    gordon_terminal_value,
    npv,
    present_value,
    pvaf,
    tab_factor,
    terminal_discount_factor,
)
from .income import IncomeResult, dcf, relief_from_royalty, relief_from_royalty_growth

__all__ = [
    "IncomeResult",
    "TaxAmortisation",
    "dcf",
    "discount_factors",
    "flow_times",
    "gordon_terminal_value",
    "npv",
    "present_value",
    "pvaf",
    "relief_from_royalty",
    "relief_from_royalty_growth",
    "tab_factor",
    "terminal_discount_factor",
]
