"""Stanine grading against a supplied population."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.frameworks.scoring import STANINE_BAND_PCT, stanine

POP = [float(v) for v in range(100)]  # 0..99


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (-1.0, 1),  # percentile 0
        (3.5, 2),  # 4 below -> 4 % -> lower edge of stanine 2
        (3.0, 1),  # 3 below + ½ equal -> 3.5 %
        (50.0, 5),  # (50 + ½)/100 = 50.5 %
        (59.5, 6),  # 60 below -> 60 % -> lower edge of stanine 6
        (60.0, 6),  # 60.5 %
        (95.5, 9),  # 96 %
        (200.0, 9),
    ],
)
def test_stanine_hand_cases(score: float, expected: int) -> None:
    assert stanine(score, POP).stanine == expected


def test_bands_sum_to_100() -> None:
    assert sum(STANINE_BAND_PCT) == 100


def test_population_too_small_and_non_finite() -> None:
    with pytest.raises(InputError, match="at least 9"):
        stanine(1.0, [1.0] * 8)
    with pytest.raises(InputError) as e:
        stanine(1.0, [*POP, float("inf")])
    assert e.value.field == "population.100"
    assert stanine(1.0, [float(v) for v in range(9)]).warnings[0].code == "STANINE_SMALL_POPULATION"


@given(st.lists(st.floats(-1e6, 1e6), min_size=9, max_size=200), st.floats(-1e6, 1e6))
def test_stanine_monotone_in_score(pop: list[float], score: float) -> None:
    a = stanine(score, pop).stanine
    b = stanine(score + 1.0, pop).stanine
    assert 1 <= a <= b <= 9


def test_distribution_of_grades_follows_bands() -> None:
    # grading each member of a 1000-score population against it gives the stanine shares
    pop = [float(v) for v in range(1000)]
    counts = [0] * 9
    for v in pop:
        counts[stanine(v, pop).stanine - 1] += 1
    assert [c / 10 for c in counts] == list(STANINE_BAND_PCT)
