"""Correlated draws through the Gaussian copula: achieved rank correlation, matrix validation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from ipvalue.core.errors import InputError
from ipvalue.model.distributions import Discrete, Lognormal, Normal, Pert, Triangular, Uniform
from ipvalue.valuation.simulate import run_monte_carlo

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
DISTS = {
    "revenue": Lognormal(mean=100.0, sd=40.0),
    "royalty": Pert(low=0.02, mode=0.03, high=0.06),
    "growth": Triangular(low=-0.02, mode=0.03, high=0.12),
    "rate": Normal(mean=0.10, sd=0.02, min=0.04),
}
NAMES = list(DISTS)


def draws(dists: dict[str, Any], paths: int, **kwargs: Any) -> tuple[dict[str, FloatArray], Any]:
    seen: list[dict[str, FloatArray]] = []

    def record(p: dict[str, FloatArray]) -> FloatArray:
        seen.append({k: v.copy() for k, v in p.items()})
        return np.zeros(len(next(iter(p.values()))))

    summary = run_monte_carlo(record, dists, paths=paths, seed=2024, **kwargs)
    return {k: np.concatenate([s[k] for s in seen]) for k in dists}, summary


def test_achieved_spearman_matches_the_target() -> None:
    target = np.array(
        [
            [1.0, 0.6, 0.4, -0.3],
            [0.6, 1.0, 0.2, 0.0],
            [0.4, 0.2, 1.0, 0.5],
            [-0.3, 0.0, 0.5, 1.0],
        ]
    )
    x, summary = draws(DISTS, 200_000, correlation=target)
    achieved = stats.spearmanr(np.column_stack([x[k] for k in NAMES])).statistic
    # Sampling sd of a rank correlation at n = 200,000 is about (1 - rho^2)/sqrt(n) < 0.0023.
    np.testing.assert_allclose(achieved, target, atol=0.01)
    assert summary.correlation == tuple(tuple(r) for r in target.tolist())
    assert summary.correlation_kind == "spearman"
    # The marginals are untouched by the copula.
    assert x["royalty"].mean() == pytest.approx(DISTS["royalty"].mean(), rel=2e-3)
    assert x["rate"].min() >= 0.04


def test_pairs_mapping_sets_only_named_pairs() -> None:
    x, summary = draws(DISTS, 100_000, correlation={("growth", "revenue"): 0.7})
    rho = stats.spearmanr(x["revenue"], x["growth"]).statistic
    assert rho == pytest.approx(0.7, abs=0.01)
    assert abs(stats.spearmanr(x["revenue"], x["royalty"]).statistic) < 0.015
    assert summary.correlation[0][2] == 0.7 and summary.correlation[2][0] == 0.7


def test_gaussian_kind_sets_the_normals_pearson_correlation() -> None:
    dists = {"a": Normal(mean=0, sd=1), "b": Normal(mean=5, sd=2)}
    x, _ = draws(dists, 100_000, correlation=[[1, 0.5], [0.5, 1]], correlation_kind="gaussian")
    assert np.corrcoef(x["a"], x["b"])[0, 1] == pytest.approx(0.5, abs=0.01)
    # Spearman of a bivariate normal with Pearson 0.5 is (6/π)·asin(0.25) = 0.4826
    expected = 6 / math.pi * math.asin(0.25)
    assert stats.spearmanr(x["a"], x["b"]).statistic == pytest.approx(expected, abs=0.01)


def test_perfect_correlation_is_accepted_and_comonotone() -> None:
    dists = {"a": Uniform(low=0, high=1), "b": Lognormal(mean=1, sd=0.5)}
    x, _ = draws(dists, 20_000, correlation=[[1, 1], [1, 1]])
    order_a, order_b = np.argsort(x["a"]), np.argsort(x["b"])
    assert (order_a == order_b).mean() > 0.999


def test_discrete_inputs_keep_their_probabilities_under_correlation() -> None:
    dists = {"s": Discrete(values=[0, 1], probabilities=[0.3, 0.7]), "x": Uniform(low=0, high=1)}
    x, _ = draws(dists, 100_000, correlation={("s", "x"): 0.5})
    assert np.mean(x["s"] == 1) == pytest.approx(0.7, abs=0.005)
    assert x["x"][x["s"] == 1].mean() > x["x"][x["s"] == 0].mean()


BAD = [
    ([[1, 0.5], [0.5, 1]], "correlation", "4x4"),
    ([[1, 0, 0, 0]] * 3, "correlation", "4x4"),
    ("abc", "correlation", "square matrix"),
    (np.diag([1.0, 1.0, 1.0, math.nan]), "correlation", "finite"),
    (
        np.array([[1, 1.2, 0, 0], [1.2, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),
        "correlation[revenue][royalty]",
        "[-1, 1]",
    ),
    (np.diag([1.0, 1.0, 0.9, 1.0]), "correlation[growth][growth]", "diagonal"),
    (
        np.array([[1, 0.3, 0, 0], [0.2, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]),
        "correlation[revenue][royalty]",
        "must equal",
    ),
    # Pairwise plausible, jointly impossible: eigenvalues of this matrix include -0.8.
    (
        np.array([[1, 0.9, -0.9, 0], [0.9, 1, 0.9, 0], [-0.9, 0.9, 1, 0], [0, 0, 0, 1]]),
        "correlation",
        "positive semidefinite",
    ),
    ({("revenue", "cost"): 0.3}, "correlation[revenue][cost]", "unknown input 'cost'"),
    ({("revenue", "revenue"): 0.3}, "correlation[revenue][revenue]", "itself"),
    ({("revenue", "rate"): 0.3, ("rate", "revenue"): 0.4}, "correlation[rate][revenue]", "twice"),
    ({("revenue", "rate"): "high"}, "correlation[revenue][rate]", "number"),
    ({("revenue", "rate"): math.inf}, "correlation[revenue][rate]", "finite"),
    ({"revenue": 0.3}, "correlation", "pairs"),
]


@pytest.mark.parametrize(("matrix", "field", "rule"), BAD)
def test_bad_correlation_is_refused_naming_the_field(matrix: Any, field: str, rule: str) -> None:
    with pytest.raises(InputError) as info:
        run_monte_carlo(lambda p: p["rate"], DISTS, paths=10, seed=1, correlation=matrix)
    assert info.value.field == field
    assert rule in info.value.rule


def test_rank_matrix_that_breaks_after_conversion_is_refused() -> None:
    # Three inputs with pairwise rank correlation -0.5 form a singular PSD matrix (eigenvalue
    # 1 + 2·(-0.5) = 0). Converted, 2·sin(-π/12) = -0.5176 gives eigenvalue -0.035 < 0.
    dists = {k: Uniform(low=0, high=1) for k in "abc"}
    rank = np.full((3, 3), -0.5) + 1.5 * np.eye(3)
    with pytest.raises(InputError) as info:
        run_monte_carlo(lambda p: p["a"], dists, paths=10, seed=1, correlation=rank)
    assert info.value.field == "correlation" and "converted" in info.value.rule
    # The same matrix read as normal correlations is fine.
    s = run_monte_carlo(
        lambda p: p["a"], dists, paths=10, seed=1, correlation=rank, correlation_kind="gaussian"
    )
    assert s.n == 10
