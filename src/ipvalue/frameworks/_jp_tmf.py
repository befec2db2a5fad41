"""Technology-market-finance assessment with TRL: an ipvalue *platform model*.

No JPO/INPIT specification of such a model was found (METHODS.md §6.3): the axes, items,
weights and grade bands below are ipvalue's, and every result is labelled so. The technology
axis rests on Technology Readiness Levels 1-9 [TRL] (Mankins 1995; ISO 16290:2013).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import (
    Note,
    Step,
    exact_keys,
    finite,
    score_1_to_5,
    weights_summing_to_one,
)

PLATFORM_LABEL = (
    "ipvalue platform model (no JPO/INPIT specification found; "
    "axes, items, weights and grade bands are ipvalue's)"
)

#: axis -> items rated 1-5 (the technology axis also takes the TRL).
TMF_ITEMS: dict[str, tuple[str, ...]] = {
    "technology": ("superiority", "ip_protection"),
    "market": ("market_size", "market_growth", "competitive_position", "customer_access"),
    "finance": ("profitability", "funding_capacity", "cash_flow_visibility"),
}
TMF_AXES = tuple(TMF_ITEMS)

#: Grade bands on the 0-100 overall score (lower bounds), platform defaults.
DEFAULT_GRADE_BANDS: tuple[tuple[str, float], ...] = (
    ("S", 80.0),
    ("A", 60.0),
    ("B", 40.0),
    ("C", 0.0),
)


def trl_points(trl: int) -> float:
    """TRL 1..9 on 0..100: ``(TRL − 1) / 8 · 100``."""
    if isinstance(trl, bool) or not isinstance(trl, int) or not 1 <= trl <= 9:
        raise InputError("jp.tmf.trl", "must be an integer TRL from 1 to 9")
    return (trl - 1) / 8.0 * 100.0


def rating_points(field_: str, rating: float) -> float:
    """A 1-5 rating on 0..100: ``(r − 1) / 4 · 100``."""
    return (score_1_to_5(field_, rating) - 1.0) / 4.0 * 100.0


@dataclass(frozen=True)
class TmfConfig:
    """Axis weights, item weights within each axis (TRL counts as an item) and grade bands."""

    axis_weights: Mapping[str, float] = field(
        default_factory=lambda: dict.fromkeys(TMF_AXES, 1 / 3)
    )
    item_weights: Mapping[str, Mapping[str, float]] | None = None
    grade_bands: tuple[tuple[str, float], ...] = DEFAULT_GRADE_BANDS
    source: str = PLATFORM_LABEL


@dataclass(frozen=True)
class TmfResult:
    """Axis scores and overall score on 0-100, grade, and the platform-model label."""

    overall: float
    grade: str
    axes: dict[str, float]
    items: dict[str, float]
    model_label: str
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def _grade(score: float, bands: tuple[tuple[str, float], ...]) -> str:
    for label, lower in bands:
        if score >= lower:
            return label
    return bands[-1][0]


def tmf_assessment(
    *,
    trl: int,
    ratings: Mapping[str, Mapping[str, float]],
    config: TmfConfig | None = None,
) -> TmfResult:
    """Technology-market-finance assessment.

    Parameters
    ----------
    trl
        Technology Readiness Level 1-9 of the subject technology.
    ratings
        ``{axis: {item: rating 1-5}}`` for every item of :data:`TMF_ITEMS`.
    config
        Weights and grade bands; the platform defaults (equal weights; S >= 80, A >= 60,
        B >= 40, else C) when None.
    """
    cfg = config or TmfConfig()
    exact_keys("jp.tmf.ratings", ratings, TMF_AXES)
    aw = weights_summing_to_one("jp.tmf.axis_weights", cfg.axis_weights)
    exact_keys("jp.tmf.axis_weights", aw, TMF_AXES)
    bands = cfg.grade_bands
    lowers = [finite(f"jp.tmf.grade_bands.{lbl}", lo) for lbl, lo in bands]
    if not bands or lowers != sorted(lowers, reverse=True) or lowers[-1] > 0:
        raise InputError("jp.tmf.grade_bands", "need descending lower bounds ending at 0")
    points: dict[str, float] = {"trl": trl_points(trl)}
    axes: dict[str, float] = {}
    trace: list[Step] = [Step("TRL points", "(TRL − 1)/8·100", points["trl"])]
    for axis in TMF_AXES:
        exact_keys(f"jp.tmf.ratings.{axis}", ratings[axis], TMF_ITEMS[axis])
        for item in TMF_ITEMS[axis]:
            points[item] = rating_points(f"jp.tmf.ratings.{axis}.{item}", ratings[axis][item])
        names = (("trl",) if axis == "technology" else ()) + TMF_ITEMS[axis]
        if cfg.item_weights is None or axis not in cfg.item_weights:
            iw = {n: 1.0 / len(names) for n in names}
        else:
            iw = weights_summing_to_one(f"jp.tmf.item_weights.{axis}", cfg.item_weights[axis])
            exact_keys(f"jp.tmf.item_weights.{axis}", iw, names)
        axes[axis] = math.fsum(iw[n] * points[n] for n in names)
        trace.append(Step(f"{axis} axis", "Σ w_i · points_i", axes[axis]))
    overall = math.fsum(aw[a] * axes[a] for a in TMF_AXES)
    trace.append(Step("overall", "Σ W_axis · axis", overall))
    return TmfResult(
        overall=overall,
        grade=_grade(overall, bands),
        axes=axes,
        items=points,
        model_label=cfg.source,
        warnings=(Note("JP_TMF_PLATFORM_MODEL", PLATFORM_LABEL),),
        trace=tuple(trace),
    )
