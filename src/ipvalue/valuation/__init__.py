"""Valuation: pure numeric kernels (discounting, income, market, cost, options, lifecycle).

The kernels are re-exported here; the engine, simulation and reconciliation modules of this
package build on them. Public modules: :mod:`.discounting`, :mod:`.income`, :mod:`.market`,
:mod:`.cost`, :mod:`.options`, :mod:`.lifecycle` (no function shares a module's name).
"""

from .cost import (
    CountryFees,
    RDActivity,
    activity_based_rd_cost,
    cost_approach,
    filing_maintenance_cost,
)
from .discounting import (
    TaxAmortisation,
    declining_balance_tab_factor,
    discount_factors,
    flow_times,
    gordon_terminal_value,
    npv,
    present_value,
    pvaf,
    tab_factor,
    terminal_discount_factor,
)
from .income import (
    ContributoryAsset,
    IncomeResult,
    Market,
    dcf,
    excess_earnings,
    income_warning_flags,
    premium_profit_flows,
    profit_split,
    regional_income,
    relief_from_royalty,
    relief_from_royalty_growth,
    royalty_rate_from_split,
    rule_of_25,
    split_from_royalty_rate,
    with_and_without,
)
from .lifecycle import Stage, lifecycle_forecast
from .market import Comparable, comparable_transactions, quality_ratio_value
from .options import binomial_real_option, black_scholes_delay

__all__ = [
    "Comparable",
    "ContributoryAsset",
    "CountryFees",
    "IncomeResult",
    "Market",
    "RDActivity",
    "Stage",
    "TaxAmortisation",
    "activity_based_rd_cost",
    "binomial_real_option",
    "black_scholes_delay",
    "comparable_transactions",
    "cost_approach",
    "dcf",
    "declining_balance_tab_factor",
    "discount_factors",
    "excess_earnings",
    "filing_maintenance_cost",
    "flow_times",
    "gordon_terminal_value",
    "income_warning_flags",
    "lifecycle_forecast",
    "npv",
    "premium_profit_flows",
    "present_value",
    "profit_split",
    "pvaf",
    "quality_ratio_value",
    "regional_income",
    "relief_from_royalty",
    "relief_from_royalty_growth",
    "royalty_rate_from_split",
    "rule_of_25",
    "split_from_royalty_rate",
    "tab_factor",
    "terminal_discount_factor",
    "with_and_without",
]
