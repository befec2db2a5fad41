"""Auto-scores of three individual-strength items, as the KR valuation app computes them (U).

METHODS.md §6.1 records the app's rules [tvl-app] as unverified (**U**): they are not in the
guide, so ipvalue offers them only on request, per item, labels each U and lets a score given
by the valuer win.

Band edges (ipvalue's reading, documented in docs/frameworks/kr.md; the app shows only the
labels, so every edge below is a decision recorded with the score):

* economic life ``L`` in years (경제적수명), labels ``<4 / 4–6 / 6–8 / 8–10 / ≥10``: lower edge
  closed, upper open — ``L < 4 → 1``, ``4 ≤ L < 6 → 2``, ``6 ≤ L < 8 → 3``, ``8 ≤ L < 10 → 4``,
  ``L ≥ 10 → 5``. Both labelled ends (``<4``, ``≥10``) already close the lower edge, so the
  inner bands follow them.
* obsolescence risk by the field's median cited-patent age ``Q2`` in years (진부화가능성),
  labels ``≤6 / 7–8 / 9 / 10 / >10``: integer labels on a continuous quantity, so each band is
  closed above — ``Q2 ≤ 6 → 1``, ``6 < Q2 ≤ 8 → 2``, ``8 < Q2 ≤ 9 → 3``, ``9 < Q2 ≤ 10 → 4``,
  ``Q2 > 10 → 5``; again the labelled ends (``≤6``, ``>10``) fix the closure. A slow field
  (long cycle time) ages slowly: low obsolescence risk scores high (5 = best, as every item).
* commercialisation preparation time ``m`` in months (사업화준비기간), labels
  ``≥24 / 12–24 / 6–12 / <6 / immediate``: ``m ≥ 24 → 1``, ``12 ≤ m < 24 → 2``,
  ``6 ≤ m < 12 → 3``, ``0 < m < 6 → 4``, ``m = 0`` (immediate) ``→ 5``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Step, finite

#: Items the app auto-scores: item code (STRENGTH_ITEMS) -> (Korean name, input, rule text).
AUTO_SCORE_RULES: dict[str, tuple[str, str, str]] = {
    "economic_life": (
        "경제적수명",
        "economic life (years)",
        "L < 4 → 1; 4 ≤ L < 6 → 2; 6 ≤ L < 8 → 3; 8 ≤ L < 10 → 4; L ≥ 10 → 5",
    ),
    "obsolescence_risk": (
        "진부화가능성",
        "field median cited-patent age Q2 (years)",
        "Q2 ≤ 6 → 1; 6 < Q2 ≤ 8 → 2; 8 < Q2 ≤ 9 → 3; 9 < Q2 ≤ 10 → 4; Q2 > 10 → 5",
    ),
    "commercialisation_lead_time": (
        "사업화준비기간",
        "commercialisation preparation time (months)",
        "m ≥ 24 → 1; 12 ≤ m < 24 → 2; 6 ≤ m < 12 → 3; 0 < m < 6 → 4; m = 0 (immediate) → 5",
    ),
}
AUTO_SCORE_SOURCE = "KR valuation app auto-score [tvl-app], METHODS §6.1 (U)"


@dataclass(frozen=True)
class AutoScore:
    """One auto-scored item: the 1-5 score, the input it came from and the rule applied."""

    item: str
    score: int
    input_value: float
    input_name: str
    rule: str
    trace: tuple[Step, ...]


def _non_negative(field: str, value: float) -> float:
    v = finite(field, value)
    if v < 0:
        raise InputError(field, f"must be >= 0 (got {v:g})")
    return v


def economic_life_score(years: float) -> int:
    """Score of 경제적수명 from the economic life in years (lower band edge closed)."""
    life = _non_negative("kr.strength.economic_life.years", years)
    for edge, score in ((4.0, 1), (6.0, 2), (8.0, 3), (10.0, 4)):
        if life < edge:
            return score
    return 5


def obsolescence_score(q2_years: float) -> int:
    """Score of 진부화가능성 from the field's median cited-patent age Q2 (upper edge closed)."""
    q2 = _non_negative("kr.strength.obsolescence_risk.q2", q2_years)
    for edge, score in ((6.0, 1), (8.0, 2), (9.0, 3), (10.0, 4)):
        if q2 <= edge:
            return score
    return 5


def preparation_score(months: float) -> int:
    """Score of 사업화준비기간 from the preparation time in months; 0 means immediate."""
    m = _non_negative("kr.strength.preparation_months", months)
    if m == 0:
        return 5
    for edge, score in ((6.0, 4), (12.0, 3), (24.0, 2)):
        if m < edge:
            return score
    return 1


_SCORERS = {
    "economic_life": economic_life_score,
    "obsolescence_risk": obsolescence_score,
    "commercialisation_lead_time": preparation_score,
}


def auto_score(item: str, value: float) -> AutoScore:
    """Auto-score ``item`` (a key of :data:`AUTO_SCORE_RULES`) from its input ``value``.

    Raises
    ------
    InputError
        Unknown item; input negative, NaN or infinite.
    """
    if item not in AUTO_SCORE_RULES:
        raise InputError(
            "kr.strength.auto_scores",
            f"{item!r} has no auto-score; expected one of {', '.join(AUTO_SCORE_RULES)}",
        )
    _, name, rule = AUTO_SCORE_RULES[item]
    score = _SCORERS[item](value)
    return AutoScore(
        item,
        score,
        float(value),
        name,
        rule,
        (Step(f"auto-score {item}", f"{name} = {value:g} → {rule}", score),),
    )


def auto_item(name: str) -> str:
    """Item code for an auto-score name given as the code or the Korean label."""
    for code, (korean, _, _) in AUTO_SCORE_RULES.items():
        if name in (code, korean):
            return code
    raise InputError(
        "kr.strength.auto_scores",
        f"{name!r} has no auto-score; expected one of "
        + ", ".join(f"{c} ({k})" for c, (k, _, _) in AUTO_SCORE_RULES.items()),
    )
