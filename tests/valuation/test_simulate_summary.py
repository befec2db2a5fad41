"""Exact statistics: block moments, sorted parts, and replayed selection for very long runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from ipvalue.model.distributions import Discrete, Lognormal, Normal, Uniform
from ipvalue.valuation._simulate_stream import streaming_statistics
from ipvalue.valuation._simulate_summary import (
    RunningMoments,
    block_moments,
    ranks_needed,
    stored_statistics,
)
from ipvalue.valuation.simulate import run_monte_carlo

QS = (0.0, 0.1, 1.0, 5.0, 33.3, 50.0, 66.7, 95.0, 99.9, 100.0)
SAMPLES = [
    np.random.default_rng(1).lognormal(0, 1, 300_001),
    # heavy ties: five distinct values, so order statistics sit inside runs of equal values
    np.random.default_rng(2).integers(0, 5, 262_144).astype(float),
    np.concatenate([np.full(70_000, 3.0), np.random.default_rng(3).normal(0, 1, 70_000)]),
]


@pytest.mark.parametrize("values", SAMPLES)
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_sorted_parts_give_numpy_percentiles_and_histogram(
    values: np.ndarray, workers: int
) -> None:
    expected = np.percentile(values, QS)
    counts, edges = np.histogram(values, bins=17, range=(values.min(), values.max()))
    table, hist = stored_statistics(values.copy(), QS, 17, workers)
    assert [table[f"p{q:g}"] for q in QS] == expected.tolist()
    assert list(hist.counts) == counts.tolist()
    np.testing.assert_array_equal(hist.edges, edges)


def replayer(values: np.ndarray, chunk: int) -> tuple[Callable[[Any], None], list[int]]:
    passes: list[int] = []

    def run_pass(consume: Callable[[np.ndarray], None]) -> None:
        passes.append(1)
        for i in range(0, len(values), chunk):
            consume(values[i : i + chunk])

    return run_pass, passes


@pytest.mark.parametrize("values", SAMPLES)
@pytest.mark.parametrize("limit", [1, 1000, 10**7])
def test_replayed_selection_equals_the_full_sort(values: np.ndarray, limit: int) -> None:
    run_pass, passes = replayer(values, 40_000)
    table, hist, n_passes = streaming_statistics(
        run_pass, len(values), float(values.min()), float(values.max()), QS, 17, limit
    )
    expected_table, expected_hist = stored_statistics(values.copy(), QS, 17)
    assert table == expected_table
    assert hist == expected_hist
    assert n_passes == len(passes)
    if limit == 10**7:
        assert n_passes == 2  # fine counts + extraction; continuous or not, nothing to refine


def test_concentrated_values_are_resolved_by_measuring_the_bin() -> None:
    # 99 % of the mass on one value, the rest on near neighbours: the bins holding the ranks
    # exceed the extraction limit, so the selection measures and re-bins them.
    values = np.full(100_000, 1.0)
    values[:500] = np.nextafter(1.0, 2.0)
    values[500:1000] = 0.5
    np.random.default_rng(4).shuffle(values)
    run_pass, _ = replayer(values, 30_000)
    table, _, n_passes = streaming_statistics(
        run_pass, len(values), 0.5, float(values.max()), QS, 5, limit=100
    )
    assert table == stored_statistics(values.copy(), QS, 5)[0]
    assert n_passes > 2


def test_all_equal_values_need_one_pass() -> None:
    run_pass, _ = replayer(np.full(1000, 2.5), 300)
    table, hist, n_passes = streaming_statistics(run_pass, 1000, 2.5, 2.5, (5.0, 50.0), 3, 10)
    assert table == {"p5": 2.5, "p50": 2.5} and hist.counts == (0, 1000, 0) and n_passes == 1


def test_block_moments_combine_to_the_sample_moments() -> None:
    x = np.random.default_rng(5).normal(1e7, 1e3, 100_003)  # large mean, small spread
    valid = np.random.default_rng(6).random(len(x)) > 0.1
    running = RunningMoments()
    for block in block_moments(x, valid, [30_000, 30_000, 40_003]):
        running.add(block)
    kept = x[valid]
    assert running.n == len(kept)
    assert running.mean == pytest.approx(kept.mean(), rel=1e-15)
    assert running.std == pytest.approx(kept.std(ddof=1), rel=1e-11)


def test_ranks_needed_for_type_7() -> None:
    # n = 11: p50 -> h = 5 (exact), p5 -> h = 0.5 -> ranks 0 and 1, p100 -> h = 10
    assert ranks_needed(11, (5.0, 50.0, 100.0)) == [0, 1, 5, 10]


@pytest.mark.parametrize("workers", [1, 2])
def test_long_runs_replay_and_give_the_stored_result(workers: int) -> None:
    dists = {
        "x": Lognormal(mean=1, sd=0.5),
        "s": Discrete(values=[0, 1], probabilities=[0.4, 0.6]),
        "g": Normal(mean=0, sd=1),
        "u": Uniform(low=0, high=1),
    }

    def f(p: dict[str, np.ndarray]) -> np.ndarray:
        return np.where(p["g"] < 1.5, p["x"] * p["s"] + p["u"], np.nan)

    seen: list[tuple[int, int]] = []
    common: dict[str, Any] = {"paths": 120_000, "seed": 3, "workers": workers, "chunk_size": 50_000}
    stored = run_monte_carlo(f, dists, **common)
    replayed = run_monte_carlo(
        f, dists, max_stored=1000, **common, progress=lambda d, t: seen.append((d, t))
    )
    for key in (
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
    ):
        assert getattr(stored, key) == getattr(replayed, key), key
    assert replayed.rejected > 0
    assert (stored.passes, replayed.passes) == (1, 3)
    done = [d for d, _ in seen]
    assert seen[-1] == (360_000, 360_000) and done == sorted(done)
