"""Bank-style qualitative assessment after the JPO IP business evaluation report.

知財ビジネス評価書: the report's assessment is mostly qualitative along five
dimensions: validity, superiority / exclusivity, ease of detecting infringement, market fit
and contribution to the business
[namura][sankei-17][expydoc]; banks use it for business-viability lending (事業性評価), not as
collateral [aivas-2020]. The dimensions are sourced (S). The grade letters S/A/B/C follow the
Cabinet Office 2018 taskforce [aivas-2018]; the rating-to-grade bands and the narrative wording
are ipvalue's and are labelled so in every result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import (
    Assumption,
    Note,
    Step,
    exact_keys,
    finite,
    score_1_to_5,
    weights_summing_to_one,
)

#: dimension -> (English title, Japanese title).
BANK_DIMENSIONS: dict[str, tuple[str, str]] = {
    "validity": ("Validity of the right", "権利の有効性"),
    "exclusivity": ("Superiority and exclusivity", "優位性・排他性"),
    "detectability": ("Ease of detecting infringement", "侵害発見の容易性"),
    "market_fit": ("Market fit", "市場適合性"),
    "contribution": ("Contribution to the business", "事業への貢献"),
}
GRADES = ("S", "A", "B", "C")
#: Lower rating bounds of S, A, B (else C): ipvalue's choice.
GRADE_LOWER = {"S": 4.5, "A": 3.5, "B": 2.5}
BANDS_SOURCE = (
    "ipvalue: rating >= 4.5 S, >= 3.5 A, >= 2.5 B, else C (letters after the "
    "Cabinet Office 2018 taskforce [aivas-2018]; bands are ipvalue's)"
)

_EN = {
    "validity": (
        "no material invalidity risk identified",
        "invalidity risk appears low",
        "some prior-art or formal risk to validity remains",
        "validity is doubtful and needs a legal opinion before reliance",
    ),
    "exclusivity": (
        "the right clearly excludes competitors from the core product",
        "the right gives a meaningful edge over alternatives",
        "competitors can partly design around the right",
        "alternatives make the right's exclusivity weak",
    ),
    "detectability": (
        "infringement is readily visible in marketed products",
        "infringement can be detected with moderate effort",
        "detecting infringement needs analysis of competitors' products",
        "infringement is hard to detect or prove",
    ),
    "market_fit": (
        "the technology matches clear, growing market demand",
        "the technology fits identified market needs",
        "market fit is plausible but not yet shown",
        "market need for the technology is unclear",
    ),
    "contribution": (
        "the right is central to the company's revenue",
        "the right contributes substantially to the business",
        "the right contributes to part of the business",
        "the right contributes little to current business",
    ),
}
_JA_GRADE = {"S": "極めて良好", "A": "良好", "B": "標準的", "C": "課題あり"}


def rating_grade(rating: float) -> str:
    """Grade letter of a 1-5 rating (bands in :data:`GRADE_LOWER`)."""
    for g in ("S", "A", "B"):
        if rating >= GRADE_LOWER[g]:
            return g
    return "C"


@dataclass(frozen=True)
class DimensionAssessment:
    """One dimension: rating, grade, bilingual narrative, the evidence and concerns cited."""

    dimension: str
    title_en: str
    title_ja: str
    rating: float
    grade: str
    narrative_en: str
    narrative_ja: str
    evidence: tuple[str, ...]
    concerns: tuple[str, ...]


@dataclass(frozen=True)
class BankAssessment:
    """Overall grade, per-dimension assessments, optional value order of magnitude."""

    grade: str
    mean_rating: float
    dimensions: tuple[DimensionAssessment, ...]
    value_order_of_magnitude: int | None
    value_currency: str | None
    summary_en: str
    summary_ja: str
    assumptions: tuple[Assumption, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


@dataclass(frozen=True)
class DimensionInput:
    """What the analyst supplies for a dimension: a 1-5 rating and the evidence behind it."""

    rating: float
    evidence: Sequence[str] = ()
    concerns: Sequence[str] = ()


def _narrative(dim: str, grade: str, inp: DimensionInput) -> tuple[str, str]:
    en_title, ja_title = BANK_DIMENSIONS[dim]
    en = f"{en_title}: {grade} — {_EN[dim][GRADES.index(grade)]}."
    ja = f"{ja_title}：{grade}（{_JA_GRADE[grade]}）。"
    if inp.evidence:
        en += " Evidence: " + "; ".join(inp.evidence) + "."
        ja += "根拠：" + "；".join(inp.evidence) + "。"
    if inp.concerns:
        en += " Concerns: " + "; ".join(inp.concerns) + "."
        ja += "留意点：" + "；".join(inp.concerns) + "。"
    return en, ja


def bank_assessment(
    inputs: Mapping[str, DimensionInput],
    *,
    weights: Mapping[str, float] | None = None,
    value: float | None = None,
    value_currency: str | None = None,
    weights_source: str = "case input",
) -> BankAssessment:
    """Bank-style assessment along the five report dimensions.

    Parameters
    ----------
    inputs
        One :class:`DimensionInput` per dimension of :data:`BANK_DIMENSIONS`. A rating without
        evidence is accepted but flagged: a bank reads the reasons, not the number.
    weights
        Dimension weights for the overall rating (sum 1); equal when None (ipvalue's choice,
        recorded).
    value, value_currency
        Optional monetary value (from a valuation) reported only as an order of magnitude,
        as in the Cabinet Office grade-plus-impact format.
    weights_source
        Where ``weights`` come from (an enterprise profile's label …); recorded.

    Raises
    ------
    InputError
        Missing or unknown dimension, rating outside 1-5, weights not summing to 1, negative
        or non-finite value, value without currency.
    """
    exact_keys("jp_bank.dimensions", inputs, BANK_DIMENSIONS)
    if weights is None:
        w = dict.fromkeys(BANK_DIMENSIONS, 1.0 / len(BANK_DIMENSIONS))
        w_source = "ipvalue default: equal dimension weights"
    else:
        w = weights_summing_to_one("jp_bank.weights", weights)
        exact_keys("jp_bank.weights", w, BANK_DIMENSIONS)
        w_source = weights_source
    dims = []
    warnings: list[Note] = [Note("JP_BANK_BANDS_PLATFORM", BANDS_SOURCE)]
    for d in BANK_DIMENSIONS:
        inp = inputs[d]
        r = score_1_to_5(f"jp_bank.dimensions.{d}.rating", inp.rating)
        g = rating_grade(r)
        en, ja = _narrative(d, g, inp)
        dims.append(
            DimensionAssessment(
                d, *BANK_DIMENSIONS[d], r, g, en, ja, tuple(inp.evidence), tuple(inp.concerns)
            )
        )
        if not inp.evidence:
            warnings.append(Note("JP_BANK_NO_EVIDENCE", f"{d}: rating given without evidence"))
        if g == "C":
            warnings.append(Note("JP_BANK_WEAK_DIMENSION", f"{d} graded C: {_EN[d][3]}"))
    mean = math.fsum(w[x.dimension] * x.rating for x in dims)
    grade = rating_grade(mean)
    order = None
    if value is not None:
        v = finite("jp_bank.value", value)
        if v <= 0:
            raise InputError("jp_bank.value", "must be > 0 to give an order of magnitude")
        if not value_currency:
            raise InputError("jp_bank.value_currency", "is required with a value")
        order = math.floor(math.log10(v))
    strong = [x.title_en for x in dims if x.grade in ("S", "A")]
    weak = [x.title_en for x in dims if x.grade == "C"]
    summary_en = f"Overall assessment {grade} (weighted mean rating {mean:.2f} of 5)."
    if strong:
        summary_en += " Strengths: " + ", ".join(strong) + "."
    if weak:
        summary_en += " Issues to resolve before relying on the IP: " + ", ".join(weak) + "."
    if order is not None:
        summary_en += f" Indicative value of the order of 10^{order} {value_currency}."
    summary_ja = f"総合評価 {grade}（{_JA_GRADE[grade]}、加重平均 {mean:.2f}/5）。"
    if order is not None:
        summary_ja += f"価値の規模感：10^{order} {value_currency}。"
    return BankAssessment(
        grade=grade,
        mean_rating=mean,
        dimensions=tuple(dims),
        value_order_of_magnitude=order,
        value_currency=value_currency if order is not None else None,
        summary_en=summary_en,
        summary_ja=summary_ja,
        assumptions=(
            Assumption(
                "jp_bank.dimensions",
                ", ".join(BANK_DIMENSIONS),
                "",
                "JPO IP business evaluation report [namura][expydoc]",
                "S",
            ),
            Assumption(
                "jp_bank.weights",
                ", ".join(f"{k} {v:g}" for k, v in w.items()),
                "",
                w_source,
                "input" if weights is not None else "U",
            ),
            Assumption("jp_bank.grade_bands", "S>=4.5, A>=3.5, B>=2.5, C", "", BANDS_SOURCE, "U"),
        ),
        warnings=tuple(warnings),
        trace=(Step("weighted mean rating", "Σ w_d · rating_d", mean),),
    )
