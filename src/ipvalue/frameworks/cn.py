"""China: split-rate (分成率) income method, discount-rate build-up, cost forms, GB/T 42748.

See docs/frameworks/cn.md for what follows which source and what is ipvalue's choice.
"""

from __future__ import annotations

from ipvalue.frameworks._cn_cost import (
    CnCostResult,
    age_ratio_depreciation,
    age_ratio_value,
    component_cost_value,
    multiplier_cost,
)
from ipvalue.frameworks._cn_framework import FRAMEWORK, ChinaFramework, CnInputs
from ipvalue.frameworks._cn_gbt42748 import (
    GBT_DIMENSIONS,
    GBT_SCENARIOS,
    SHIPPED_CONFIG,
    GbtConfig,
    GbtResult,
    gbt42748_score,
    gbt42748_tree,
    load_gbt42748_config,
)
from ipvalue.frameworks._cn_split import (
    CN_RISK_PREMIA,
    CnRateResult,
    SplitBase,
    SplitRateResult,
    SplitValueResult,
    cn_discount_rate,
    equivalent_investment_split,
    incremental_profit_split,
    profit_split_from_revenue_split,
    revenue_split_from_profit_split,
    scoring_split,
    split_rate_value,
)

__all__ = [
    "CN_RISK_PREMIA",
    "FRAMEWORK",
    "GBT_DIMENSIONS",
    "GBT_SCENARIOS",
    "SHIPPED_CONFIG",
    "ChinaFramework",
    "CnCostResult",
    "CnInputs",
    "CnRateResult",
    "GbtConfig",
    "GbtResult",
    "SplitBase",
    "SplitRateResult",
    "SplitValueResult",
    "age_ratio_depreciation",
    "age_ratio_value",
    "cn_discount_rate",
    "component_cost_value",
    "equivalent_investment_split",
    "gbt42748_score",
    "gbt42748_tree",
    "incremental_profit_split",
    "load_gbt42748_config",
    "multiplier_cost",
    "profit_split_from_revenue_split",
    "revenue_split_from_profit_split",
    "scoring_split",
    "split_rate_value",
]
