"""The IPscore-style factor catalogue: 5 categories, 40 factors rated 1-5.

The category structure (A legal status, B technology, C market conditions, D finance,
E strategy), the ~40 factors rated 1-5 and the mapping of numeric answers into 1-5 within
preset limits follow EPO IPscore [IPscore] (METHODS.md §6.11). The factor wording, the numeric
limits and the opportunity/risk tags below are ipvalue's: the EPO questionnaire text is not
reproduced. Every factor can be re-limited or re-weighted per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal["A", "B", "C", "D", "E"]
Axis = Literal["opportunity", "risk"]

CATEGORIES: dict[str, str] = {
    "A": "Legal status",
    "B": "Technology",
    "C": "Market conditions",
    "D": "Finance",
    "E": "Strategy",
}


@dataclass(frozen=True)
class NumericLimits:
    """Numeric answer -> rating: ``1 + 4·(x − worst)/(best − worst)``, clipped to [1, 5].

    ``worst`` maps to 1 and ``best`` to 5; ``best < worst`` means smaller is better.
    """

    worst: float
    best: float
    unit: str


@dataclass(frozen=True)
class Factor:
    """One questionnaire factor."""

    code: str
    category: Category
    question: str
    axis: Axis
    numeric: NumericLimits | None = None


def _f(code: str, question: str, axis: Axis, numeric: NumericLimits | None = None) -> Factor:
    return Factor(code, code[0], question, axis, numeric)  # type: ignore[arg-type]


FACTORS: tuple[Factor, ...] = (
    _f("A1", "Status of the right (application pending, granted, opposed or litigated)", "risk"),
    _f("A2", "Remaining term of protection", "risk", NumericLimits(2.0, 15.0, "years")),
    _f(
        "A3",
        "Geographical coverage (number of countries in force)",
        "opportunity",
        NumericLimits(1.0, 10.0, "countries"),
    ),
    _f("A4", "Breadth of the claims", "opportunity"),
    _f("A5", "Robustness against invalidity attacks (prior art)", "risk"),
    _f("A6", "Ease of detecting and proving infringement", "risk"),
    _f("A7", "Freedom to operate (independence from third-party rights)", "risk"),
    _f("A8", "Difficulty of designing around the claims", "opportunity"),
    _f("B1", "Technological maturity (readiness for use)", "risk"),
    _f("B2", "Advantage over alternative technologies", "opportunity"),
    _f("B3", "Absence of substitute technologies", "risk"),
    _f("B4", "Breadth of possible applications", "opportunity"),
    _f("B5", "Remaining technology life", "risk", NumericLimits(1.0, 10.0, "years")),
    _f("B6", "Fit with standards and interoperability", "opportunity"),
    _f("B7", "Independence from complementary technologies or know-how", "risk"),
    _f("B8", "Ease of reproducing the invention at scale", "risk"),
    _f("C1", "Size of the addressable market", "opportunity"),
    _f("C2", "Market growth rate", "opportunity", NumericLimits(0.0, 0.15, "fraction per year")),
    _f("C3", "Attainable market share", "opportunity"),
    _f("C4", "Weakness of competition", "risk"),
    _f("C5", "Strength of customer demand", "opportunity"),
    _f("C6", "Barriers to entry for others", "opportunity"),
    _f("C7", "Time to market", "risk", NumericLimits(5.0, 0.0, "years")),
    _f("C8", "Interest of potential licensees or buyers", "opportunity"),
    _f("C9", "Regulatory environment", "risk"),
    _f("D1", "Investment still needed to reach the market (low is good)", "risk"),
    _f(
        "D2",
        "Operating margin of the products using the right",
        "opportunity",
        NumericLimits(0.0, 0.30, "fraction"),
    ),
    _f("D3", "Payback period", "risk", NumericLimits(8.0, 1.0, "years")),
    _f("D4", "Availability of financing", "risk"),
    _f("D5", "Production cost advantage", "opportunity"),
    _f("D6", "Revenue potential", "opportunity"),
    _f("D7", "Price premium the right allows", "opportunity"),
    _f("E1", "Fit with the business strategy", "opportunity"),
    _f("E2", "Relevance to the core business", "opportunity"),
    _f("E3", "Value for blocking competitors", "opportunity"),
    _f("E4", "Synergy with the rest of the portfolio", "opportunity"),
    _f("E5", "Licensing or cross-licensing potential", "opportunity"),
    _f("E6", "Contribution to reputation and image", "opportunity"),
    _f("E7", "Leverage in negotiations and disputes", "opportunity"),
    _f("E8", "Option value for new markets or products", "opportunity"),
)
FACTOR_BY_CODE: dict[str, Factor] = {f.code: f for f in FACTORS}
