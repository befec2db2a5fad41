"""Chinese split-rate (分成率) income method and the ways to derive the split rate K.

METHODS.md §6.2::

    P           = Σ_t K · R_t / (1 + r)^t       R_t sales (K on revenue) or profit (K on profit)
    K_revenue   = K_profit × profit margin on sales
    约当投资分成  K = C_p(1 + ρ_p) / [C_p(1 + ρ_p) + C_b(1 + ρ_b)]
    incremental K = Σ_t PV(ΔΠ_t) / Σ_t PV(ΔΠ_t / s_t)
    scoring     K = K_min + (K_max − K_min) · adjustment       (U)
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
    finite,
    in_range,
    non_negative,
    weights_summing_to_one,
)

SplitBase = Literal["revenue", "profit"]


def _discount_factors(
    rate: float,
    n: int,
    timing: Literal["end", "mid"],
    field: str,
) -> list[float]:
    r = finite(field, rate)
    if r <= -1:
        raise InputError(field, "must be > -1")
    if timing not in ("end", "mid"):
        raise InputError("cn.timing", "must be 'end' or 'mid'")
    shift = 0.5 if timing == "mid" else 0.0
    return [(1.0 + r) ** -(t - shift) for t in range(1, n + 1)]


@dataclass(frozen=True)
class SplitValueResult:
    """``value = Σ K·R_t·DF_t`` with the yearly attributable income and factors."""

    value: float
    split_rate: float
    base: str
    attributable: tuple[float, ...]
    discount_factors: tuple[float, ...]
    trace: tuple[Step, ...]


def split_rate_value(
    base_amounts: Sequence[float],
    *,
    split_rate: float,
    base: SplitBase,
    rate: float,
    timing: Literal["end", "mid"],
) -> SplitValueResult:
    """Value by the split-rate method.

    Parameters
    ----------
    base_amounts
        Yearly sales (``base="revenue"``) or profit (``base="profit"``), years 1..N, in the
        case currency. The income period is the shorter of economic life and remaining term.
    split_rate
        K in [0, 1] on the same base (convert with :func:`revenue_split_from_profit_split`).
    rate
        Discount rate (see :func:`cn_discount_rate`); Chinese textbook forms use year end.
    """
    if base not in ("revenue", "profit"):
        raise InputError("cn.split_base", "must be 'revenue' or 'profit'")
    k = in_range("cn.split_rate", split_rate, 0.0, 1.0)
    amounts = [finite(f"cn.{base}.{i}", x) for i, x in enumerate(base_amounts)]
    if not amounts:
        raise InputError(f"cn.{base}", "needs at least one year")
    dfs = _discount_factors(rate, len(amounts), timing, "cn.discount_rate")
    attributable = tuple(k * a for a in amounts)
    value = math.fsum(a * d for a, d in zip(attributable, dfs, strict=True))
    return SplitValueResult(
        value,
        k,
        base,
        attributable,
        tuple(dfs),
        (Step("split-rate value", f"Σ K·{base}_t·(1+r)^-t", value),),
    )


def revenue_split_from_profit_split(k_profit: float, margin: float) -> float:
    """``K_revenue = K_profit × margin`` (margin = profit / sales, in (0, 1])."""
    kp = in_range("cn.split_rate_profit", k_profit, 0.0, 1.0)
    m = in_range("cn.profit_margin", margin, 0.0, 1.0, low_open=True)
    return kp * m


def profit_split_from_revenue_split(k_revenue: float, margin: float) -> float:
    """``K_profit = K_revenue / margin``; refused when the result exceeds 1."""
    kr_ = in_range("cn.split_rate_revenue", k_revenue, 0.0, 1.0)
    m = in_range("cn.profit_margin", margin, 0.0, 1.0, low_open=True)
    kp = kr_ / m
    if kp > 1:
        raise InputError(
            "cn.split_rate_revenue", f"implies a profit split of {kp:.4g} > 1 at margin {m:g}"
        )
    return kp


@dataclass(frozen=True)
class SplitRateResult:
    """A derived split rate with the method that produced it and its trace."""

    split_rate: float
    method: str
    assumptions: tuple[Assumption, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def equivalent_investment_split(
    *,
    patent_cost: float,
    patent_profit_ratio: float,
    licensee_assets: float,
    licensee_profit_ratio: float,
) -> SplitRateResult:
    """约当投资分成法: ``K = C_p(1+ρ_p) / [C_p(1+ρ_p) + C_b(1+ρ_b)]`` (K on profit).

    ``patent_cost`` is the patent's reproduction cost, ``licensee_assets`` the licensee's
    assets employed; both >= 0 and not both zero. Profit ratios are cost-profit ratios > −1.
    """
    cp = non_negative("cn.equivalent.patent_cost", patent_cost)
    cb = non_negative("cn.equivalent.licensee_assets", licensee_assets)
    rp = finite("cn.equivalent.patent_profit_ratio", patent_profit_ratio)
    rb = finite("cn.equivalent.licensee_profit_ratio", licensee_profit_ratio)
    for name, v in (("patent_profit_ratio", rp), ("licensee_profit_ratio", rb)):
        if v <= -1:
            raise InputError(f"cn.equivalent.{name}", "must be > -1")
    p_eq = cp * (1.0 + rp)
    b_eq = cb * (1.0 + rb)
    if p_eq + b_eq <= 0:
        raise InputError("cn.equivalent", "patent and licensee investments are both zero")
    k = p_eq / (p_eq + b_eq)
    return SplitRateResult(
        k,
        "equivalent_investment",
        (),
        (),
        (
            Step("patent equivalent investment", "C_p·(1 + ρ_p)", p_eq),
            Step("licensee equivalent investment", "C_b·(1 + ρ_b)", b_eq),
            Step("split rate (on profit)", "P_eq / (P_eq + B_eq)", k),
        ),
    )


def incremental_profit_split(
    incremental_profit: Sequence[float],
    profit_share: Sequence[float],
    *,
    rate: float,
    timing: Literal["end", "mid"],
) -> SplitRateResult:
    """Split from incremental profit: ``K = Σ PV(ΔΠ_t) / Σ PV(ΔΠ_t / s_t)`` (K on profit).

    ``profit_share`` s_t is ΔΠ_t as a share of year-t total profit, in (0, 1]; ``ΔΠ_t / s_t``
    is therefore the year's total profit.
    """
    d = [finite(f"cn.incremental.profit.{i}", x) for i, x in enumerate(incremental_profit)]
    s = [
        in_range(f"cn.incremental.share.{i}", x, 0.0, 1.0, low_open=True)
        for i, x in enumerate(profit_share)
    ]
    if not d or len(d) != len(s):
        raise InputError(
            "cn.incremental",
            "needs the same number (>= 1) of incremental profits and profit shares",
        )
    dfs = _discount_factors(rate, len(d), timing, "cn.incremental.rate")
    num = math.fsum(x * f for x, f in zip(d, dfs, strict=True))
    den = math.fsum(x / sh * f for x, sh, f in zip(d, s, dfs, strict=True))
    if den <= 0 or num < 0:
        raise InputError(
            "cn.incremental.profit",
            "present values of incremental and total profit must be positive",
        )
    k = num / den
    return SplitRateResult(
        k,
        "incremental_profit",
        (),
        (),
        (
            Step("PV incremental profit", "Σ ΔΠ_t·DF_t", num),
            Step("PV total profit", "Σ (ΔΠ_t/s_t)·DF_t", den),
            Step("split rate (on profit)", "PV(ΔΠ) / PV(Π)", k),
        ),
    )


def scoring_split(
    *,
    k_min: float,
    k_max: float,
    range_source: str,
    factor_scores: Mapping[str, float],
    factor_weights: Mapping[str, float],
    factor_weights_source: str,
) -> SplitRateResult:
    """Split by scoring (U form): ``K = K_min + (K_max − K_min) · adjustment``.

    ``adjustment = Σ w_i · score_i / 100`` with factor scores in [0, 100] and weights summing
    to 1. The K range (industry ranges, e.g. UNIDO or CNIPA tables) and the factor weights were
    not retrieved: both are inputs with a source, and the result carries a U warning.
    """
    lo = in_range("cn.scoring.k_min", k_min, 0.0, 1.0)
    hi = in_range("cn.scoring.k_max", k_max, 0.0, 1.0)
    if hi < lo:
        raise InputError("cn.scoring.k_max", "must be >= k_min")
    if not range_source.strip():
        raise InputError("cn.scoring.range_source", "is required (where the K range comes from)")
    if not factor_weights_source.strip():
        raise InputError("cn.scoring.weights_source", "is required")
    w = weights_summing_to_one("cn.scoring.weights", factor_weights)
    if set(factor_scores) != set(w):
        extra = sorted(set(factor_scores) ^ set(w))
        raise InputError(
            f"cn.scoring.scores.{extra[0]}", "every factor needs both a score and a weight"
        )
    sc = {k: in_range(f"cn.scoring.scores.{k}", v, 0.0, 100.0) for k, v in factor_scores.items()}
    adj = math.fsum(w[k] * sc[k] for k in w) / 100.0
    k = lo + (hi - lo) * adj
    return SplitRateResult(
        k,
        "scoring",
        (
            Assumption("cn.scoring.k_range", f"{lo:g}-{hi:g}", "fraction", range_source, "input"),
            Assumption(
                "cn.scoring.weights",
                ", ".join(f"{n} {v:g}" for n, v in w.items()),
                "weight",
                factor_weights_source,
                "input",
            ),
        ),
        (
            Note(
                "CN_SCORING_SPLIT_UNVERIFIED",
                "split by scoring uses the K_min + (K_max − K_min)"
                "·adjustment form, which is not verified (METHODS §6.2, U)",
            ),
        ),
        (
            Step("adjustment", "Σ w_i·score_i / 100", adj),
            Step("split rate", "K_min + (K_max − K_min)·adjustment", k),
        ),
    )


@dataclass(frozen=True)
class CnRateResult:
    """``r = r_f + technical + market + capital + management`` with the parts."""

    rate: float
    risk_free: float
    premia: dict[str, float]
    trace: tuple[Step, ...]


CN_RISK_PREMIA = ("technical", "market", "capital", "management")


def cn_discount_rate(*, risk_free: float, premia: Mapping[str, float]) -> CnRateResult:
    """Chinese build-up ``r = r_f + Σ risk premia`` (technical, market, capital, management).

    Each premium is a fraction in [0, 1); all four are required (0 is a valid explicit input).
    """
    rf = in_range("cn.rate.risk_free", risk_free, -0.05, 1.0)
    missing = [p for p in CN_RISK_PREMIA if p not in premia]
    unknown = sorted(set(premia) - set(CN_RISK_PREMIA))
    if unknown:
        raise InputError(
            f"cn.rate.premia.{unknown[0]}", "unknown premium; expected " + ", ".join(CN_RISK_PREMIA)
        )
    if missing:
        raise InputError(f"cn.rate.premia.{missing[0]}", "is required")
    p = {
        k: in_range(f"cn.rate.premia.{k}", premia[k], 0.0, 1.0, high_open=True)
        for k in CN_RISK_PREMIA
    }
    rate = rf + math.fsum(p.values())
    return CnRateResult(rate, rf, p, (Step("discount rate", "r_f + Σ premia", rate),))
