"""Japan: relief from royalty with JPO FY2009 survey rates, the technology-market-finance
assessment with TRL (an ipvalue platform model) and a bank-style qualitative assessment after
the JPO IP business evaluation report. See docs/frameworks/jp.md.
"""

from __future__ import annotations

from ipvalue.frameworks._jp_bank import (
    BANDS_SOURCE,
    BANK_DIMENSIONS,
    GRADE_LOWER,
    BankAssessment,
    DimensionAssessment,
    DimensionInput,
    bank_assessment,
    rating_grade,
)
from ipvalue.frameworks._jp_framework import FRAMEWORK, JapanFramework, JpInputs
from ipvalue.frameworks._jp_royalty import JPO_FY2009_FIELDS, RoyaltyBenchmark, jpo_royalty
from ipvalue.frameworks._jp_tmf import (
    DEFAULT_GRADE_BANDS,
    PLATFORM_LABEL,
    TMF_AXES,
    TMF_ITEMS,
    TmfConfig,
    TmfResult,
    rating_points,
    tmf_assessment,
    trl_points,
)

__all__ = [
    "BANDS_SOURCE",
    "BANK_DIMENSIONS",
    "DEFAULT_GRADE_BANDS",
    "FRAMEWORK",
    "GRADE_LOWER",
    "JPO_FY2009_FIELDS",
    "PLATFORM_LABEL",
    "TMF_AXES",
    "TMF_ITEMS",
    "BankAssessment",
    "DimensionAssessment",
    "DimensionInput",
    "JapanFramework",
    "JpInputs",
    "RoyaltyBenchmark",
    "TmfConfig",
    "TmfResult",
    "bank_assessment",
    "jpo_royalty",
    "rating_grade",
    "rating_points",
    "tmf_assessment",
    "trl_points",
]
