"""Black–Scholes with a cost of delay and the CRR lattice with early exercise."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.valuation.options import (
    binomial_real_option,
    black_scholes_delay,
    delay_yield_schedule,
)


def test_black_scholes_published_no_yield() -> None:
    # Hull, Options, Futures and Other Derivatives, BS example: S 42, K 40, r 10 %, sigma 20 %,
    # T 0.5 -> d1 = 0.7693, d2 = 0.6278, c = 4.76
    res = black_scholes_delay(42.0, 40.0, 0.2, 0.5, 0.1, cost_of_delay=0.0)
    assert float(res.d1) == pytest.approx(0.7693, abs=1e-4)  # type: ignore[arg-type]
    assert float(res.d2) == pytest.approx(0.6278, abs=1e-4)  # type: ignore[arg-type]
    assert res.value == pytest.approx(4.76, abs=5e-3)


def test_black_scholes_published_with_yield() -> None:
    # Hull, index option example (continuous yield): S 930, K 900, r 8 %, q 3 %, sigma 20 %,
    # T 2/12 -> d1 = 0.5444, d2 = 0.4628, c = 51.83
    res = black_scholes_delay(930.0, 900.0, 0.2, 2 / 12, 0.08, cost_of_delay=0.03)
    assert float(res.d1) == pytest.approx(0.5444, abs=1e-4)  # type: ignore[arg-type]
    assert res.value == pytest.approx(51.83, abs=5e-3)


def test_black_scholes_inverse_life_by_hand() -> None:
    # S 100, K 80, sigma 30 %, T 10, r 5 %, y = 1/10
    # d1 = [ln 1.25 + (0.05 - 0.1 + 0.045) x 10] / (0.3 sqrt 10) = (0.2231436 - 0.05) / 0.9486833
    # d2 = d1 - 0.9486833; C = 100 e^-1 N(d1) - 80 e^-0.5 N(d2)
    d1 = (math.log(1.25) - 0.05) / (0.3 * math.sqrt(10))
    d2 = d1 - 0.3 * math.sqrt(10)
    big_n = lambda x: 0.5 * math.erfc(-x / math.sqrt(2))  # noqa: E731
    expected = 100 * math.exp(-1) * big_n(d1) - 80 * math.exp(-0.5) * big_n(d2)
    res = black_scholes_delay(100.0, 80.0, 0.3, 10.0, 0.05, cost_of_delay="inverse_life")
    assert res.value == pytest.approx(expected, rel=1e-13)
    assert res.cost_of_delay == pytest.approx(0.1)
    assert res.npv == 20.0
    assert res.time_premium == pytest.approx(expected - 20.0, rel=1e-12)


def test_two_step_lattice_by_hand() -> None:
    # T 2, m 2, sigma 40 %, r 5 %, y 10 %: u = e^0.4 = 1.4918247, d = 0.6703200
    # q = (e^(0.05-0.1) - d)/(u - d) = (0.9512294 - 0.6703200)/0.8215047 = 0.3419450
    # leaves S u^2 = 222.554 -> 122.554; 100 -> 0; 44.93 -> 0
    # up node: hold = e^-0.05 x q x 122.554 = 39.8629; launch now = 149.182 - 100 = 49.1825
    # European root: e^-0.05 x q x 39.8629 = 12.9661; American: e^-0.05 x q x 49.1825 = 15.9975
    kw = dict(steps=2, cost_of_delay=0.1)
    eu = binomial_real_option(100.0, 100.0, 0.4, 2.0, 0.05, exercise="european", **kw)  # type: ignore[arg-type]
    am = binomial_real_option(100.0, 100.0, 0.4, 2.0, 0.05, exercise="american", **kw)  # type: ignore[arg-type]
    assert eu.value == pytest.approx(12.966142652326946, rel=1e-12)
    assert am.value == pytest.approx(15.997489046987399, rel=1e-12)


def test_year_stepped_schedule() -> None:
    # T 3, m 6, dt 0.5: remaining 3, 2.5, 2, 1.5, 1, 0.5 -> ceil 3, 3, 2, 2, 1, 1
    assert delay_yield_schedule(3.0, 6) == pytest.approx([1 / 3, 1 / 3, 1 / 2, 1 / 2, 1, 1])
    # floating-point remaining years just above a whole number stay on it
    assert delay_yield_schedule(0.3, 3)[0] == pytest.approx(1.0)
    assert delay_yield_schedule(np.array([2.0, 4.0]), 2).tolist() == [[0.5, 1.0], [0.25, 0.5]]


def test_lattice_converges_to_black_scholes() -> None:
    bs = black_scholes_delay(100.0, 80.0, 0.3, 10.0, 0.05, cost_of_delay=0.1)
    tree = binomial_real_option(
        100.0, 80.0, 0.3, 10.0, 0.05, steps=1000, exercise="european", cost_of_delay=0.1
    )
    coarse = binomial_real_option(
        100.0, 80.0, 0.3, 10.0, 0.05, steps=100, exercise="european", cost_of_delay=0.1
    )
    assert tree.value == pytest.approx(float(bs.value), rel=1e-4)
    assert abs(tree.value - bs.value) < abs(coarse.value - bs.value)


def test_lattice_vectorised_matches_single() -> None:
    s = np.array([100.0, 150.0, 60.0])
    vec = binomial_real_option(
        s, 80.0, 0.3, 10.0, 0.05, steps=300, exercise="american", cost_of_delay="year_stepped"
    )
    for i, si in enumerate(s):
        one = binomial_real_option(
            si, 80.0, 0.3, 10.0, 0.05, steps=300, exercise="american", cost_of_delay="year_stepped"
        )
        assert vec.value[i] == pytest.approx(float(one.value), rel=1e-13)


@settings(max_examples=25, deadline=None)
@given(
    st.floats(20.0, 200.0),
    st.floats(20.0, 200.0),
    st.floats(0.2, 0.6),
    st.integers(2, 15),
    st.floats(0.0, 0.08),
)
def test_american_at_least_european_and_intrinsic(
    s: float, k: float, sigma: float, life: int, r: float
) -> None:
    kw = dict(steps=400, cost_of_delay="year_stepped")
    am = binomial_real_option(s, k, sigma, float(life), r, exercise="american", **kw)  # type: ignore[arg-type]
    eu = binomial_real_option(s, k, sigma, float(life), r, exercise="european", **kw)  # type: ignore[arg-type]
    assert am.value >= eu.value - 1e-12
    assert am.value >= max(s - k, 0.0) - 1e-12


@settings(max_examples=40, deadline=None)
@given(
    st.floats(10, 200),
    st.floats(10, 200),
    st.floats(0.05, 0.8),
    st.floats(0.5, 20),
    st.floats(0.0, 0.1),
)
def test_bs_value_bounds(s: float, k: float, sigma: float, t: float, r: float) -> None:
    # 0 <= C <= S e^(-yT), and C >= S e^(-yT) - K e^(-rT)
    res = black_scholes_delay(s, k, sigma, t, r, cost_of_delay="inverse_life")
    upper = s * math.exp(-1.0)
    assert -1e-12 <= res.value <= upper * (1 + 1e-12)
    assert res.value >= upper - k * math.exp(-r * t) - 1e-9


def test_nan_mode_marks_invalid_draws() -> None:
    sigma = np.array([0.3, -0.1, 0.3, 0.02])
    bs = black_scholes_delay(100.0, 80.0, sigma, 10.0, 0.05, cost_of_delay=0.1, invalid="nan")
    assert bs.valid.tolist() == [True, False, True, True]
    assert np.isnan(bs.value[1]) and np.isfinite(bs.value[[0, 2, 3]]).all()
    # sigma 2 % with y = 1 in the last year: q_k < 0 on that path only
    tree = binomial_real_option(
        100.0,
        80.0,
        sigma,
        10.0,
        0.05,
        steps=400,
        exercise="american",
        cost_of_delay="year_stepped",
        invalid="nan",
    )
    assert tree.valid.tolist() == [True, False, True, False]
    one = binomial_real_option(
        100.0, 80.0, 0.3, 10.0, 0.05, steps=400, exercise="american", cost_of_delay="year_stepped"
    )
    assert tree.value[0] == pytest.approx(float(one.value), rel=1e-13)
    assert np.isnan(tree.value[[1, 3]]).all()


ARGS = (100.0, 80.0, 0.3, 10.0, 0.05)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: black_scholes_delay(0.0, 80, 0.3, 10, 0.05, cost_of_delay=0.1), "value"),
        (lambda: black_scholes_delay(100, -1, 0.3, 10, 0.05, cost_of_delay=0.1), "cost"),
        (lambda: black_scholes_delay(100, 80, 0.0, 10, 0.05, cost_of_delay=0.1), "volatility"),
        (lambda: black_scholes_delay(100, 80, 0.3, 0.0, 0.05, cost_of_delay=0.1), "life"),
        (
            lambda: black_scholes_delay(100, 80, 0.3, 10, float("nan"), cost_of_delay=0.1),
            "riskless_rate",
        ),
        (lambda: black_scholes_delay(*ARGS, cost_of_delay=-0.1), "cost_of_delay"),
        (lambda: black_scholes_delay(*ARGS, cost_of_delay="year_stepped"), "cost_of_delay"),
        (
            lambda: black_scholes_delay([100, 90], [80, 70, 60], 0.3, 10, 0.05, cost_of_delay=0.1),
            "cost",
        ),
        (
            lambda: binomial_real_option(*ARGS, steps=0, exercise="american", cost_of_delay=0.1),
            "steps",
        ),
        (
            lambda: binomial_real_option(
                *ARGS,
                steps=50,
                exercise="bermudan",  # type: ignore[arg-type]
                cost_of_delay=0.1,
            ),
            "exercise",
        ),
        # the last year's y = 1 needs dt < (0.3/0.95)^2 ~ 0.0997: 100 steps over 10 y is too few
        (
            lambda: binomial_real_option(
                *ARGS, steps=100, exercise="american", cost_of_delay="year_stepped"
            ),
            "steps",
        ),
        (
            lambda: binomial_real_option(
                *ARGS, steps=50, exercise="american", cost_of_delay="monthly"
            ),
            "cost_of_delay",
        ),
        (lambda: delay_yield_schedule(0.0, 5), "life"),
        (lambda: delay_yield_schedule(5.0, 0), "steps"),
    ],
)
def test_bad_input(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert err.value.field == field
