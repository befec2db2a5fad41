"""Exact summary statistics of simulated values (mean, std, percentiles, histogram).

* **Moments** are accumulated per random-number block (count, mean, sum of squared deviations)
  and combined in block order with Chan's parallel formula, so they depend neither on the chunk
  size nor on the number of threads.
* **Percentiles** are exact order statistics, interpolated as ``numpy.percentile`` (type 7):
  from the stored values (:func:`stored_statistics`) or, for very long runs, by exact selection
  over repeated passes (:mod:`._simulate_stream`).
* **Histogram** bins are equal-width over ``[min, max]`` and assign values exactly by edge.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

FloatArray: TypeAlias = NDArray[np.float64]
BoolArray: TypeAlias = NDArray[np.bool_]
BlockMoments: TypeAlias = tuple[int, float, float]  # (count, mean, sum of squared deviations)

#: Percentiles reported by default (percent).
DEFAULT_PERCENTILES: tuple[float, ...] = (1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0)
#: Interpolation between order statistics (numpy "linear", Hyndman & Fan 1996 type 7).
PERCENTILE_METHOD = "linear (Hyndman-Fan type 7)"
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


def percentile_key(q: float) -> str:
    """``5.0 -> "p5"``, ``97.5 -> "p97.5"``."""
    return f"p{q:g}"


def block_moments(values: FloatArray, valid: BoolArray, sizes: Sequence[int]) -> list[BlockMoments]:
    """``(count, mean, Σ(x − mean)²)`` of the valid values of each consecutive block."""
    out: list[BlockMoments] = []
    start = 0
    for size in sizes:
        v = values[start : start + size]
        ok = valid[start : start + size]
        if not ok.all():
            v = v[ok]
        start += size
        if len(v) == 0:
            out.append((0, 0.0, 0.0))
            continue
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused by the caller
            mean = float(np.mean(v))
            out.append((len(v), mean, float(np.sum(np.square(v - mean)))))
    return out


class RunningMoments:
    """Chan et al. (1979) pairwise combination of block moments, in the order added."""

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, block: BlockMoments) -> None:
        n_b, mean_b, m2_b = block
        if n_b == 0:
            return
        n = self.n + n_b
        delta = mean_b - self.mean
        self.mean += delta * n_b / n
        self.m2 += m2_b + delta * delta * self.n * n_b / n
        self.n = n

    @property
    def std(self) -> float:
        """Sample standard deviation (ddof = 1); 0 for a single value."""
        return math.sqrt(max(self.m2, 0.0) / (self.n - 1)) if self.n > 1 else 0.0


def ranks_needed(n: int, percentiles: Sequence[float]) -> list[int]:
    """The 0-based order statistics the type-7 percentiles of ``n`` values interpolate."""
    ranks: set[int] = set()
    for q in percentiles:
        h = (n - 1) * (q / 100.0)
        lo = math.floor(h)
        ranks.add(lo)
        if h > lo:
            ranks.add(lo + 1)
    return sorted(ranks)


def interpolate(kth: Callable[[int], float], n: int, q: float) -> float:
    """Type-7 percentile ``q`` from the order statistics ``kth(k)`` (bit-identical to numpy)."""
    h = (n - 1) * (q / 100.0)  # same rounding as numpy
    lo = math.floor(h)
    frac = h - lo
    a = kth(lo)
    if frac == 0.0:
        return a
    b = kth(lo + 1)
    # Interpolate from the nearer order statistic, as numpy does.
    return b - (b - a) * (1.0 - frac) if frac >= 0.5 else a + (b - a) * frac


def histogram_edges(minimum: float, maximum: float, bins: int) -> FloatArray:
    """Equal-width edges over ``[min, max]`` (widened by ±0.5 when min == max)."""
    if minimum == maximum:
        minimum, maximum = minimum - 0.5, maximum + 0.5
    return np.linspace(minimum, maximum, bins + 1)


def stored_statistics(
    values: FloatArray, percentiles: Sequence[float], bins: int, workers: int = 1
) -> tuple[dict[str, float], Histogram]:
    """Exact percentiles and histogram of stored ``values``. **Reorders ``values`` in place.**

    With ``workers > 1`` the array is cut into parts sorted concurrently (numpy releases the GIL
    while sorting); order statistics are then selected across the sorted parts. The sorted
    multiset is the same for any split, so the results do not depend on ``workers``.
    """
    n = len(values)
    parts = _sorted_parts(values, workers)
    table = {percentile_key(q): interpolate(lambda k: _kth(parts, k), n, q) for q in percentiles}
    lo = min(float(p[0]) for p in parts)
    hi = max(float(p[-1]) for p in parts)
    edges = histogram_edges(lo, hi, bins)
    # Values equal to an inner edge belong to the bin on its right; the last bin is closed.
    below = sum(np.searchsorted(p, edges[1:-1], side="left") for p in parts)
    counts = np.diff(np.concatenate(([0], np.asarray(below), [n])))
    return table, Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts))


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
