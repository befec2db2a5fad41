"""SMART5-style patent grade (KIPA): rights / technology / usability, 9 relative grades.

METHODS.md §6.1. Group weights 35/35/30 come from the SMART model page [smart-model]; the point
grid from the IP-Market evaluation page [ipm-kr], whose Japanese mirror labels the groups
40/20/40 = the sums of the points [ipm-jp]. The two are unresolved, so group weights and point
allocations are configured separately and the result records which were used.

Grades are stanines *within the subject's WIPO technology sector*: they need a population of
scores from that sector, computed with the same configuration. ipvalue ships none — the user
supplies it (for instance the SMART5 scores of the comparison portfolio).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import (
    Assumption,
    Note,
    Step,
    exact_keys,
    finite,
    non_negative,
    score_1_to_5,
)
from ipvalue.frameworks._scoring_stanine import stanine

SMART_GROUPS = ("rights", "technology", "usability")

#: WIPO IPC-technology concordance sectors [WIPO-conc].
WIPO_SECTORS = (
    "electrical_engineering",
    "instruments",
    "chemistry",
    "mechanical_engineering",
    "other_fields",
)

#: Group-weight presets; the case must name one (or give its own): they disagree.
GROUP_WEIGHT_PRESETS: dict[str, tuple[dict[str, float], str, str]] = {
    "kipa_35_35_30": (
        {"rights": 35.0, "technology": 35.0, "usability": 30.0},
        "KIPA SMART model page [smart-model]",
        "S",
    ),
    "ipm_points_40_20_40": (
        {"rights": 40.0, "technology": 20.0, "usability": 40.0},
        "IP-Market Japanese mirror; equals the sums of the point grid [ipm-jp]",
        "S",
    ),
}

#: Point grid of the IP-Market evaluation page [ipm-kr]: sub-indicator -> (group, points).
#: A negative allocation is a deduction (patent stability risk).
IPM_POINTS: dict[str, tuple[str, float]] = {
    "claim_scope": ("rights", 20.0),  # 권리범위의 광협
    "right_completeness": ("rights", 20.0),  # 권리의 충실성
    "patent_stability": ("rights", -20.0),  # 특허 안정성 (deduction)
    "trend_fit": ("technology", 5.0),  # 기술동향 부합성
    "technology_life": ("technology", 10.0),  # 기술의 수명
    "technology_leadership": ("technology", 5.0),  # 기술선도성
    "commercialisability": ("usability", 20.0),  # 상용화가능성
    "enforceability": ("usability", 20.0),  # 권리행사가능성
}
IPM_POINTS_SOURCE = "IP-Market evaluation page [ipm-kr]"

#: Grade labels lowest -> highest. Only the ends AAA and C are sourced [ipm-kr]; the
#: intermediate labels are U, so using them raises a warning.
DEFAULT_GRADE_LABELS = ("C", "CC", "CCC", "B", "BB", "BBB", "A", "AA", "AAA")


@dataclass(frozen=True)
class SmartConfig:
    """Group weights (sum 100) and point allocations, each with its source."""

    group_weights: Mapping[str, float]
    group_weights_source: str
    points: Mapping[str, tuple[str, float]] = field(default_factory=lambda: dict(IPM_POINTS))
    points_source: str = IPM_POINTS_SOURCE
    grade_labels: tuple[str, ...] = DEFAULT_GRADE_LABELS
    grade_labels_source: str = "ipvalue default (ends AAA/C per [ipm-kr]; intermediate U)"

    def __post_init__(self) -> None:
        exact_keys("smart.group_weights", self.group_weights, SMART_GROUPS)
        w = {g: non_negative(f"smart.group_weights.{g}", v) for g, v in self.group_weights.items()}
        total = math.fsum(w.values())
        if abs(total - 100.0) > 1e-9:
            raise InputError("smart.group_weights", f"must sum to 100 (sum is {total:.12g})")
        for name, (group, pts) in self.points.items():
            if group not in SMART_GROUPS:
                raise InputError(
                    f"smart.points.{name}", f"group must be one of {', '.join(SMART_GROUPS)}"
                )
            finite(f"smart.points.{name}", pts)
        for g in SMART_GROUPS:
            if not any(grp == g and p > 0 for grp, p in self.points.values()):
                raise InputError("smart.points", f"group {g!r} needs a positive allocation")
        if len(self.grade_labels) != 9:
            raise InputError("smart.grade_labels", "needs exactly 9 labels, lowest first")


def smart_preset(name: str) -> SmartConfig:
    """Configuration with the named group-weight preset and the IP-Market point grid."""
    if name not in GROUP_WEIGHT_PRESETS:
        raise InputError(
            "smart.group_weights",
            f"unknown preset {name!r}; expected one of "
            f"{', '.join(GROUP_WEIGHT_PRESETS)} or a mapping",
        )
    w, src, _ = GROUP_WEIGHT_PRESETS[name]
    return SmartConfig(group_weights=w, group_weights_source=src)


@dataclass(frozen=True)
class SmartResult:
    """Score (weighted group fractions, 100 = best), group detail and, with a population, grade."""

    score: float
    points: dict[str, float]
    group_fraction: dict[str, float]
    sector: str
    stanine: int | None
    grade: str | None
    percentile: float | None
    population_size: int
    assumptions: tuple[Assumption, ...]
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def smart_points(rating: float, allocation: float) -> float:
    """Points earned for a 1-5 rating (5 best).

    Positive allocation ``A``: ``A·(r − 1)/4``. Deduction ``A < 0``: ``A·(5 − r)/4``, so a
    rating of 5 (no stability concern) deducts nothing and 1 deducts the full ``|A|``.
    """
    return allocation * ((rating - 1.0) if allocation >= 0 else (5.0 - rating)) / 4.0


def smart_grade(
    ratings: Mapping[str, float],
    *,
    config: SmartConfig,
    sector: str,
    population: Sequence[tuple[str, float]] | None = None,
) -> SmartResult:
    """SMART5-style score and (given a sector population) stanine grade.

    Parameters
    ----------
    ratings
        One 1-5 rating per sub-indicator in ``config.points``.
    config
        Group weights and point allocations (:func:`smart_preset` or custom).
    sector
        The subject's WIPO technology sector (:data:`WIPO_SECTORS`).
    population
        ``(sector, score)`` pairs scored with the same configuration. Only the subject's
        sector is used. Without it no grade is given (``grade=None``) and a warning says so.

    Returns
    -------
    SmartResult
        ``score = Σ_g W_g · (Σ points in g) / (Σ positive allocations in g)`` with ``Σ W = 100``.
        With group weights equal to the point sums the score is the plain sum of points.
    """
    if sector not in WIPO_SECTORS:
        raise InputError("smart.sector", f"must be one of {', '.join(WIPO_SECTORS)}")
    exact_keys("smart.ratings", ratings, config.points)
    pts = {
        k: smart_points(score_1_to_5(f"smart.ratings.{k}", ratings[k]), alloc)
        for k, (_, alloc) in config.points.items()
    }
    frac: dict[str, float] = {}
    for g in SMART_GROUPS:
        pos = math.fsum(a for grp, a in config.points.values() if grp == g and a > 0)
        frac[g] = math.fsum(pts[k] for k, (grp, _) in config.points.items() if grp == g) / pos
    score = math.fsum(config.group_weights[g] * frac[g] for g in SMART_GROUPS)
    warnings: list[Note] = []
    trace = [
        Step(f"{g} group fraction", "Σ points / Σ positive allocation", frac[g])
        for g in SMART_GROUPS
    ]
    trace.append(Step("SMART score", "Σ_g W_g · fraction_g", score))
    st = grade = pct = None
    n = 0
    if population is None:
        warnings.append(
            Note(
                "SMART_NO_POPULATION",
                "no grade: SMART grades are relative within "
                "a WIPO sector and need a supplied population of scores",
            )
        )
    else:
        pop = []
        for i, item in enumerate(population):
            if len(item) != 2 or item[0] not in WIPO_SECTORS:
                raise InputError(f"smart.population.{i}", "must be (WIPO sector, score)")
            if item[0] == sector:
                pop.append(item[1])
        result = stanine(score, pop)
        st, pct, n = result.stanine, result.percentile, result.population_size
        grade = config.grade_labels[st - 1]
        warnings.extend(result.warnings)
        trace.extend(result.trace)
        if config.grade_labels == DEFAULT_GRADE_LABELS:
            warnings.append(
                Note(
                    "SMART_LABELS_UNVERIFIED",
                    "grade labels AA..CC are not "
                    f"verified (U); source: {config.grade_labels_source}",
                )
            )
    assumptions = (
        Assumption(
            "smart.group_weights",
            ", ".join(f"{g} {config.group_weights[g]:g}" for g in SMART_GROUPS),
            "points",
            config.group_weights_source,
            "S",
        ),
        Assumption(
            "smart.points",
            ", ".join(f"{k} {a:g}" for k, (_, a) in config.points.items()),
            "points",
            config.points_source,
            "S",
        ),
    )
    return SmartResult(
        score, pts, frac, sector, st, grade, pct, n, assumptions, tuple(warnings), tuple(trace)
    )
