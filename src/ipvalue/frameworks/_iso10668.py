"""ISO 10668:2010 brand valuation: its income methods mapped onto the engine's methods.

The standard has six income-approach methods (count sourced, METHODS §6.10); the method
*names* below are **U** until checked against the standard text, so a result that cites them
carries a warning. The mapping to engine methods is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipvalue.frameworks.base import Requirement


@dataclass(frozen=True)
class BrandMethod:
    """One ISO 10668 income method and the engine method that computes it."""

    iso_name: str
    engine_method: str
    how: str
    evidence: str = "U"


BRAND_METHODS: tuple[BrandMethod, ...] = (
    BrandMethod(
        "royalty relief", "relief_from_royalty", "royalty on branded revenue, after tax, discounted"
    ),
    BrandMethod(
        "price premium",
        "with_and_without",
        "income_with − income_without where the difference is the price premium × volume",
    ),
    BrandMethod(
        "volume premium",
        "with_and_without",
        "income_with − income_without where the difference is the extra volume × margin",
    ),
    BrandMethod("income split", "profit_split", "split_rate = brand share of operating profit"),
    BrandMethod(
        "multi-period excess earnings",
        "excess_earnings",
        "earnings less contributory asset charges",
    ),
    BrandMethod(
        "incremental cash flow",
        "dcf",
        "cash flows of the branded business less those of a comparable unbranded one",
    ),
)

ISO10668_REQUIREMENT = Requirement(
    code="iso10668_analyses",
    text="brand valuation under ISO 10668 requires legal, behavioural and financial analysis "
    "and a declared purpose; principles: transparency, validity, reliability, sufficiency, "
    "objectivity",
    source="ISO 10668:2010 (METHODS §6.10 [ISO10668])",
    evidence="V",
)


def brand_methods_for(engine_method: str) -> tuple[BrandMethod, ...]:
    """ISO 10668 methods an engine method can compute (empty for market/cost methods)."""
    return tuple(m for m in BRAND_METHODS if m.engine_method == engine_method)
