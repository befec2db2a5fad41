"""Exact statistics of simulated values, sorted in one or several parts."""

from __future__ import annotations

import numpy as np
import pytest

from ipvalue.valuation._simulate_summary import summarise

QS = (0.0, 0.1, 1.0, 5.0, 33.3, 50.0, 66.7, 95.0, 99.9, 100.0)


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(1).lognormal(0, 1, 300_001),
        # heavy ties: five distinct values, so order statistics sit inside runs of equal values
        np.random.default_rng(2).integers(0, 5, 262_144).astype(float),
        np.concatenate([np.full(70_000, 3.0), np.random.default_rng(3).normal(0, 1, 70_000)]),
    ],
)
@pytest.mark.parametrize("workers", [1, 2, 3, 4])
def test_parts_give_numpy_percentiles_and_histogram(values: np.ndarray, workers: int) -> None:
    expected = np.percentile(values, QS)
    counts, edges = np.histogram(values, bins=17, range=(values.min(), values.max()))
    m = summarise(values.copy(), QS, 17, workers)
    assert [m.percentiles[f"p{q:g}"] for q in QS] == expected.tolist()
    assert list(m.histogram.counts) == counts.tolist()
    np.testing.assert_array_equal(m.histogram.edges, edges)
    assert (m.minimum, m.maximum) == (values.min(), values.max())
    assert m.mean == np.mean(values)  # path order, before any sorting
    assert m.std == pytest.approx(np.std(values, ddof=1), rel=1e-13)


def test_single_value() -> None:
    m = summarise(np.array([2.5]), (5.0, 50.0), 3)
    assert (m.mean, m.std, m.percentiles["p5"], m.histogram.counts) == (2.5, 0.0, 2.5, (0, 1, 0))
