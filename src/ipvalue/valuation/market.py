"""Market-approach kernels (METHODS §3): comparable transactions adjusted by named
multiplicative correction coefficients, comparable weights, and the DB1304 quality ratio.
No TAB applies to market values."""

from ._comparables import (
    STANDARD_COEFFICIENTS,
    AdjustedComparable,
    Comparable,
    MarketResult,
    QualityRatioResult,
    cap_weights,
    comparable_transactions,
    quality_ratio_value,
)

__all__ = [
    "STANDARD_COEFFICIENTS",
    "AdjustedComparable",
    "Comparable",
    "MarketResult",
    "QualityRatioResult",
    "cap_weights",
    "comparable_transactions",
    "quality_ratio_value",
]
