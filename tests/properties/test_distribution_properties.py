"""Hypothesis properties of the input distributions (quantile functions and moments)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.model.distributions import Discrete, Lognormal, Normal, Pert, Triangular, Uniform

finite = st.floats(-1e6, 1e6, allow_nan=False)
positive = st.floats(1e-3, 1e6)
U = np.linspace(0.0, 1.0, 201)


@st.composite
def three_points(draw: Any) -> tuple[float, float, float]:
    low = draw(finite)
    width = draw(positive)
    share = draw(st.floats(0.0, 1.0))
    return low, low + share * width, low + width


@st.composite
def distributions(draw: Any) -> Any:
    kind = draw(
        st.sampled_from(
            ["normal", "tnormal", "lognormal", "uniform", "triangular", "pert", "discrete"]
        )
    )
    if kind == "normal":
        return Normal(mean=draw(finite), sd=draw(positive))
    if kind == "tnormal":
        mean, sd = draw(finite), draw(positive)
        lo = mean + sd * draw(st.floats(-4, 3))
        return Normal(mean=mean, sd=sd, min=lo, max=lo + sd * draw(st.floats(0.05, 5)))
    if kind == "lognormal":
        return Lognormal(mean=draw(positive), sd=draw(positive))
    if kind == "uniform":
        low, _, high = draw(three_points())
        return Uniform(low=low, high=high)
    if kind == "triangular":
        low, mode, high = draw(three_points())
        return Triangular(low=low, mode=mode, high=high)
    if kind == "pert":
        low, mode, high = draw(three_points())
        return Pert.model_validate(
            {"low": low, "mode": mode, "high": high, "lambda": draw(st.floats(0.5, 10))}
        )
    k = draw(st.integers(1, 6))
    weights = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k))) + 1e-3
    return Discrete(
        values=draw(st.lists(finite, min_size=k, max_size=k)),
        probabilities=(weights / weights.sum()).tolist(),
    )


@settings(max_examples=100, deadline=None)
@given(d=distributions())
def test_quantiles_are_monotone_within_support_and_bracket_the_mean(d: Any) -> None:
    lo, hi = d.support()
    x = d.ppf(U[1:-1])
    assert np.all(np.diff(x) >= -1e-9 * (1 + np.abs(x[:-1])))
    assert np.all(x >= lo - 1e-9 * (1 + abs(lo))) and np.all(x <= hi + 1e-9 * (1 + abs(hi)))
    mean = d.mean()
    assert lo - 1e-9 * (1 + abs(lo)) <= mean <= hi + 1e-9 * (1 + abs(hi))
    assert d.variance() >= 0.0
    assert d.point() == mean


@settings(max_examples=40, deadline=None)
@given(d=distributions(), seed=st.integers(0, 2**32))
def test_native_and_inverse_cdf_draws_agree_in_mean(d: Any, seed: int) -> None:
    n = 20_000
    native = d.sample(np.random.default_rng(seed), n)
    inverse = d.ppf(np.random.default_rng(seed + 1).random(n))
    se = np.sqrt(d.variance() / n)
    # Two independent sample means of the same law differ by < 6 standard errors.
    assert abs(native.mean() - inverse.mean()) <= 6 * np.sqrt(2) * se + 1e-9 * (1 + abs(d.mean()))
