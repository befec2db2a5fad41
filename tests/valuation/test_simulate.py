"""Chunked, seeded Monte Carlo (ipvalue.valuation.simulate.run_monte_carlo)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ipvalue.core.errors import InputError
from ipvalue.model.distributions import Discrete, Lognormal, Normal, Pert, Triangular, Uniform
from ipvalue.valuation.simulate import (
    BLOCK_SIZE,
    NON_FINITE,
    block_generator,
    less_than,
    run_monte_carlo,
)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
DISTS = {
    "revenue": Lognormal(mean=100.0, sd=25.0),
    "royalty": Pert(low=0.02, mode=0.03, high=0.06),
    "growth": Triangular(low=-0.02, mode=0.03, high=0.12),
    "rate": Normal(mean=0.10, sd=0.02),
}


def perpetuity(p: dict[str, FloatArray]) -> FloatArray:
    """Growing perpetuity of royalty income; nan where g >= r (no finite value)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        v = p["revenue"] * p["royalty"] * (1 + p["growth"]) / (p["rate"] - p["growth"])
    return np.where(p["growth"] < p["rate"], v, np.nan)


def same(a: Any, b: Any) -> bool:
    """Bit-identical summaries apart from bookkeeping that does not affect numbers."""
    keys = (
        "mean",
        "std",
        "p5",
        "p50",
        "p95",
        "minimum",
        "maximum",
        "percentiles",
        "histogram",
        "n",
        "rejected",
        "rejected_by",
        "seed",
    )
    return all(getattr(a, k) == getattr(b, k) for k in keys)


class Recorder:
    """An evaluate that records every draw it sees (to cross-check statistics)."""

    def __init__(self, f: Any = None) -> None:
        self.f = f
        self.params: list[dict[str, FloatArray]] = []

    def __call__(self, p: dict[str, FloatArray]) -> FloatArray:
        self.params.append({k: v.copy() for k, v in p.items()})
        return self.f(p) if self.f else p[next(iter(p))].copy()

    def column(self, name: str) -> FloatArray:
        return np.concatenate([p[name] for p in self.params])


# --- reproducibility ---------------------------------------------------------------------------


def test_same_seed_same_result_and_different_seed_differs() -> None:
    a = run_monte_carlo(perpetuity, DISTS, paths=60_000, seed=42)
    b = run_monte_carlo(perpetuity, DISTS, paths=60_000, seed=42)
    c = run_monte_carlo(perpetuity, DISTS, paths=60_000, seed=43)
    assert same(a, b)
    assert a.mean != c.mean
    assert a.seed == 42 and a.paths == 60_000 and a.inputs == tuple(DISTS)


def test_missing_seed_is_drawn_and_recorded_and_reproduces() -> None:
    a = run_monte_carlo(perpetuity, DISTS, paths=5_000)
    b = run_monte_carlo(perpetuity, DISTS, paths=5_000)
    assert a.seed != b.seed and 0 <= a.seed < 2**53
    again = run_monte_carlo(perpetuity, DISTS, paths=5_000, seed=a.seed)
    assert same(a, again)


@pytest.mark.parametrize(
    ("chunk_size", "workers"), [(1, 1), (50_000, 2), (120_000, 1), (130_000, 3), (10**7, 1)]
)
def test_results_do_not_depend_on_chunk_size_or_workers(chunk_size: int, workers: int) -> None:
    # 333,333 paths: 7 blocks, the last one partial.
    ref = run_monte_carlo(
        perpetuity, DISTS, paths=333_333, seed=9, chunk_size=BLOCK_SIZE, workers=1
    )
    other = run_monte_carlo(
        perpetuity, DISTS, paths=333_333, seed=9, chunk_size=chunk_size, workers=workers
    )
    assert same(ref, other)
    assert other.chunk_size % BLOCK_SIZE == 0 and other.chunk_size >= chunk_size


def test_correlated_results_do_not_depend_on_chunk_size() -> None:
    corr = {("revenue", "growth"): 0.5, ("royalty", "rate"): -0.3}
    a = run_monte_carlo(
        perpetuity, DISTS, paths=120_001, seed=5, chunk_size=50_000, correlation=corr, workers=1
    )
    b = run_monte_carlo(
        perpetuity, DISTS, paths=120_001, seed=5, chunk_size=200_000, correlation=corr, workers=2
    )
    assert same(a, b)


def test_block_generator_is_the_spawned_child() -> None:
    children = np.random.SeedSequence(1234).spawn(5)
    for b in (0, 4):
        expected = np.random.Generator(np.random.PCG64(children[b])).random(3)
        np.testing.assert_array_equal(block_generator(1234, b).random(3), expected)


def test_draws_are_the_documented_block_streams() -> None:
    # Block b draws its inputs in the order of `dists` from block_generator(seed, b).
    rec = Recorder()
    dists = {"x": Normal(mean=0, sd=1), "y": Uniform(low=0, high=1)}
    run_monte_carlo(rec, dists, paths=BLOCK_SIZE + 10, seed=77, chunk_size=10**6)
    rng0, rng1 = block_generator(77, 0), block_generator(77, 1)
    x0, y0 = rng0.normal(0, 1, BLOCK_SIZE), rng0.uniform(0, 1, BLOCK_SIZE)
    x1 = rng1.normal(0, 1, 10)
    np.testing.assert_array_equal(rec.column("x"), np.concatenate([x0, x1]))
    np.testing.assert_array_equal(rec.column("y")[:BLOCK_SIZE], y0)


# --- statistics are exact -----------------------------------------------------------------------


def test_statistics_equal_numpy_on_the_same_values() -> None:
    rec = Recorder(perpetuity)
    s = run_monte_carlo(
        rec,
        DISTS,
        paths=77_777,
        seed=3,
        chunk_size=60_000,
        percentiles=(0.5, 2.5, 50, 97.5, 99.5),
        bins=40,
        workers=1,
    )
    values = np.concatenate([perpetuity(p) for p in rec.params])
    values = values[np.isfinite(values)]
    assert s.n == len(values)
    assert s.mean == pytest.approx(np.mean(values), rel=1e-13)
    assert s.std == pytest.approx(np.std(values, ddof=1), rel=1e-12)
    assert s.standard_error == pytest.approx(s.std / math.sqrt(s.n), rel=1e-15)
    for q in (0.5, 2.5, 5, 50, 95, 97.5, 99.5):
        assert s.percentiles[f"p{q:g}"] == np.percentile(values, q, method="linear")
    assert (s.p5, s.p50, s.p95) == (s.percentiles["p5"], s.percentiles["p50"], s.percentiles["p95"])
    counts, edges = np.histogram(values, bins=40, range=(values.min(), values.max()))
    np.testing.assert_allclose(s.histogram.edges, edges, rtol=1e-15)
    assert list(s.histogram.counts) == counts.tolist()
    assert sum(s.histogram.counts) == s.n
    assert (s.minimum, s.maximum) == (values.min(), values.max())


def test_percentiles_by_hand_on_a_small_sample() -> None:
    # Five paths of a discrete input taking 1..5 with equal probability: values are the draws.
    rec = Recorder()
    five = Discrete(values=[1, 2, 3, 4, 5], probabilities=[0.2] * 5)
    s = run_monte_carlo(rec, {"x": five}, paths=5, seed=1, percentiles=(10, 50, 90))
    ordered = np.sort(rec.column("x"))
    # type 7: h = (5 - 1)·0.1 = 0.4 -> x(0) + 0.4·(x(1) - x(0))
    assert s.percentiles["p10"] == ordered[0] + 0.4 * (ordered[1] - ordered[0])
    assert s.percentiles["p50"] == ordered[2]
    assert s.percentiles["p90"] == ordered[3] + 0.6 * (ordered[4] - ordered[3])


def test_single_value_histogram_and_std() -> None:
    s = run_monte_carlo(
        lambda p: np.full(len(p["x"]), 7.0), {"x": Uniform(low=0, high=1)}, paths=10, seed=1, bins=4
    )
    assert s.std == 0.0 and s.mean == 7.0 and s.p5 == 7.0
    assert s.histogram.edges == (6.5, 6.75, 7.0, 7.25, 7.5)
    assert s.histogram.counts == (0, 0, 10, 0)


def test_monte_carlo_mean_matches_closed_form_moments() -> None:
    # E[revenue · royalty] = 100 · (0.02 + 4·0.03 + 0.06)/6 for independent inputs.
    dists = {"revenue": DISTS["revenue"], "royalty": DISTS["royalty"]}
    s = run_monte_carlo(lambda p: p["revenue"] * p["royalty"], dists, paths=400_000, seed=8)
    expected = 100.0 * (0.02 + 4 * 0.03 + 0.06) / 6
    assert abs(s.mean - expected) < 4 * s.standard_error


def test_constants_pass_through_as_arrays() -> None:
    rec = Recorder(lambda p: p["x"] + p["c"])
    s = run_monte_carlo(rec, {"x": Uniform(low=0, high=1), "c": 10.0}, paths=1000, seed=2)
    assert np.all(rec.column("c") == 10.0)
    assert s.minimum >= 10.0 and s.maximum <= 11.0


# --- rejected draws -----------------------------------------------------------------------------


def test_rejected_draws_are_counted_excluded_and_reported() -> None:
    paths = 200_000
    # Indicator of g >= r on the same draws counts the rejections independently.
    share = run_monte_carlo(
        lambda p: (p["growth"] >= p["rate"]).astype(float), DISTS, paths=paths, seed=21
    )
    s = run_monte_carlo(perpetuity, DISTS, paths=paths, seed=21)
    expected = round(share.mean * paths)
    assert expected > 100  # the case really exercises rejection
    assert s.rejected == expected and s.rejected_by[NON_FINITE] == expected
    assert s.n == paths - expected
    assert math.isfinite(s.mean) and math.isfinite(s.maximum)
    (warning,) = s.warnings
    assert warning.code == "mc_rejected_draws" and f"{expected:,}" in warning.message


def test_named_constraints_count_per_rule() -> None:
    paths = 100_000
    both = run_monte_carlo(
        lambda p: np.stack([p["growth"] >= p["rate"], p["royalty"] > 0.04]).any(axis=0) * 1.0,
        DISTS,
        paths=paths,
        seed=4,
    )
    g_only = run_monte_carlo(lambda p: (p["growth"] >= p["rate"]) * 1.0, DISTS, paths=paths, seed=4)
    r_only = run_monte_carlo(lambda p: (p["royalty"] > 0.04) * 1.0, DISTS, paths=paths, seed=4)
    s = run_monte_carlo(
        perpetuity,
        DISTS,
        paths=paths,
        seed=4,
        constraints=[less_than("growth", "rate"), less_than("royalty", 0.04)],
    )
    assert s.rejected_by["growth < rate"] == round(g_only.mean * paths)
    assert s.rejected_by["royalty < 0.04"] == round(r_only.mean * paths)
    assert s.rejected_by[NON_FINITE] == 0  # the constraint caught every g >= r first
    assert s.rejected == round(both.mean * paths)  # a draw failing both is rejected once


def test_every_draw_rejected_is_an_input_error() -> None:
    dists = {"growth": Uniform(low=0.2, high=0.3), "rate": Uniform(low=0.05, high=0.1)}
    with pytest.raises(InputError) as info:
        run_monte_carlo(
            lambda p: np.where(p["growth"] < p["rate"], 1.0, np.nan), dists, paths=1000, seed=1
        )
    assert info.value.field == "monte_carlo" and "1,000" in info.value.rule


def test_infinite_values_are_rejected_too() -> None:
    s = run_monte_carlo(
        lambda p: np.where(p["x"] < 0.5, np.inf, p["x"]),
        {"x": Uniform(low=0, high=1)},
        paths=10_000,
        seed=6,
    )
    assert 4000 < s.rejected < 6000 and s.minimum >= 0.5


# --- progress and bad input ---------------------------------------------------------------------


def test_progress_reports_paths_done() -> None:
    seen: list[tuple[int, int]] = []
    run_monte_carlo(
        perpetuity,
        DISTS,
        paths=120_000,
        seed=1,
        chunk_size=50_000,
        progress=lambda d, t: seen.append((d, t)),
        workers=2,
    )
    assert seen == [(50_000, 120_000), (100_000, 120_000), (120_000, 120_000)]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"paths": 0}, "paths"),
        ({"paths": -5}, "paths"),
        ({"paths": 1.5}, "paths"),
        ({"paths": True}, "paths"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.0}, "seed"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"block_size": 0}, "block_size"),
        ({"workers": 0}, "workers"),
        ({"max_stored": 0}, "max_stored"),
        ({"bins": 0}, "bins"),
        ({"percentiles": (5, 101)}, "percentiles"),
        ({"percentiles": (-1,)}, "percentiles"),
        ({"correlation_kind": "kendall", "correlation": [[1, 0], [0, 1]]}, "correlation_kind"),
    ],
)
def test_bad_arguments_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"paths": 100, "seed": 1} | kwargs
    dists = {"x": Uniform(low=0, high=1), "y": Uniform(low=0, high=1)}
    with pytest.raises(InputError) as info:
        run_monte_carlo(lambda p: p["x"], dists, **args)
    assert info.value.field == field


def test_needs_at_least_one_distribution_and_finite_constants() -> None:
    with pytest.raises(InputError) as info:
        run_monte_carlo(lambda p: p["c"], {"c": 1.0}, paths=10, seed=1)
    assert info.value.field == "dists"
    with pytest.raises(InputError) as info:
        run_monte_carlo(
            lambda p: p["x"], {"x": Uniform(low=0, high=1), "c": math.nan}, paths=10, seed=1
        )
    assert info.value.field == "c"
    for bad in ("0.5", True, None):
        with pytest.raises(InputError) as info:
            run_monte_carlo(
                lambda p: p["x"], {"x": Uniform(low=0, high=1), "c": bad}, paths=10, seed=1
            )
        assert info.value.field == "c" and "number or a distribution" in info.value.rule


def test_evaluate_with_wrong_shape_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="shape"):
        run_monte_carlo(lambda p: p["x"][:-1], {"x": Uniform(low=0, high=1)}, paths=10, seed=1)


def test_an_error_inside_a_worker_propagates() -> None:
    calls: list[int] = []

    def failing(p: dict[str, FloatArray]) -> FloatArray:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("kernel failed")
        return p["x"]

    with pytest.raises(RuntimeError, match="kernel failed"):
        run_monte_carlo(
            failing,
            {"x": Uniform(low=0, high=1)},
            paths=20 * BLOCK_SIZE,
            seed=1,
            chunk_size=BLOCK_SIZE,
            workers=2,
        )
    assert len(calls) < 20  # queued chunks are cancelled, the run stops early


def test_overflowing_values_are_refused_rather_than_reported_as_inf() -> None:
    with pytest.raises(InputError) as info:
        run_monte_carlo(
            lambda p: p["x"] * 1e308, {"x": Uniform(low=1, high=1.7)}, paths=100, seed=1
        )
    assert info.value.field == "monte_carlo" and "overflow" in info.value.rule
