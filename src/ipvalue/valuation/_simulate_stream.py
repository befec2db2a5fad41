"""Exact percentiles and histogram of a very long run without storing its values.

The simulation is reproducible chunk by chunk, so it can be replayed. After the first pass
(count, moments, min, max — done by the caller):

* pass 2 counts the values in :data:`FINE_BINS` equal-width bins over ``[min, max]`` (and fills
  the exact histogram); each wanted order statistic then lies in a known bin at a known rank;
* pass 3 extracts the values of those bins and sorts them — exact, with memory bounded by
  ``limit`` values per bin;
* a bin holding more than ``limit`` values (a concentrated output, e.g. discrete scenarios) has
  its min and max measured in one pass — equal means resolved — and is binned again over
  ``[min, max]`` in the next. Each level drops the set's smallest or largest value, so this
  ends; with continuous outputs everything is resolved by pass 3.

Binning ``floor((x − lo)·F/(hi − lo))`` is monotone in ``x``, so bins are consecutive runs of
the sorted values and the selected order statistics are exactly those of a full sort.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from ipvalue.valuation._simulate_summary import (
    FloatArray,
    Histogram,
    histogram_edges,
    interpolate,
    percentile_key,
    ranks_needed,
)

IntArray: TypeAlias = NDArray[np.intp]
Consumer: TypeAlias = Callable[[FloatArray], None]
RunPass: TypeAlias = Callable[[Consumer], None]

#: Bins of each selection level.
FINE_BINS = 1 << 16


def _bin(x: FloatArray, lo: float, hi: float) -> IntArray:
    """Monotone bin index in ``[0, FINE_BINS)`` over ``[lo, hi]`` (``lo < hi``)."""
    scale = (FINE_BINS / 2) / (hi / 2 - lo / 2)  # halves avoid overflow of hi − lo
    pos = np.minimum((x - lo) * scale, FINE_BINS - 1)  # inf (overflow) lands in the last bin
    return np.maximum(pos, 0.0).astype(np.intp)


@dataclass
class _Set:
    """Values in level-1 bin ``j1`` and in every nested ``(lo, hi, j)`` bin of ``levels``."""

    j1: int
    levels: list[tuple[float, float, int]]
    count: int
    ranks: dict[int, int]  # overall rank -> rank within the set
    action: Literal["extract", "measure", "bin"] = "extract"
    low: float = math.inf
    high: float = -math.inf
    parts: list[FloatArray] = field(default_factory=list)
    counts: IntArray | None = None

    def members(self, candidates: FloatArray, idx1: IntArray) -> FloatArray:
        x = candidates[idx1 == self.j1]
        for lo, hi, j in self.levels:
            x = x[_bin(x, lo, hi) == j]
        return x

    def take(self, x: FloatArray) -> None:
        if not len(x):
            return
        if self.action == "extract":
            self.parts.append(x.copy())
        elif self.action == "measure":
            self.low, self.high = min(self.low, float(x.min())), max(self.high, float(x.max()))
        else:
            counts = np.bincount(_bin(x, self.low, self.high), minlength=FINE_BINS)
            self.counts = counts if self.counts is None else self.counts + counts


def _locate(counts: IntArray, rank: int) -> tuple[int, int]:
    """Bin holding the ``rank``-th value (0-based) and the rank inside that bin."""
    cum = np.cumsum(counts)
    j = int(np.searchsorted(cum, rank, side="right"))
    return j, rank - (int(cum[j - 1]) if j else 0)


def _split(sets: list[_Set], limit: int) -> list[_Set]:
    """Sets whose ranks fall into the same sub-bin stay together."""
    out: list[_Set] = []
    for s in sets:
        assert s.counts is not None
        groups: dict[int, dict[int, int]] = {}
        for overall, r in s.ranks.items():
            j, inner = _locate(s.counts, r)
            groups.setdefault(j, {})[overall] = inner
        for j, ranks in groups.items():
            count = int(s.counts[j])
            out.append(
                _Set(
                    s.j1,
                    [*s.levels, (s.low, s.high, j)],
                    count,
                    ranks,
                    "extract" if count <= limit else "measure",
                )
            )
    return out


def _narrowing(sets: list[_Set], want: NDArray[np.bool_], lo: float, hi: float) -> Consumer:
    """A pass consumer feeding each set the values that belong to it."""

    def consume(x: FloatArray) -> None:
        idx1 = _bin(x, lo, hi)
        hit = want[idx1]
        candidates, cidx = x[hit], idx1[hit]
        for s in sets:
            s.take(s.members(candidates, cidx))

    return consume


def streaming_statistics(
    run_pass: RunPass,
    n: int,
    minimum: float,
    maximum: float,
    percentiles: Sequence[float],
    bins: int,
    limit: int,
) -> tuple[dict[str, float], Histogram, int]:
    """Exact type-7 percentiles, histogram and the number of passes replayed.

    ``run_pass(consume)`` replays the simulation, calling ``consume(values)`` with each chunk's
    valid values; ``n``, ``minimum`` and ``maximum`` come from the first pass.
    """
    edges = histogram_edges(minimum, maximum, bins)
    inner = edges[1:-1]
    hist = np.zeros(bins, dtype=np.int64)
    fine = np.zeros(FINE_BINS, dtype=np.int64)
    flat = minimum == maximum

    def first(x: FloatArray) -> None:
        nonlocal hist, fine
        hist += np.bincount(np.searchsorted(inner, x, side="right"), minlength=bins)
        if not flat:
            fine += np.bincount(_bin(x, minimum, maximum), minlength=FINE_BINS)

    run_pass(first)
    passes = 1
    resolved: dict[int, float] = {}
    ranks = ranks_needed(n, percentiles)
    if flat:
        resolved = dict.fromkeys(ranks, minimum)
    groups: dict[int, dict[int, int]] = {}
    for k in [] if flat else ranks:
        j, inner_rank = _locate(fine, k)
        groups.setdefault(j, {})[k] = inner_rank
    sets = [
        _Set(j, [], int(fine[j]), r, "extract" if fine[j] <= limit else "measure")
        for j, r in groups.items()
    ]
    while sets:
        want = np.zeros(FINE_BINS, dtype=np.bool_)
        want[[s.j1 for s in sets]] = True

        run_pass(_narrowing(sets, want, minimum, maximum))
        passes += 1
        follow: list[_Set] = []
        for s in sets:
            if s.action == "extract":
                ordered = np.sort(np.concatenate(s.parts))
                resolved.update({k: float(ordered[r]) for k, r in s.ranks.items()})
            elif s.action == "measure" and s.low == s.high:
                resolved.update(dict.fromkeys(s.ranks, s.low))
            elif s.action == "measure":
                s.action = "bin"
                follow.append(s)
            else:
                follow.extend(_split([s], limit))
        sets = follow
    table = {percentile_key(q): interpolate(resolved.__getitem__, n, q) for q in percentiles}
    return table, Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in hist)), passes
