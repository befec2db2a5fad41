"""IPscore-style evaluation: ratings, radar data per category, 4×4 opportunity/risk matrix.

Per category the radar shows every factor's rating and the category's weighted mean. The
matrix places the asset by two scores on 1-5: *opportunity* (weighted mean rating of the
opportunity factors) and *risk* (6 − weighted mean rating of the risk factors, so 5 = most
risk); each axis is cut into four bands [1, 2), [2, 3), [3, 4), [4, 5]. These two scores and
the quadrant reading are ipvalue's (the EPO's own matrix formula is not published); the
factors rated <= 2 and >= 4 are listed as risk and opportunity factors, as IPscore does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._ipscore_factors import (
    CATEGORIES,
    FACTOR_BY_CODE,
    FACTORS,
    NumericLimits,
)
from ipvalue.frameworks._kcj import Note, Step, finite, non_negative, score_1_to_5


def numeric_rating(code: str, value: float, limits: NumericLimits) -> float:
    """Map a numeric answer to 1-5 within ``limits`` (clipped at the limits)."""
    x = finite(f"ipscore.answers.{code}.value", value)
    span = limits.best - limits.worst
    r = 1.0 + 4.0 * (x - limits.worst) / span
    return min(5.0, max(1.0, r))


@dataclass(frozen=True)
class Answer:
    """A factor answer: a 1-5 ``rating`` or, for numeric factors, a ``value`` in the unit."""

    rating: float | None = None
    value: float | None = None


@dataclass(frozen=True)
class RadarCategory:
    """Radar data of one category: factor ratings and their weighted mean."""

    category: str
    title: str
    mean: float
    factors: dict[str, float]


@dataclass(frozen=True)
class IpscoreResult:
    """Ratings, radar per category, opportunity/risk scores and matrix cell."""

    ratings: dict[str, float]
    radar: tuple[RadarCategory, ...]
    overall: float
    opportunity: float
    risk: float
    matrix_cell: tuple[int, int]
    quadrant: str
    risk_factors: tuple[str, ...]
    opportunity_factors: tuple[str, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def matrix_band(score: float) -> int:
    """Band 1..4 of a 1-5 score: [1,2) -> 1, [2,3) -> 2, [3,4) -> 3, [4,5] -> 4."""
    return min(4, 1 + math.floor(score - 1.0))


QUADRANTS = {
    (True, False): "exploit: high opportunity, low risk",
    (True, True): "develop with risk management: high opportunity, high risk",
    (False, False): "maintain at low cost: low opportunity, low risk",
    (False, True): "review for abandonment or sale: low opportunity, high risk",
}


def ipscore(
    answers: Mapping[str, Answer],
    *,
    weights: Mapping[str, float] | None = None,
    limits: Mapping[str, NumericLimits] | None = None,
) -> IpscoreResult:
    """Evaluate an IPscore-style questionnaire.

    Parameters
    ----------
    answers
        One :class:`Answer` per factor code of :data:`FACTORS` (all 40 are required; a factor
        that does not apply should be answered neutrally, 3, and explained in the case).
    weights
        Optional factor weights (>= 0, relative within each category and axis); 1 for every
        factor when None.
    limits
        Optional replacement limits for numeric factors.

    Raises
    ------
    InputError
        Missing or unknown factor, rating outside 1-5, rating and value both or neither given,
        a value for a non-numeric factor, or all weights of a category zero.
    """
    unknown = sorted(set(answers) - set(FACTOR_BY_CODE))
    if unknown:
        raise InputError(f"ipscore.answers.{unknown[0]}", "unknown factor code (A1..E8)")
    missing = [f.code for f in FACTORS if f.code not in answers]
    if missing:
        raise InputError(f"ipscore.answers.{missing[0]}", "is required (rate 1-5)")
    lim = {f.code: f.numeric for f in FACTORS if f.numeric is not None}
    for code, nl in (limits or {}).items():
        if code not in lim:
            raise InputError(f"ipscore.limits.{code}", "is not a numeric factor")
        finite(f"ipscore.limits.{code}.worst", nl.worst)
        finite(f"ipscore.limits.{code}.best", nl.best)
        if nl.worst == nl.best:
            raise InputError(f"ipscore.limits.{code}", "worst and best must differ")
        lim[code] = nl
    w = dict.fromkeys(FACTOR_BY_CODE, 1.0)
    for code, v in (weights or {}).items():
        if code not in w:
            raise InputError(f"ipscore.weights.{code}", "unknown factor code")
        w[code] = non_negative(f"ipscore.weights.{code}", v)
    ratings: dict[str, float] = {}
    warnings: list[Note] = []
    for f in FACTORS:
        a = answers[f.code]
        if (a.rating is None) == (a.value is None):
            raise InputError(f"ipscore.answers.{f.code}", "give either a rating or a value")
        if a.value is not None:
            if f.code not in lim:
                raise InputError(
                    f"ipscore.answers.{f.code}.value",
                    "numeric answers only for A2, A3, B5, C2, C7, D2, D3",
                )
            nl = lim[f.code]
            ratings[f.code] = numeric_rating(f.code, a.value, nl)
            lo, hi = sorted((nl.worst, nl.best))
            if not lo <= a.value <= hi:
                warnings.append(
                    Note(
                        "IPSCORE_VALUE_CLIPPED",
                        f"{f.code}: {a.value:g} "
                        f"{nl.unit} lies outside [{lo:g}, {hi:g}]; rated "
                        f"{ratings[f.code]:g}",
                    )
                )
        else:
            assert a.rating is not None
            ratings[f.code] = score_1_to_5(f"ipscore.answers.{f.code}.rating", a.rating)

    def wmean(codes: list[str], field: str) -> float:
        tw = math.fsum(w[c] for c in codes)
        if tw <= 0:
            raise InputError(field, "weights of these factors are all zero")
        return math.fsum(w[c] * ratings[c] for c in codes) / tw

    radar = []
    for cat, title in CATEGORIES.items():
        codes = [f.code for f in FACTORS if f.category == cat]
        radar.append(
            RadarCategory(
                cat, title, wmean(codes, f"ipscore.weights.{cat}*"), {c: ratings[c] for c in codes}
            )
        )
    overall = wmean(list(FACTOR_BY_CODE), "ipscore.weights")
    opp = wmean(
        [f.code for f in FACTORS if f.axis == "opportunity"],
        "ipscore.weights (opportunity factors)",
    )
    risk = 6.0 - wmean(
        [f.code for f in FACTORS if f.axis == "risk"], "ipscore.weights (risk factors)"
    )
    cell = (matrix_band(opp), matrix_band(risk))
    quadrant = QUADRANTS[(cell[0] >= 3, cell[1] >= 3)]
    trace = (
        Step("overall rating", "Σ w·r / Σ w over all factors", overall),
        Step("opportunity score", "Σ w·r / Σ w over opportunity factors", opp),
        Step("risk score", "6 − Σ w·r / Σ w over risk factors", risk),
    )
    return IpscoreResult(
        ratings=ratings,
        radar=tuple(radar),
        overall=overall,
        opportunity=opp,
        risk=risk,
        matrix_cell=cell,
        quadrant=quadrant,
        risk_factors=tuple(c for c, r in ratings.items() if r <= 2),
        opportunity_factors=tuple(c for c, r in ratings.items() if r >= 4),
        warnings=tuple(warnings),
        trace=trace,
    )
