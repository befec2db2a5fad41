"""Chunk machinery of the Monte Carlo: per-block random streams, draws, evaluation, threads.

See :mod:`ipvalue.valuation.simulate` for the contract (blocks fix the random numbers, chunks
bound memory, results in path order).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

from ipvalue.model.distributions import DistributionBase
from ipvalue.valuation._simulate_summary import BlockMoments, block_moments

FloatArray: TypeAlias = NDArray[np.float64]
BoolArray: TypeAlias = NDArray[np.bool_]
Params: TypeAlias = dict[str, FloatArray]
Evaluate: TypeAlias = Callable[[Params], FloatArray]

#: Name under which draws with a non-finite value from ``evaluate`` are counted.
NON_FINITE = "non-finite value"


@dataclass(frozen=True)
class Constraint:
    """A named rule every draw must satisfy; failing draws are rejected and counted.

    ``holds(params)`` returns a boolean array, ``True`` where the draw is valid.
    """

    name: str
    holds: Callable[[Params], BoolArray]


def less_than(left: str | float, right: str | float) -> Constraint:
    """Constraint ``left < right`` between inputs (by name) or an input and a number.

    Example: ``less_than("growth", "discount_rate")`` enforces ``g < r`` on every draw.
    """

    def side(params: Params, x: str | float) -> FloatArray | float:
        return params[x] if isinstance(x, str) else float(x)

    def holds(params: Params) -> BoolArray:
        return np.asarray(side(params, left) < side(params, right), dtype=np.bool_)

    return Constraint(name=f"{left} < {right}", holds=holds)


def block_generator(seed: int, block: int) -> np.random.Generator:
    """Generator of block ``block``: the ``block``-th child of ``SeedSequence(seed)``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


@dataclass(frozen=True)
class Sampler:
    """Draws the inputs of one block (independent natives, or the Gaussian copula)."""

    dists: Mapping[str, float | DistributionBase]
    factor: FloatArray | None  # copula factor A over the distribution inputs, or None

    def draw(self, rng: np.random.Generator, size: int) -> Params:
        random = [k for k, d in self.dists.items() if not isinstance(d, int | float)]
        out: Params = {}
        if self.factor is None:
            for name in random:
                out[name] = self.dists[name].sample(rng, size)  # type: ignore[union-attr]
        else:
            z = rng.standard_normal((size, len(random))) @ self.factor.T
            for j, name in enumerate(random):
                dist = self.dists[name]
                out[name] = dist.from_standard_normal(z[:, j])  # type: ignore[union-attr]
        for name, d in self.dists.items():
            if isinstance(d, int | float):
                out[name] = np.full(size, float(d))
        return out


def draw_chunk(sampler: Sampler, seed: int, blocks: range, sizes: list[int]) -> Params:
    if len(blocks) == 1:  # common fast path: no copy into a chunk buffer
        return sampler.draw(block_generator(seed, blocks[0]), sizes[0])
    total = sum(sizes)
    chunk = {name: np.empty(total) for name in sampler.dists}
    start = 0
    for block, size in zip(blocks, sizes, strict=True):
        for name, arr in sampler.draw(block_generator(seed, block), size).items():
            chunk[name][start : start + size] = arr
        start += size
    return chunk


@dataclass(frozen=True)
class ChunkResult:
    values: FloatArray  # valid values only, in path order
    rejected_by: dict[str, int]
    done: int  # paths completed up to the end of this chunk
    moments: list[BlockMoments]  # per block, in block order
    low: float  # smallest kept value (inf when none)
    high: float  # largest kept value (-inf when none)


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to simulate one chunk (shared, read-only)."""

    evaluate: Evaluate
    sampler: Sampler
    constraints: Sequence[Constraint]
    seed: int
    paths: int
    block_size: int

    def chunk(self, blocks: range) -> ChunkResult:
        sizes = [min(self.block_size, self.paths - b * self.block_size) for b in blocks]
        size = sum(sizes)
        params = draw_chunk(self.sampler, self.seed, blocks, sizes)
        rejected_by = {c.name: 0 for c in self.constraints}
        valid = np.ones(size, dtype=np.bool_)
        for c in self.constraints:
            ok = np.asarray(c.holds(params), dtype=np.bool_)
            rejected_by[c.name] += int(size - np.count_nonzero(ok))
            valid &= ok
        values = np.asarray(self.evaluate(params), dtype=np.float64)
        if values.shape != (size,):
            raise ValueError(f"evaluate must return shape ({size},), got {values.shape}")
        finite = np.isfinite(values)
        rejected_by[NON_FINITE] = int(np.count_nonzero(valid & ~finite))
        valid &= finite
        kept = values if bool(valid.all()) else values[valid]
        done = blocks[-1] * self.block_size + sizes[-1]
        low, high = (float(kept.min()), float(kept.max())) if len(kept) else (math.inf, -math.inf)
        return ChunkResult(kept, rejected_by, done, block_moments(values, valid, sizes), low, high)


def run_chunks(plan: Plan, chunks: list[range], workers: int) -> Iterator[ChunkResult]:
    """Chunk results in path order; with ``workers > 1`` chunks run in a thread pool.

    numpy releases the GIL inside random fills and ufunc loops, so threads overlap the heavy
    work. At most ``2 × workers`` chunks are in flight, which keeps memory bounded.
    """
    if workers == 1 or len(chunks) == 1:
        for blocks in chunks:
            yield plan.chunk(blocks)
        return
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        pending: deque[Future[ChunkResult]] = deque()
        for blocks in chunks:
            pending.append(pool.submit(plan.chunk, blocks))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # On an error (or an abandoned run) queued chunks are dropped, running ones finish.
        pool.shutdown(wait=True, cancel_futures=True)
