"""IPscore-style questionnaire (EPO IPscore structure): 5 categories, 40 factors rated 1-5,
numeric answers mapped into 1-5 within preset limits, radar data per category and a 4×4
opportunity/risk matrix. A score, never a price (METHODS.md §6.11). See docs/frameworks/scoring.md.
"""

from __future__ import annotations

from ipvalue.frameworks._ipscore_eval import (
    QUADRANTS,
    Answer,
    IpscoreResult,
    RadarCategory,
    ipscore,
    matrix_band,
    numeric_rating,
)
from ipvalue.frameworks._ipscore_factors import (
    CATEGORIES,
    FACTOR_BY_CODE,
    FACTORS,
    Factor,
    NumericLimits,
)

__all__ = [
    "CATEGORIES",
    "FACTORS",
    "FACTOR_BY_CODE",
    "QUADRANTS",
    "Answer",
    "Factor",
    "IpscoreResult",
    "NumericLimits",
    "RadarCategory",
    "ipscore",
    "matrix_band",
    "numeric_rating",
]
