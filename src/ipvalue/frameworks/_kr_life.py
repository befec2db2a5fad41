"""Korean economic life, Model I (technology cycle time, 인용특허수명).

METHODS.md §6.1::

    L = Q1 + (Q2 − Q1)·(S − 20)/40     S < 60
    L = Q2 + (Q3 − Q2)·(S − 60)/40     60 ≤ S ≤ 100
    L = min(L, Q3)                     cap (the guide notes Model I can overshoot Q3)

``Q1..Q3`` are quartiles of cited-patent age in the subject's IPC/USPC field; ``S ∈ [20, 100]``
is the life-factor score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Note, Step, exact_keys, in_range, non_negative, score_1_to_5

#: The 10 life factors of Model I [tvl-app][tong-18]: code -> Korean name.
LIFE_FACTORS: dict[str, str] = {
    "superiority": "우월성",
    "tech_competition": "기술경쟁강도",
    "substitutability": "대체가능성",
    "imitation_difficulty": "모방난이도",
    "protection_strength": "권리보호강도",
    "market_entry": "시장진입가능성",
    "market_competition": "시장경쟁강도",
    "market_competition_change": "시장경쟁의 변화",
    "new_product_emergence": "신제품 출현가능성",
    "expected_market_share": "예상 시장점유율",
}


@dataclass(frozen=True)
class Quartiles:
    """Cited-patent age quartiles (years) for one classification code, with provenance."""

    q1: float
    q2: float
    q3: float
    source: str

    def __post_init__(self) -> None:
        non_negative("kr.life.q1", self.q1)
        non_negative("kr.life.q2", self.q2)
        non_negative("kr.life.q3", self.q3)
        if not self.q1 <= self.q2 <= self.q3:
            raise InputError(
                "kr.life.quartiles",
                f"must satisfy q1 <= q2 <= q3 (got {self.q1:g}, {self.q2:g}, {self.q3:g})",
            )
        if not self.source.strip():
            raise InputError("kr.life.quartiles_source", "is required")


@dataclass(frozen=True)
class LifeResult:
    """Model I economic life in years; ``capped`` is True when ``min(L, Q3)`` bound."""

    life_years: float
    uncapped_years: float
    capped: bool
    score: float
    quartiles: Quartiles
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def life_factor_score(scores: Mapping[str, float]) -> float:
    """Life-factor score ``S = 2 · Σ s_i`` from the 10 factors rated 1-5.

    The guide states ``S ∈ [20, 100]`` for 10 factors; with 1-5 ratings that range is reached
    only by doubling the sum, which is ipvalue's reading (U) and is documented as such.
    """
    exact_keys("kr.life.factors", scores, LIFE_FACTORS)
    return 2.0 * sum(score_1_to_5(f"kr.life.factors.{k}", v) for k, v in scores.items())


def model_i_life(quartiles: Quartiles, score: float) -> LifeResult:
    """Economic life by Model I with the Q3 cap.

    Parameters
    ----------
    quartiles
        Q1 <= Q2 <= Q3 in years (see :func:`read_cycle_time_quartiles` for analytics files).
    score
        Life-factor score S in [20, 100]; S = 60 returns Q2 exactly, S = 20 returns Q1.

    Notes
    -----
    Within ``S <= 100`` the interpolation never exceeds Q3; the cap still guards rounding in
    supplied scores and is reported when it binds.
    """
    s = in_range("kr.life.score", score, 20.0, 100.0)
    q = quartiles
    if s < 60:
        raw = q.q1 + (q.q2 - q.q1) * (s - 20.0) / 40.0
        formula = "Q1 + (Q2 − Q1)·(S − 20)/40"
    else:
        raw = q.q2 + (q.q3 - q.q2) * (s - 60.0) / 40.0
        formula = "Q2 + (Q3 − Q2)·(S − 60)/40"
    life = min(raw, q.q3)
    warnings: tuple[Note, ...] = ()
    if life <= 0:
        raise InputError(
            "kr.life", f"Model I gives a non-positive life ({life:g} years); check the quartiles"
        )
    if raw > q.q3:
        warnings = (Note("KR_LIFE_CAPPED", f"Model I life {raw:.4g} y capped at Q3 = {q.q3:g} y"),)
    trace = (
        Step("Model I life (uncapped)", formula, raw),
        Step("Model I life", "min(L, Q3)", life),
    )
    return LifeResult(life, raw, raw > q.q3, s, q, warnings, trace)
