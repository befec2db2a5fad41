"""Seeded, chunked, vectorised Monte Carlo over uncertain inputs.

How a run is organised
----------------------
* **Blocks fix the random numbers.** Paths are cut into consecutive blocks of ``block_size``
  paths. Block ``b`` draws from its own generator ``PCG64(SeedSequence(seed, spawn_key=(b,)))`` —
  the ``b``-th child of ``SeedSequence(seed).spawn(...)`` — and, inside the block, the inputs
  are drawn in the order of ``dists``. A path's inputs therefore depend only on the seed, the
  block size, the input order and the path's index.
* **Chunks bound memory.** ``evaluate`` is called on chunks of whole blocks (``chunk_size`` is
  rounded up to a whole number of blocks). Because randomness is fixed per block and
  ``evaluate`` is elementwise over paths, **results are bit-identical for every chunk size**.
  Memory is ``8 bytes × paths`` for the stored values (needed for exact percentiles) plus
  ``O(chunk_size × inputs)`` working memory; runs longer than ``max_stored`` paths keep no
  values and replay the simulation to select exact percentiles (memory independent of paths).
* **Threads.** Chunks run concurrently in ``workers`` threads (numpy releases the GIL in its
  random fills and ufunc loops); results are consumed in path order and the moments are
  combined per block in block order, so the thread count never changes the numbers either.
* **Correlation** goes through a Gaussian copula: block normals ``Z`` (``n × k``) are correlated
  as ``Z·Aᵀ`` (``A·Aᵀ`` = the normal correlation implied by the requested rank correlation) and
  mapped to each marginal by its inverse CDF. Without correlation each input uses numpy's native
  sampler for its family (fastest; a different stream from the copula path).
* **Rejected draws.** ``evaluate`` returns ``nan`` (or ±inf) for draws it cannot value, e.g.
  ``g >= r`` (METHODS §1.2); named :class:`Constraint` s reject draws before valuation. Rejected
  draws are counted (per rule), excluded from every statistic, and reported as a warning; a run
  in which every draw is rejected raises :class:`InputError`.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np

from ipvalue.core.errors import InputError
from ipvalue.model.distributions import DistributionBase
from ipvalue.valuation._simulate_chunks import (
    NON_FINITE,
    Constraint,
    Evaluate,
    FloatArray,
    Plan,
    Sampler,
    block_generator,
    less_than,
    run_chunks,
)
from ipvalue.valuation._simulate_correlation import (
    CorrelationKind,
    CorrelationSpec,
    copula_factor,
    normal_correlation,
    validate_correlation,
)
from ipvalue.valuation._simulate_stream import streaming_statistics
from ipvalue.valuation._simulate_summary import (
    DEFAULT_PERCENTILES,
    PERCENTILE_METHOD,
    Histogram,
    RunningMoments,
    percentile_key,
    stored_statistics,
)

__all__ = [
    "BLOCK_SIZE",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_PERCENTILES",
    "NON_FINITE",
    "Constraint",
    "Histogram",
    "SimulationSummary",
    "SimulationWarning",
    "block_generator",
    "less_than",
    "run_monte_carlo",
]

Progress: TypeAlias = Callable[[int, int], None]

#: Paths per random-number block. Part of the reproducibility contract (recorded in results).
BLOCK_SIZE = 50_000
#: Default paths per chunk (whole blocks).
DEFAULT_CHUNK_SIZE = 250_000
#: Bins of the histogram by default.
DEFAULT_BINS = 50
#: Threads evaluating chunks by default (numpy releases the GIL in its loops).
DEFAULT_WORKERS = max(
    1,
    min(
        4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ),
)
#: Runs longer than this replay the simulation instead of storing values (128 MB of float64).
MAX_STORED_PATHS = 16_000_000
#: Values per selected bin extracted at once when replaying (2 MB each).
STREAM_EXTRACT_LIMIT = 1 << 18
#: Bits of OS entropy in a seed drawn when none is given.
SEED_BITS = 53
#: Random-number generator, recorded in results.
BIT_GENERATOR = "PCG64"


@dataclass(frozen=True)
class SimulationWarning:
    """Something the reader of a simulation must know (``code`` is stable)."""

    code: str
    message: str


@dataclass(frozen=True)
class SimulationSummary:
    """Result of :func:`run_monte_carlo`; every statistic is over the ``n`` valid draws.

    ``std`` is the sample standard deviation (ddof = 1) and ``standard_error = std/√n`` the
    Monte Carlo error of ``mean``. ``percentiles`` maps ``"p5"``-style keys to exact sample
    percentiles (:data:`PERCENTILE_METHOD`). ``seed``, ``block_size``, ``inputs`` (draw order),
    ``correlation`` and ``correlation_kind`` reproduce the run exactly; ``chunk_size`` (the
    effective, whole-block chunk) and ``workers`` do not affect the numbers.
    """

    mean: float
    std: float
    standard_error: float
    p5: float
    p50: float
    p95: float
    minimum: float
    maximum: float
    percentiles: dict[str, float]
    histogram: Histogram
    n: int
    rejected: int
    rejected_by: dict[str, int]
    seed: int
    paths: int
    chunk_size: int
    block_size: int
    inputs: tuple[str, ...]
    workers: int
    correlation: tuple[tuple[float, ...], ...] | None = None
    correlation_kind: CorrelationKind | None = None
    bit_generator: str = BIT_GENERATOR
    percentile_method: str = PERCENTILE_METHOD
    std_ddof: int = 1
    passes: int = 1  # simulation passes: 1 when values were stored, more when replayed
    warnings: tuple[SimulationWarning, ...] = field(default=())


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(name, f"must be an integer >= {minimum}")
    return int(value)


def _resolve_seed(seed: int | None) -> int:
    if seed is None:
        # OS entropy, kept below 2**53 so that the recorded seed survives any JSON reader.
        return secrets.randbits(SEED_BITS)
    return _check_int(seed, "seed", 0)


def _check_request(
    dists: Mapping[str, float | DistributionBase], percentiles: Sequence[float], bins: int
) -> None:
    for name, d in dists.items():
        if isinstance(d, bool) or not isinstance(d, int | float | DistributionBase):
            raise InputError(name, "must be a number or a distribution")
        if isinstance(d, int | float) and not math.isfinite(d):
            raise InputError(name, "must be a finite number")
    if not any(isinstance(d, DistributionBase) for d in dists.values()):
        raise InputError("dists", "at least one input must be a distribution")
    for q in percentiles:
        if not 0.0 <= q <= 100.0:
            raise InputError("percentiles", "each must lie in [0, 100]")
    _check_int(bins, "bins", 1)


def _warnings(
    paths: int, rejected_by: dict[str, int], rejected: int
) -> tuple[SimulationWarning, ...]:
    if rejected == 0:
        return ()
    detail = ", ".join(f"{k}: {v:,}" for k, v in rejected_by.items() if v)
    return (
        SimulationWarning(
            "mc_rejected_draws",
            f"{rejected:,} of {paths:,} draws ({rejected / paths:.2%}) were rejected and excluded "
            f"({detail}); statistics are over the remaining draws.",
        ),
    )


def run_monte_carlo(
    evaluate: Evaluate,
    dists: Mapping[str, float | DistributionBase],
    *,
    paths: int,
    seed: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    correlation: CorrelationSpec | None = None,
    progress: Progress | None = None,
    constraints: Sequence[Constraint] = (),
    correlation_kind: CorrelationKind = "spearman",
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    bins: int = DEFAULT_BINS,
    block_size: int = BLOCK_SIZE,
    workers: int | None = None,
    max_stored: int = MAX_STORED_PATHS,
) -> SimulationSummary:
    """Simulate ``evaluate`` over ``paths`` draws of the uncertain inputs.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params) -> values``: ``params`` maps each input name to a float64 array of
        the chunk's draws; returns one value per path (shape ``(m,)``), ``nan`` where a draw
        cannot be valued. Must be elementwise over paths (no cross-path reductions), which
        every vectorised kernel is.
    dists : mapping
        Input name -> distribution (or a plain number, passed through as a constant array).
        The mapping's order is the draw order and part of the reproducibility contract.
    paths : int
        Number of draws, >= 1.
    seed : int, optional
        Non-negative seed; ``None`` draws a 53-bit seed from OS entropy. Always recorded.
    chunk_size : int
        Paths evaluated per call (rounded up to whole blocks); bounds memory, never the numbers.
    correlation : matrix or mapping, optional
        Rank correlation between distribution inputs (``kind="spearman"``) as a k×k matrix in
        the order of the distribution inputs, or ``{(a, b): rho}`` pairs (others 0).
    progress : callable, optional
        ``progress(done_paths, total_paths)`` after every chunk.
    constraints : sequence of Constraint
        Named rules (e.g. ``less_than("growth", "discount_rate")``); failing draws are rejected.
    correlation_kind : {"spearman", "gaussian"}
        Whether ``correlation`` holds rank correlations or the copula's normal correlations.
    percentiles : sequence of float
        Percentiles (in percent) for the table; p5, p50 and p95 are always reported.
    bins : int
        Number of equal-width histogram bins over ``[min, max]``.
    block_size : int
        Paths per random-number block (changing it changes the draws).
    workers : int, optional
        Threads evaluating chunks concurrently (default :data:`DEFAULT_WORKERS`); never
        changes the numbers. ``evaluate`` must be thread-safe (pure numpy kernels are).
    max_stored : int
        Longest run whose values are kept in memory (8 bytes per path) for the percentiles.
        Longer runs replay the simulation (usually twice more) to select the exact order
        statistics with memory independent of ``paths``; ``evaluate`` must then be
        deterministic. Never changes the numbers.

    Returns
    -------
    SimulationSummary

    Raises
    ------
    InputError
        Invalid ``paths``, ``seed``, ``chunk_size``, ``block_size``, ``bins``, ``percentiles``,
        correlation (not square, not symmetric, diagonal not 1, entries outside [−1, 1], not
        positive semidefinite, unknown input names), no distribution among ``dists``, or every
        draw rejected.
    """
    paths = _check_int(paths, "paths", 1)
    chunk_size = _check_int(chunk_size, "chunk_size", 1)
    block_size = _check_int(block_size, "block_size", 1)
    workers = DEFAULT_WORKERS if workers is None else _check_int(workers, "workers", 1)
    max_stored = _check_int(max_stored, "max_stored", 1)
    _check_request(dists, percentiles, bins)
    seed = _resolve_seed(seed)
    random_names = [k for k, d in dists.items() if not isinstance(d, int | float)]

    rank = None
    factor = None
    if correlation is not None:
        rank = validate_correlation(correlation, random_names)
        factor = copula_factor(normal_correlation(rank, correlation_kind))
    sampler = Sampler(dists=dists, factor=factor)

    blocks_per_chunk = -(-chunk_size // block_size)
    n_blocks = -(-paths // block_size)
    chunks = [
        range(first, min(first + blocks_per_chunk, n_blocks))
        for first in range(0, n_blocks, blocks_per_chunk)
    ]
    plan = Plan(evaluate, sampler, tuple(constraints), seed, paths, block_size)
    streaming = paths > max_stored
    passes = 3 if streaming else 1  # expected, for the progress bar
    stored = None if streaming else np.empty(paths)
    moments = RunningMoments()
    low, high = math.inf, -math.inf
    rejected_by = {c.name: 0 for c in constraints}
    rejected_by[NON_FINITE] = 0
    for result in run_chunks(plan, chunks, workers):
        kept = len(result.values)
        if stored is not None:
            stored[moments.n : moments.n + kept] = result.values
        low, high = min(low, result.low), max(high, result.high)
        for block in result.moments:
            moments.add(block)
        for name, count in result.rejected_by.items():
            rejected_by[name] += count
        if progress is not None:
            progress(result.done, paths * passes)

    n_valid = moments.n
    rejected = paths - n_valid
    if n_valid == 0:
        detail = ", ".join(f"{k}: {v:,}" for k, v in rejected_by.items() if v)
        raise InputError("monte_carlo", f"every one of the {paths:,} draws was rejected ({detail})")
    if not (math.isfinite(moments.mean) and math.isfinite(moments.std)):
        raise InputError("monte_carlo", "simulated values overflow float64 (mean or std)")
    wanted = sorted({*percentiles, 5.0, 50.0, 95.0})
    replays = 0
    if stored is not None:
        table, histogram = stored_statistics(stored[:n_valid], wanted, bins, workers)
        del stored
    else:
        done_passes = 1

        def replay(consume: Callable[[FloatArray], None]) -> None:
            nonlocal done_passes
            for result in run_chunks(plan, chunks, workers):
                consume(result.values)
                if progress is not None:
                    progress(min(done_passes * paths + result.done, paths * passes), paths * passes)
            done_passes += 1

        table, histogram, replays = streaming_statistics(
            replay, n_valid, low, high, wanted, bins, STREAM_EXTRACT_LIMIT
        )
        if progress is not None:
            progress(paths * passes, paths * passes)
    return SimulationSummary(
        mean=moments.mean,
        std=moments.std,
        standard_error=moments.std / math.sqrt(n_valid),
        p5=table[percentile_key(5.0)],
        p50=table[percentile_key(50.0)],
        p95=table[percentile_key(95.0)],
        minimum=low,
        maximum=high,
        percentiles=table,
        histogram=histogram,
        n=n_valid,
        rejected=rejected,
        rejected_by=rejected_by,
        seed=seed,
        paths=paths,
        chunk_size=blocks_per_chunk * block_size,
        block_size=block_size,
        inputs=tuple(dists),
        workers=workers,
        passes=1 + replays,
        correlation=None if rank is None else tuple(tuple(float(x) for x in r) for r in rank),
        correlation_kind=None if rank is None else correlation_kind,
        warnings=_warnings(paths, rejected_by, rejected),
    )
