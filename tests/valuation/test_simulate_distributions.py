"""Distributions of uncertain inputs (ipvalue.model.distributions): moments, quantiles, validation.

Kept with the simulation tests because the simulation stream owns ``distributions.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from ipvalue.model.distributions import (
    Discrete,
    Distribution,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Uncertain,
    Uniform,
    point_value,
)

DIST: TypeAdapter[Any] = TypeAdapter(Distribution)
N = 400_000


def parse(**data: Any) -> Any:
    return DIST.validate_python(data)


# --- closed-form moments, computed by hand ---------------------------------------------------

HAND_MOMENTS = [
    # uniform(2, 5): mean (2+5)/2 = 3.5; var (5-2)^2/12 = 0.75
    (dict(dist="uniform", low=2, high=5), 3.5, 0.75),
    # triangular(0, 1, 4): mean (0+1+4)/3 = 5/3; var (0+1+16-0-0-4)/18 = 13/18
    (dict(dist="triangular", low=0, mode=1, high=4), 5 / 3, 13 / 18),
    # pert(1, 2, 5, λ=4): alpha = 1+4*(1/4) = 2, beta = 1+4*(3/4) = 4;
    # mean (1 + 4*2 + 5)/6 = 7/3; var 4^2 * 2*4 / (6^2 * 7) = 128/252
    (dict(dist="pert", low=1, mode=2, high=5), 7 / 3, 128 / 252),
    # pert with lambda 2 on (0, 0, 1): alpha 1, beta 3 -> mean 1/4, var 3/(16*5) = 3/80
    ({"dist": "pert", "low": 0, "mode": 0, "high": 1, "lambda": 2}, 0.25, 3 / 80),
    # normal(10, 2): mean 10, var 4
    (dict(dist="normal", mean=10, sd=2), 10.0, 4.0),
    # half-normal: N(10, 2) truncated at min=10 -> mean 10 + 2*sqrt(2/pi); var 4*(1 - 2/pi)
    (
        dict(dist="normal", mean=10, sd=2, min=10),
        10 + 2 * math.sqrt(2 / math.pi),
        4 * (1 - 2 / math.pi),
    ),
    # symmetric truncation at ±1 sd: mean 10; var 4*(1 - 2*phi(1)/(2*Phi(1) - 1))
    (
        dict(dist="normal", mean=10, sd=2, min=8, max=12),
        10.0,
        4 * (1 - 2 * stats.norm.pdf(1) / (2 * stats.norm.cdf(1) - 1)),
    ),
    # lognormal given by the variable's own mean and sd
    (dict(dist="lognormal", mean=100, sd=20), 100.0, 400.0),
    # discrete: mean 3*.2 + 1*.5 + 2*.3 = 1.7; var .2*1.69 + .5*.49 + .3*.09 = 0.61
    (dict(dist="discrete", values=[3, 1, 2], probabilities=[0.2, 0.5, 0.3]), 1.7, 0.61),
]


@pytest.mark.parametrize(("data", "mean", "var"), HAND_MOMENTS)
def test_closed_form_moments(data: dict[str, Any], mean: float, var: float) -> None:
    d = parse(**data)
    assert d.mean() == pytest.approx(mean, rel=1e-12)
    assert d.variance() == pytest.approx(var, rel=1e-12)
    assert d.std() == pytest.approx(math.sqrt(var), rel=1e-12)


@pytest.mark.parametrize(("data", "mean", "var"), HAND_MOMENTS)
def test_native_sampler_matches_moments(data: dict[str, Any], mean: float, var: float) -> None:
    d = parse(**data)
    x = d.sample(np.random.default_rng(20240501), N)
    se = math.sqrt(var / N)
    assert abs(x.mean() - mean) < 5 * se
    assert x.var() == pytest.approx(var, rel=0.02)
    lo, hi = d.support()
    assert x.min() >= lo and x.max() <= hi


@pytest.mark.parametrize(("data", "mean", "var"), HAND_MOMENTS)
def test_inverse_cdf_sampling_matches_moments(
    data: dict[str, Any], mean: float, var: float
) -> None:
    d = parse(**data)
    u = np.random.default_rng(7).random(N)
    x = d.ppf(u)
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / N)
    assert x.var() == pytest.approx(var, rel=0.02)


def test_lognormal_log_parameters() -> None:
    # mean 100, sd 20: sigma^2 = ln(1 + 0.04), mu = ln(100) - sigma^2/2
    d = Lognormal(mean=100, sd=20)
    assert d.sigma == pytest.approx(math.sqrt(math.log(1.04)), rel=1e-15)
    assert d.mu == pytest.approx(math.log(100) - math.log(1.04) / 2, rel=1e-15)
    # median = exp(mu) = 100/sqrt(1.04)
    assert d.quantile(0.5) == pytest.approx(100 / math.sqrt(1.04), rel=1e-13)


def test_quantiles_against_scipy() -> None:
    u = np.array([0.0, 0.01, 0.1, 0.37, 0.5, 0.9, 0.999, 1.0])
    tri = Triangular(low=0, mode=1, high=4)
    np.testing.assert_allclose(tri.ppf(u), stats.triang(0.25, loc=0, scale=4).ppf(u), rtol=1e-12)
    pert = Pert(low=1, mode=2, high=5)
    np.testing.assert_allclose(pert.ppf(u), stats.beta(2, 4, loc=1, scale=4).ppf(u), rtol=1e-10)
    uni = Uniform(low=2, high=5)
    np.testing.assert_allclose(uni.ppf(u), 2 + 3 * u, rtol=1e-15)
    norm = Normal(mean=10, sd=2)
    np.testing.assert_allclose(norm.ppf(u[1:-1]), stats.norm(10, 2).ppf(u[1:-1]), rtol=1e-13)
    logn = Lognormal(mean=100, sd=20)
    ref = stats.lognorm(s=logn.sigma, scale=math.exp(logn.mu)).ppf(u[1:-1])
    np.testing.assert_allclose(logn.ppf(u[1:-1]), ref, rtol=1e-12)


def test_triangular_quantile_at_mode_split() -> None:
    # F(mode) = (mode - low)/(high - low) = 1/4, so ppf(1/4) = mode
    assert Triangular(low=0, mode=1, high=4).quantile(0.25) == pytest.approx(1.0, rel=1e-15)
    # right triangle (mode == high): ppf(u) = high - ... = low + (high-low)*sqrt(u)
    assert Triangular(low=0, mode=4, high=4).quantile(0.25) == pytest.approx(2.0)


def test_discrete_quantiles_order_values_and_skip_zero_probability() -> None:
    d = Discrete(
        values=[3, 1, 2, 9], probabilities=[0.2, 0.5, 0.3, 0.0], labels=["a", "b", "c", "d"]
    )
    # sorted: 1 (.5), 2 (.3), 3 (.2), 9 (0) -> cumulative .5, .8, 1.0, 1.0
    np.testing.assert_array_equal(
        d.ppf([0.0, 0.49, 0.5, 0.79, 0.8, 0.999, 1.0]), [1, 1, 2, 2, 3, 3, 3]
    )
    assert d.support() == (1.0, 3.0)
    draws = d.sample(np.random.default_rng(3), N)
    for value, p in [(1, 0.5), (2, 0.3), (3, 0.2), (9, 0.0)]:
        assert np.mean(draws == value) == pytest.approx(p, abs=5 * math.sqrt(0.25 / N))


def test_from_standard_normal_equals_ppf_of_phi_and_keeps_tails() -> None:
    z = np.linspace(-4, 4, 41)
    for d in [
        Normal(mean=1, sd=2),
        Normal(mean=1, sd=2, min=0),
        Lognormal(mean=5, sd=1),
        Uniform(low=0, high=1),
        Triangular(low=0, mode=1, high=4),
        Pert(low=1, mode=2, high=5),
    ]:
        np.testing.assert_allclose(
            d.from_standard_normal(z), d.ppf(stats.norm.cdf(z)), rtol=1e-9, atol=1e-12
        )
    # Φ(9) rounds to 1.0 in float64, yet the mirrored form keeps the tail: for the half normal
    # on [0, inf), S(x) = 2·Φ(−x) must equal Φ(−9), so x = −Φ⁻¹(Φ(−9)/2).
    half = Normal(mean=0, sd=1, min=0)
    tail = half.from_standard_normal(np.array([9.0, -9.0]))
    assert tail[0] == pytest.approx(-stats.norm.ppf(stats.norm.cdf(-9.0) / 2), rel=1e-12)
    # and the lower end: F(x) = 2Φ(x) − 1 = Φ(−9) -> x = Φ⁻¹((1 + Φ(−9))/2) ≈ 0 + Φ(−9)·√(2π)/2
    assert tail[1] == pytest.approx(stats.norm.cdf(-9.0) * math.sqrt(2 * math.pi) / 2, rel=1e-6)
    assert half.ppf([0.0, 1.0]).tolist() == [0.0, math.inf]


def test_point_is_base_else_mean() -> None:
    assert Uniform(low=2, high=5).point() == 3.5
    assert Uniform(low=2, high=5, base=4).point() == 4.0
    half = Normal(mean=10, sd=2, min=10)
    assert half.point() == pytest.approx(10 + 2 * math.sqrt(2 / math.pi))
    assert point_value(0.25) == 0.25
    assert point_value(Pert(low=1, mode=2, high=5)) == pytest.approx(7 / 3)


def test_uncertain_accepts_number_or_distribution() -> None:
    ta: TypeAdapter[Any] = TypeAdapter(Uncertain)
    assert ta.validate_python(0.1) == 0.1
    assert isinstance(ta.validate_python({"dist": "uniform", "low": 0, "high": 1}), Uniform)


@pytest.mark.parametrize(
    "data",
    [
        dict(dist="normal", mean=1, sd=0.5, min=0, max=3, base=1.2),
        {"dist": "pert", "low": 1, "mode": 2, "high": 5, "lambda": 3},
        dict(dist="discrete", values=[1, 2], probabilities=[0.4, 0.6], labels=["bear", "bull"]),
        dict(dist="lognormal", mean=3, sd=1),
    ],
)
def test_round_trip_through_json(data: dict[str, Any]) -> None:
    d = parse(**data)
    dumped = d.model_dump(mode="json", exclude_none=True)
    assert dumped == {k: (float(v) if isinstance(v, int) else v) for k, v in data.items()} | {
        k: [float(x) for x in v] for k, v in data.items() if k in ("values", "probabilities")
    }
    assert parse(**dumped) == d


# --- every bad-input rule ----------------------------------------------------------------------

BAD = [
    (dict(dist="gamma", shape=2), "dist", "does not match"),
    (dict(dist="normal", mean=1, sd=0), "sd", "greater than 0"),
    (dict(dist="normal", mean=1, sd=-1), "sd", "greater than 0"),
    (dict(dist="normal", mean=1, sd=1, min=2, max=1), "normal", "min must be < max"),
    (dict(dist="normal", mean=1, sd=1, min=1, max=1), "normal", "min must be < max"),
    (dict(dist="normal", mean=0, sd=1, min=1e6), "normal", "at least 1e-12"),
    (dict(dist="normal", mean=0, sd=1, max=-7.5), "normal", "at least 1e-12"),
    (dict(dist="normal", mean=float("nan"), sd=1), "mean", "finite"),
    (dict(dist="normal", mean=1, sd=float("inf")), "sd", "finite"),
    (dict(dist="normal", mean="1", sd=1), "mean", "valid number"),
    (dict(dist="normal", mean=True, sd=1), "mean", "valid number"),
    (dict(dist="normal", mean=1, sd=1, extra=3), "extra", "Extra inputs"),
    (dict(dist="normal", sd=1), "mean", "Field required"),
    (dict(dist="lognormal", mean=0, sd=1), "mean", "greater than 0"),
    (dict(dist="lognormal", mean=1, sd=0), "sd", "greater than 0"),
    (dict(dist="lognormal", mean=1, sd=1, base=0), "lognormal", "base must be > 0"),
    (dict(dist="uniform", low=1, high=1), "uniform", "low must be < high"),
    (dict(dist="uniform", low=2, high=1), "uniform", "low must be < high"),
    (dict(dist="uniform", low=1, high=2, base=3), "uniform", "base must lie within"),
    (dict(dist="triangular", low=1, mode=1, high=1), "triangular", "low must be < high"),
    (dict(dist="triangular", low=1, mode=0, high=2), "triangular", "low <= mode <= high"),
    (dict(dist="triangular", low=1, mode=3, high=2), "triangular", "low <= mode <= high"),
    (dict(dist="pert", low=1, mode=3, high=2), "pert", "low <= mode <= high"),
    (dict(dist="pert", low=2, mode=2, high=2), "pert", "low must be < high"),
    ({"dist": "pert", "low": 1, "mode": 2, "high": 3, "lambda": 0}, "lambda", "greater than 0"),
    (dict(dist="discrete", values=[], probabilities=[1.0]), "values", "at least 1"),
    (dict(dist="discrete", values=[1, 2], probabilities=[1.0]), "discrete", "one entry per value"),
    (dict(dist="discrete", values=[1, 2], probabilities=[1.2, -0.2]), "discrete", ">= 0"),
    (
        dict(dist="discrete", values=[1, 2], probabilities=[0.5, 0.5 + 2e-9]),
        "discrete",
        "sum to 1 within 1e-9",
    ),
    (
        dict(dist="discrete", values=[1, 2], probabilities=[0.5, 0.5], labels=["a"]),
        "discrete",
        "labels must have one entry",
    ),
    (dict(dist="discrete", values=[1, float("nan")], probabilities=[0.5, 0.5]), "values", "finite"),
]


@pytest.mark.parametrize(("data", "field", "rule"), BAD)
def test_bad_input_names_field_and_rule(data: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        DIST.validate_python(data)
    (error,) = info.value.errors()
    where = ".".join(str(p) for p in error["loc"])
    assert field in where or field in error["msg"] or field == "dist"
    assert rule in error["msg"]


def test_probabilities_within_tolerance_are_accepted() -> None:
    d = Discrete(values=[1, 2], probabilities=[0.5, 0.5 + 5e-10])
    assert d.mean() == pytest.approx(1.5)


@pytest.mark.parametrize(("lo", "hi"), [(0.05, None), (None, 0.2), (0.05, 0.2), (0.3, 0.5)])
def test_truncated_normal_against_scipy(lo: float | None, hi: float | None) -> None:
    d = Normal(mean=0.14, sd=0.05, min=lo, max=hi)
    a = -np.inf if lo is None else (lo - 0.14) / 0.05
    b = np.inf if hi is None else (hi - 0.14) / 0.05
    ref = stats.truncnorm(a, b, loc=0.14, scale=0.05)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-10)
    assert d.variance() == pytest.approx(ref.var(), rel=1e-8)
    u = np.array([1e-9, 0.01, 0.3, 0.5, 0.7, 0.99])
    np.testing.assert_allclose(d.ppf(u), ref.ppf(u), rtol=1e-9)
    x = d.sample(np.random.default_rng(11), 10_000)
    assert x.min() >= d.support()[0] and x.max() <= d.support()[1]
