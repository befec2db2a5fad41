"""Korean technology contribution (기술기여도) and technology value.

METHODS.md §6.1 (MOTIE/KIAT 기술가치평가 실무가이드)::

    TechValue     = BusinessValue × CC
    BusinessValue = Σ_{t=1..L} FCF_t / (1 + r)^t
    CC            = IndustryTechFactor × TechShare × IndividualStrength

The product form and the 20 strength items are verified (V). The industry technology factor
(산업기술요소) table and the item weights were not retrieved: both are inputs with a source.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import (
    Assumption,
    Note,
    Step,
    exact_keys,
    finite,
    in_range,
    non_negative,
    positive,
    score_1_to_5,
)

#: The 20 individual-technology-strength items (개별기술강도), grouped as in the guide's
#: scoring sheet [tvl-app]: code -> (Korean name, group).
STRENGTH_ITEMS: dict[str, tuple[str, str]] = {
    "innovativeness": ("혁신성", "technology"),
    "differentiation": ("차별성", "technology"),
    "substitutability": ("대체가능성", "technology"),
    "usability": ("활용성", "technology"),
    "spillover": ("파급성", "technology"),
    "obsolescence_risk": ("진부화가능성", "technology"),
    "imitation_difficulty": ("모방난이도", "technology"),
    "protection_strength": ("권리보호강도", "rights"),
    "right_stability": ("권리안정성", "rights"),
    "infringement_detectability": ("침해발견·입증용이성", "rights"),
    "market_entry": ("시장진입가능성", "market"),
    "demand_sensitivity": ("수요민감도", "market"),
    "expected_market_share": ("예상시장점유율", "market"),
    "commercialisation_lead_time": ("사업화준비기간", "business"),
    "commercialisation_capital": ("사업화소요자본", "business"),
    "ease_of_production": ("생산용이성", "business"),
    "economic_life": ("경제적수명", "business"),
    "sales_growth_trend": ("매출성장추세", "business"),
    "profitability": ("수익성", "business"),
    "derivative_sales": ("파생적매출", "business"),
}


@dataclass(frozen=True)
class StrengthResult:
    """Individual technology strength: ``strength = Σ w_i s_i / (5 Σ w_i)`` in [0.2, 1]."""

    strength: float
    weighted_sum: float
    max_weighted_sum: float
    by_group: dict[str, float]
    weighting: str
    trace: tuple[Step, ...]


def individual_strength(
    scores: Mapping[str, float],
    weights: Mapping[str, float] | Literal["equal"],
) -> StrengthResult:
    """Individual technology strength (개별기술강도) from the 20 item scores.

    Parameters
    ----------
    scores
        All 20 items of :data:`STRENGTH_ITEMS`, each rated 1-5 (fractions allowed).
    weights
        A non-negative weight per item (any positive total: the guide's app divides by the
        weighted maximum, e.g. 205 = 5 × 41), or the explicit choice ``"equal"``. The guide's
        weights were not published (METHODS U); there is no built-in table.

    Returns
    -------
    StrengthResult
        ``strength`` as a fraction (the app's percentage / 100); ``by_group`` the same ratio
        within each item group (technology, rights, market, business).

    Raises
    ------
    InputError
        Missing or unknown item, score outside 1-5, negative weight, all-zero weights.
    """
    exact_keys("strength.scores", scores, STRENGTH_ITEMS)
    s = {k: score_1_to_5(f"strength.scores.{k}", v) for k, v in scores.items()}
    if weights == "equal":
        w = dict.fromkeys(STRENGTH_ITEMS, 1.0)
        weighting = "equal weights (explicit user choice)"
    elif isinstance(weights, Mapping):
        exact_keys("strength.weights", weights, STRENGTH_ITEMS)
        w = {k: non_negative(f"strength.weights.{k}", v) for k, v in weights.items()}
        weighting = "user-supplied weights"
    else:
        raise InputError("strength.weights", "must be a mapping of item weights or 'equal'")
    total_w = math.fsum(w.values())
    if total_w <= 0:
        raise InputError("strength.weights", "at least one weight must be > 0")
    weighted = math.fsum(w[k] * s[k] for k in STRENGTH_ITEMS)
    max_weighted = 5.0 * total_w
    by_group: dict[str, float] = {}
    for group in ("technology", "rights", "market", "business"):
        items = [k for k, (_, g) in STRENGTH_ITEMS.items() if g == group]
        gw = math.fsum(w[k] for k in items)
        if gw > 0:
            by_group[group] = math.fsum(w[k] * s[k] for k in items) / (5.0 * gw)
    strength = weighted / max_weighted
    trace = (
        Step("weighted score", "Σ w_i·s_i", weighted),
        Step("weighted maximum", "5·Σ w_i", max_weighted),
        Step("individual technology strength", "Σ w_i·s_i / (5·Σ w_i)", strength),
    )
    return StrengthResult(strength, weighted, max_weighted, by_group, weighting, trace)


@dataclass(frozen=True)
class ContributionResult:
    """Technology contribution ``CC = industry_factor × tech_share × strength``."""

    contribution: float
    industry_factor: float
    tech_share: float
    strength: float
    assumptions: tuple[Assumption, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def technology_contribution(
    *,
    industry_factor: float,
    industry_factor_source: str,
    tech_share: float,
    strength: float,
) -> ContributionResult:
    """Technology contribution (기술기여도) CC.

    Parameters
    ----------
    industry_factor
        산업기술요소 of the subject's KSIC industry, a fraction in (0, 1]. The guide's table is
        not shipped (METHODS §6.1: never use unsourced values): the valuer keys it in.
    industry_factor_source
        Where the factor was taken from (guide edition and page); required, non-empty.
    tech_share
        Share of the product's technology that the subject technology represents, in (0, 1];
        1 when the product embodies only this technology (2021 edition).
    strength
        Individual technology strength in [0, 1] (see :func:`individual_strength`).
    """
    f = in_range("kr.industry_factor", industry_factor, 0.0, 1.0, low_open=True)
    if not industry_factor_source or not industry_factor_source.strip():
        raise InputError("kr.industry_factor_source", "is required (guide edition and page)")
    share = in_range("kr.tech_share", tech_share, 0.0, 1.0, low_open=True)
    st = in_range("kr.strength", strength, 0.0, 1.0)
    cc = f * share * st
    warnings: list[Note] = []
    if cc > 0.37:
        warnings.append(
            Note(
                "KR_CONTRIBUTION_ABOVE_BAND",
                f"technology contribution {cc:.4f} exceeds the KISTI STAR-VALUE 'very high' band "
                "for a core technology (33-37 % of business value, secondary source [kosgob]).",
            )
        )
    return ContributionResult(
        contribution=cc,
        industry_factor=f,
        tech_share=share,
        strength=st,
        assumptions=(
            Assumption(
                "industry_technology_factor", f, "fraction", industry_factor_source, "input"
            ),
            Assumption("technology_share", share, "fraction", "case input", "input"),
        ),
        warnings=tuple(warnings),
        trace=(Step("technology contribution", "industry_factor × tech_share × strength", cc),),
    )


@dataclass(frozen=True)
class TechnologyValueResult:
    """``technology_value = business_value × contribution`` with the DCF components."""

    technology_value: float
    business_value: float
    contribution: float
    discount_factors: tuple[float, ...]
    year_weights: tuple[float, ...]
    trace: tuple[Step, ...]


def business_value(
    fcf: Sequence[float],
    *,
    rate: float,
    life_years: float,
    final_year: Literal["prorate", "whole"],
    timing: Literal["end", "mid"],
) -> tuple[float, tuple[float, ...], tuple[float, ...]]:
    """Present value of business free cash flows over the economic life.

    ``BusinessValue = Σ_t y_t · FCF_t · DF_t`` with ``y_t = 1`` for full years within the life.
    A fractional life ``L`` (Model I gives years with decimals) needs a convention for the last
    year: ``"prorate"`` counts ``f = L − floor(L)`` of year ``floor(L) + 1`` and discounts it at
    the end of the life, ``t = floor(L) + f`` (as the engine's DCF kernel does); ``"whole"``
    counts ``ceil(L)`` whole years. The guide discounts at year end (``timing="end"``).

    Raises
    ------
    InputError
        ``rate <= -1``, non-positive life, or fewer cash flows than the life needs.
    """
    r = finite("kr.discount_rate", rate)
    if r <= -1:
        raise InputError("kr.discount_rate", "must be > -1")
    life = positive("kr.economic_life", life_years)
    n_needed = math.ceil(life)
    flows = [finite(f"kr.fcf.{i}", x) for i, x in enumerate(fcf)]
    if len(flows) < n_needed:
        raise InputError(
            "kr.fcf",
            f"needs at least {n_needed} yearly flows for an economic "
            f"life of {life:g} years (got {len(flows)})",
        )
    if final_year not in ("prorate", "whole"):
        raise InputError("kr.final_year", "must be 'prorate' or 'whole'")
    if timing not in ("end", "mid"):
        raise InputError("kr.timing", "must be 'end' or 'mid'")
    weights: list[float] = []
    times: list[float] = []
    for t in range(1, n_needed + 1):
        frac = 1.0 if final_year == "whole" else min(1.0, life - (t - 1))
        weights.append(frac)
        # a partial final year ends at the end of the life (same convention as the DCF kernel)
        times.append((t - 1) + (frac / 2.0 if timing == "mid" else frac))
    dfs = tuple((1.0 + r) ** -tm for tm in times)
    value = math.fsum(w * f * d for w, f, d in zip(weights, flows, dfs, strict=False))
    return value, dfs, tuple(weights)


def technology_value(
    fcf: Sequence[float],
    *,
    rate: float,
    life_years: float,
    contribution: float,
    final_year: Literal["prorate", "whole"],
    timing: Literal["end", "mid"],
) -> TechnologyValueResult:
    """Korean technology value: business DCF over the economic life × technology contribution.

    See :func:`business_value` for the conventions; ``contribution`` is CC in [0, 1].
    """
    cc = in_range("kr.contribution", contribution, 0.0, 1.0)
    bv, dfs, yw = business_value(
        fcf, rate=rate, life_years=life_years, final_year=final_year, timing=timing
    )
    tv = bv * cc
    trace = (
        Step("business value", "Σ y_t·FCF_t·(1+r)^-t", bv),
        Step("technology value", "business value × CC", tv),
    )
    return TechnologyValueResult(tv, bv, cc, dfs, yw, trace)
