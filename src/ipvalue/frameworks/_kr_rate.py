"""Korean technology-commercialisation risk premium and discount-rate build-up.

METHODS.md §6.1::

    TRP(S) = −0.0709 · ln(S/10 − 1) + 0.1001      S ∈ [20, 50]; S < 20 clamps to TRP(20)

    guide_example   (2017 guide pp.133–134):  r = Kd·(D/V) + (Ke + SP)·(E/V) + TRP
    wacc_tax_shield (app):                    r = Kd·(1 − t)·(D/V) + (Ke + SP + TRP)·(E/V)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Note, Step, exact_keys, finite, in_range, score_1_to_5

#: Slope and intercept that reproduce every value of the guide's published TRP table (V); a blog
#: prints 0.071, which does not.
TRP_SLOPE = 0.0709
TRP_INTERCEPT = 0.1001

#: The 10 commercialisation-risk items [tong-26][tvl-app]: code -> Korean name.
TRP_ITEMS: dict[str, str] = {
    "differentiation": "차별성",
    "tech_competition": "기술경쟁강도",
    "commercialisation_environment": "기술사업화환경",
    "imitation_difficulty": "모방난이도",
    "right_stability": "권리안정성",
    "market_entry": "시장진입가능성",
    "market_competition": "시장경쟁강도",
    "market_growth": "시장성장전망",
    "ease_of_production": "생산용이성",
    "profitability": "수익성",
}

RateVariant = Literal["guide_example", "wacc_tax_shield"]


@dataclass(frozen=True)
class TrpResult:
    """Risk premium ``trp`` (fraction) for the risk score ``score``; ``clamped`` when S < 20."""

    trp: float
    score: float
    clamped: bool
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def trp(score: float) -> TrpResult:
    """Technology-commercialisation risk premium TRP(S).

    Parameters
    ----------
    score
        Sum of the 10 risk items rated 1-5, so S ∈ [10, 50] (higher = lower risk). Below 20 the
        curve is clamped at TRP(20) = 10.01 % (the guide caps the premium near 10 %).

    Raises
    ------
    InputError
        S outside [10, 50].
    """
    s = in_range("kr.trp.score", score, 10.0, 50.0)
    used = max(s, 20.0)
    value = -TRP_SLOPE * math.log(used / 10.0 - 1.0) + TRP_INTERCEPT
    warnings: tuple[Note, ...] = ()
    if s < 20:
        warnings = (Note("KR_TRP_CLAMPED", f"risk score {s:g} < 20: TRP clamped to TRP(20)"),)
    trace = (Step("TRP", "−0.0709·ln(max(S,20)/10 − 1) + 0.1001", value),)
    return TrpResult(value, s, s < 20, warnings, trace)


def trp_from_items(scores: Mapping[str, float]) -> TrpResult:
    """TRP from the 10 risk items (each 1-5); S is their plain sum."""
    exact_keys("kr.trp.items", scores, TRP_ITEMS)
    return trp(math.fsum(score_1_to_5(f"kr.trp.items.{k}", v) for k, v in scores.items()))


@dataclass(frozen=True)
class KrRateResult:
    """Discount rate by the named build-up variant, with its components."""

    rate: float
    variant: str
    cost_of_debt_part: float
    cost_of_equity_part: float
    trp_part: float
    trace: tuple[Step, ...]


def kr_discount_rate(
    *,
    variant: RateVariant,
    cost_of_equity: float,
    size_premium: float,
    cost_of_debt: float,
    debt_ratio: float,
    trp: float,
    tax_rate: float | None = None,
) -> KrRateResult:
    """Korean discount-rate build-up in either published variant.

    Parameters
    ----------
    variant
        ``"guide_example"`` (2017 guide pp.133-134: no tax shield, TRP added to the whole
        rate) or ``"wacc_tax_shield"`` (app: debt after tax, TRP weighted by E/V). Required:
        the two differ materially and neither is a default.
    cost_of_equity, size_premium, cost_of_debt
        Ke (CAPM by KSIC), SP (by firm size) and pre-tax Kd, as fractions.
    debt_ratio
        D/V in [0, 1]; E/V = 1 − D/V.
    trp
        Commercialisation risk premium (see :func:`trp`).
    tax_rate
        Required for ``wacc_tax_shield``; must be omitted (None) for ``guide_example``.
    """
    ke = finite("kr.rate.cost_of_equity", cost_of_equity)
    sp = finite("kr.rate.size_premium", size_premium)
    kd = finite("kr.rate.cost_of_debt", cost_of_debt)
    dv = in_range("kr.rate.debt_ratio", debt_ratio, 0.0, 1.0)
    tp = finite("kr.rate.trp", trp)
    ev = 1.0 - dv
    if variant == "guide_example":
        if tax_rate is not None:
            raise InputError(
                "kr.rate.tax_rate",
                "is not used by kr_rate_variant 'guide_example' (no debt tax shield); omit it",
            )
        debt_part, equity_part, trp_part = kd * dv, (ke + sp) * ev, tp
        formula = "Kd·D/V + (Ke + SP)·E/V + TRP"
    elif variant == "wacc_tax_shield":
        if tax_rate is None:
            raise InputError("kr.rate.tax_rate", "is required by kr_rate_variant 'wacc_tax_shield'")
        t = in_range("kr.rate.tax_rate", tax_rate, 0.0, 1.0, high_open=True)
        debt_part, equity_part, trp_part = kd * (1.0 - t) * dv, (ke + sp) * ev, tp * ev
        formula = "Kd·(1 − t)·D/V + (Ke + SP + TRP)·E/V"
    else:
        raise InputError("kr_rate_variant", "must be 'guide_example' or 'wacc_tax_shield'")
    rate = debt_part + equity_part + trp_part
    if rate <= -1:
        raise InputError("kr.rate", "build-up gives a rate <= -100 %")
    return KrRateResult(
        rate,
        variant,
        debt_part,
        equity_part,
        trp_part,
        (Step(f"discount rate ({variant})", formula, rate),),
    )
