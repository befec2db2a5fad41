"""Korea: MOTIE/KIAT 기술가치평가 실무가이드 (technology valuation practice guide).

Technology value = business value (DCF) × technology contribution; economic life Model I; the
commercialisation risk premium TRP(S); the discount-rate build-up in both published variants;
the adjusted reproduction cost; a SMART5-style grade. See docs/frameworks/kr.md.
"""

from __future__ import annotations

from ipvalue.frameworks._kr_autoscore import (
    AUTO_SCORE_RULES,
    AutoScore,
    auto_score,
    economic_life_score,
    obsolescence_score,
    preparation_score,
)
from ipvalue.frameworks._kr_contribution import (
    STRENGTH_ITEMS,
    ContributionResult,
    StrengthResult,
    TechnologyValueResult,
    business_value,
    individual_strength,
    technology_contribution,
    technology_value,
)
from ipvalue.frameworks._kr_cost import (
    COST_CATEGORIES,
    AdjustedCostResult,
    RdCost,
    adjusted_reproduction_cost,
)
from ipvalue.frameworks._kr_cycletime import CYCLE_TIME_COLUMNS, read_cycle_time_quartiles
from ipvalue.frameworks._kr_evidence import (
    SMART_ITEM_INDICATORS,
    STRENGTH_ITEM_INDICATORS,
    ItemEvidence,
    item_evidence,
)
from ipvalue.frameworks._kr_framework import FRAMEWORK, KoreaFramework, KrInputs
from ipvalue.frameworks._kr_life import (
    LIFE_FACTORS,
    LifeResult,
    Quartiles,
    life_factor_score,
    model_i_life,
)
from ipvalue.frameworks._kr_rate import (
    TRP_INTERCEPT,
    TRP_ITEMS,
    TRP_SLOPE,
    KrRateResult,
    RateVariant,
    TrpResult,
    kr_discount_rate,
    trp,
    trp_from_items,
)
from ipvalue.frameworks._kr_smart import (
    DEFAULT_GRADE_LABELS,
    GROUP_WEIGHT_PRESETS,
    IPM_POINTS,
    SMART_GROUPS,
    WIPO_SECTORS,
    SmartConfig,
    SmartResult,
    smart_grade,
    smart_points,
    smart_preset,
)

__all__ = [
    "AUTO_SCORE_RULES",
    "COST_CATEGORIES",
    "CYCLE_TIME_COLUMNS",
    "DEFAULT_GRADE_LABELS",
    "FRAMEWORK",
    "GROUP_WEIGHT_PRESETS",
    "IPM_POINTS",
    "LIFE_FACTORS",
    "SMART_GROUPS",
    "SMART_ITEM_INDICATORS",
    "STRENGTH_ITEMS",
    "STRENGTH_ITEM_INDICATORS",
    "TRP_INTERCEPT",
    "TRP_ITEMS",
    "TRP_SLOPE",
    "WIPO_SECTORS",
    "AdjustedCostResult",
    "AutoScore",
    "ContributionResult",
    "ItemEvidence",
    "KoreaFramework",
    "KrInputs",
    "KrRateResult",
    "LifeResult",
    "Quartiles",
    "RateVariant",
    "RdCost",
    "SmartConfig",
    "SmartResult",
    "StrengthResult",
    "TechnologyValueResult",
    "TrpResult",
    "adjusted_reproduction_cost",
    "auto_score",
    "business_value",
    "economic_life_score",
    "individual_strength",
    "item_evidence",
    "kr_discount_rate",
    "life_factor_score",
    "model_i_life",
    "obsolescence_score",
    "preparation_score",
    "read_cycle_time_quartiles",
    "smart_grade",
    "smart_points",
    "smart_preset",
    "technology_contribution",
    "technology_value",
    "trp",
    "trp_from_items",
]
