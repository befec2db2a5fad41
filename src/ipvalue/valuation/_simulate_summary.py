"""Exact summary statistics of simulated values (mean, std, percentiles, histogram).

All statistics are computed from the full set of valid values (8 bytes per path), so the
percentiles are exact order statistics, not estimates from a sketch. The order in which the
values are reduced is fixed (path order, fixed blocks), so the summary does not depend on how
the simulation was chunked.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

FloatArray: TypeAlias = NDArray[np.float64]

#: Percentiles reported by default (percent).
DEFAULT_PERCENTILES: tuple[float, ...] = (1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0)
#: Interpolation between order statistics (numpy "linear", Hyndman & Fan 1996 type 7).
PERCENTILE_METHOD = "linear (Hyndman-Fan type 7)"
#: Values reduced per step when summing squared deviations (fixes the summation order).
_REDUCE_BLOCK = 1 << 20
#: Smallest part worth sorting in its own thread.
_MIN_PART = 1 << 16


@dataclass(frozen=True)
class Histogram:
    """Counts of values in ``len(edges) − 1`` equal-width bins over ``[min, max]``.

    Bins are half-open ``[edges[i], edges[i+1])`` except the last, which is closed, as in
    ``numpy.histogram``; ``sum(counts) == n``. When every value is equal the single-valued range
    is widened to ``[v − 0.5, v + 0.5]`` (numpy's convention).
    """

    edges: tuple[float, ...]
    counts: tuple[int, ...]

    def to_dict(self) -> dict[str, list[float]]:
        """JSON-ready ``{"edges": [...], "counts": [...]}``."""
        return {"edges": list(self.edges), "counts": [float(c) for c in self.counts]}


@dataclass(frozen=True)
class Moments:
    """Exact statistics of one sample."""

    mean: float
    std: float
    minimum: float
    maximum: float
    percentiles: dict[str, float]
    histogram: Histogram


def percentile_key(q: float) -> str:
    """``5.0 -> "p5"``, ``97.5 -> "p97.5"``."""
    return f"p{q:g}"


def summarise(
    values: FloatArray, percentiles: Sequence[float], bins: int, workers: int = 1
) -> Moments:
    """Statistics of ``values`` (finite, at least one). **Reorders ``values`` in place.**

    ``std`` is the sample standard deviation (``ddof = 1``); it is 0 for a single value.
    Percentiles interpolate linearly between order statistics (type 7), which is exact for the
    sample: ``h = (n − 1)·q/100``, ``x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`` — bit-identical to
    ``numpy.percentile(method="linear")``.

    With ``workers > 1`` the array is cut into ``workers`` parts sorted concurrently (numpy
    releases the GIL while sorting); order statistics are then selected across the sorted parts.
    The sorted multiset is the same for any split, so the results do not depend on ``workers``.
    """
    n = len(values)
    mean = float(np.mean(values))  # pairwise summation in path order: chunking-independent
    squares = [
        float(np.sum(np.square(values[i : i + _REDUCE_BLOCK] - mean)))
        for i in range(0, n, _REDUCE_BLOCK)
    ]
    std = math.sqrt(math.fsum(squares) / (n - 1)) if n > 1 else 0.0
    parts = _sorted_parts(values, workers)
    table = {percentile_key(q): _percentile(parts, n, q) for q in percentiles}
    return Moments(
        mean=mean,
        std=std,
        minimum=min(float(p[0]) for p in parts),
        maximum=max(float(p[-1]) for p in parts),
        percentiles=table,
        histogram=_histogram(parts, bins),
    )


def _sorted_parts(values: FloatArray, workers: int) -> list[FloatArray]:
    count = max(1, min(workers, len(values) // _MIN_PART))
    bounds = np.linspace(0, len(values), count + 1).astype(int)
    parts = [values[a:b] for a, b in itertools.pairwise(bounds)]
    if count == 1:
        values.sort()
    else:
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(np.ndarray.sort, parts))
    return parts


def _kth(parts: list[FloatArray], k: int) -> float:
    """The ``k``-th smallest value (0-based) of the union of sorted ``parts``.

    For each part, binary-search the first element with more than ``k`` values ``<=`` it in the
    union; it is the answer when fewer than ``k + 1`` values are strictly below it.
    """
    if len(parts) == 1:
        return float(parts[0][k])
    for part in parts:
        lo, hi = 0, len(part)
        while lo < hi:
            mid = (lo + hi) // 2
            x = part[mid]
            if sum(int(np.searchsorted(p, x, side="right")) for p in parts) > k:
                hi = mid
            else:
                lo = mid + 1
        if lo < len(part):
            x = part[lo]
            if sum(int(np.searchsorted(p, x, side="left")) for p in parts) <= k:
                return float(x)
    raise AssertionError("k outside the data")  # pragma: no cover - k < n by construction


def _percentile(parts: list[FloatArray], n: int, q: float) -> float:
    h = (n - 1) * (q / 100.0)  # same rounding as numpy
    lo = math.floor(h)
    frac = h - lo
    a = _kth(parts, lo)
    if frac == 0.0:
        return a
    b = _kth(parts, lo + 1)
    # Interpolate from the nearer order statistic, as numpy does (bit-identical to it).
    return b - (b - a) * (1.0 - frac) if frac >= 0.5 else a + (b - a) * frac


def _histogram(parts: list[FloatArray], bins: int) -> Histogram:
    lo = min(float(p[0]) for p in parts)
    hi = max(float(p[-1]) for p in parts)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    # Values equal to an inner edge belong to the bin on its right; the last bin is closed.
    below = sum(np.searchsorted(p, edges[1:-1], side="left") for p in parts)
    total = sum(len(p) for p in parts)
    counts = np.diff(np.concatenate(([0], np.asarray(below), [total])))
    return Histogram(edges=tuple(float(e) for e in edges), counts=tuple(int(c) for c in counts))
