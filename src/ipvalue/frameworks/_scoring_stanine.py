"""Relative grading on the stanine scale (9 grades) against a supplied population of scores.

Stanine bands, lowest to highest: 4, 7, 12, 17, 20, 17, 12, 7, 4 % [stanine]. A grade is
*relative*: it says where a score sits among the scores it is compared with, so it can only be
computed against a population that the user supplies (for SMART5: patents of the same WIPO
technology sector scored the same way). ipvalue ships no population.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ipvalue.core.errors import InputError
from ipvalue.frameworks._kcj import Note, Step, finite

STANINE_BAND_PCT = (4, 7, 12, 17, 20, 17, 12, 7, 4)
#: Upper cumulative percentage of stanines 1..8 (stanine 9 runs to 100 %).
STANINE_CUMULATIVE_PCT = (4, 11, 23, 40, 60, 77, 89, 96)
#: Fewer scores than grades cannot fill the scale.
MIN_POPULATION = 9
#: Below this size a single score moves the band edges; the result says so.
SMALL_POPULATION = 100


@dataclass(frozen=True)
class StanineResult:
    """Stanine 1..9 (9 best), the mid-rank percentile used, and the population size."""

    stanine: int
    percentile: float
    population_size: int
    warnings: tuple[Note, ...]
    trace: tuple[Step, ...]


def stanine(score: float, population: Sequence[float]) -> StanineResult:
    """Stanine of ``score`` within ``population`` (higher score = higher stanine).

    The percentile is the mid-rank ``(n_below + ½·n_equal) / n``; the subject is not added to
    the population (pass it in if it belongs there). Stanine ``k`` is the band whose cumulative
    range contains that percentile.

    Raises
    ------
    InputError
        Non-finite score or population value, or fewer than :data:`MIN_POPULATION` scores.
    """
    x = finite("score", score)
    pop = [finite(f"population.{i}", v) for i, v in enumerate(population)]
    if len(pop) < MIN_POPULATION:
        raise InputError(
            "population",
            f"needs at least {MIN_POPULATION} comparison scores to "
            f"grade on 9 stanines (got {len(pop)})",
        )
    below = sum(1 for v in pop if v < x)
    equal = sum(1 for v in pop if v == x)
    pct = (below + 0.5 * equal) / len(pop)
    k = 1 + sum(1 for edge in STANINE_CUMULATIVE_PCT if pct * 100.0 >= edge)
    warnings: tuple[Note, ...] = ()
    if len(pop) < SMALL_POPULATION:
        warnings = (
            Note(
                "STANINE_SMALL_POPULATION",
                f"grade relative to only {len(pop)} scores; band edges are coarse",
            ),
        )
    trace = (
        Step("mid-rank percentile", "(n_below + ½·n_equal)/n", pct),
        Step("stanine", "band of the percentile in 4/11/23/40/60/77/89/96 %", float(k)),
    )
    return StanineResult(k, pct, len(pop), warnings, trace)
