"""One-at-a-time sensitivity (tornado data) around the deterministic value.

Each input is moved, alone, to a low and a high value while the others stay at their point
values (``Distribution.point()`` or the plain number):

* an uncertain input moves to the ``low_quantile``/``high_quantile`` of its distribution
  (default p10/p90);
* a fixed input moves by ``±fixed_shift`` of its value (default ±10 %);
* an explicit ``ranges[name] = (low, high)`` overrides either.

The swing is ``|value(high) − value(low)|``; bars are sorted by swing, largest first (ties keep
the order of ``base``). Every scenario, including the base, is evaluated in **one vectorised
call** of the same ``evaluate(params) -> values`` used by
:func:`~ipvalue.valuation.simulate.run_monte_carlo`; with ``vectorised=False`` each scenario is
its own one-row call, so every value is bit-for-bit what a deterministic run of that scenario
gives (the engine's choice: a valuer who reruns the case at a bar's input gets the bar's value
exactly, not within a rounding unit — vectorised kernels may sum in a different order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ipvalue.core.errors import InputError
from ipvalue.model.distributions import DistributionBase, point_value

__all__ = ["Tornado", "TornadoBar", "tornado"]

FloatArray = NDArray[np.float64]
Evaluate = Callable[[dict[str, FloatArray]], FloatArray]


@dataclass(frozen=True)
class TornadoBar:
    """One input's bar: its low/high input values, the value at each, and the swing.

    ``low_value``/``high_value`` are ``None`` when ``evaluate`` could not value that scenario
    (e.g. the high growth reaches the discount rate); ``swing`` is then ``None`` too and the
    tornado carries a warning.
    """

    name: str
    low_input: float
    high_input: float
    low_value: float | None
    high_value: float | None
    swing: float | None
    basis: str


@dataclass(frozen=True)
class Tornado:
    """Tornado data: bars sorted by swing (largest first), with the conventions used."""

    base_value: float
    bars: tuple[TornadoBar, ...]
    low_quantile: float
    high_quantile: float
    fixed_shift: float
    warnings: tuple[str, ...] = ()


def _check_settings(low_quantile: float, high_quantile: float, fixed_shift: float) -> None:
    if not 0.0 < low_quantile < high_quantile < 1.0:
        raise InputError("low_quantile", "must satisfy 0 < low_quantile < high_quantile < 1")
    if not (math.isfinite(fixed_shift) and fixed_shift > 0.0):
        raise InputError("fixed_shift", "must be a finite fraction > 0 (0.1 = ±10 %)")


def _moves(
    base: Mapping[str, float | DistributionBase],
    ranges: Mapping[str, tuple[float, float]],
    low_quantile: float,
    high_quantile: float,
    fixed_shift: float,
) -> dict[str, tuple[float, float, str]]:
    for name in ranges:
        if name not in base:
            raise InputError(f"ranges.{name}", "names no input of the valuation")
    moves: dict[str, tuple[float, float, str]] = {}
    for name, x in base.items():
        if isinstance(x, bool) or not isinstance(x, int | float | DistributionBase):
            raise InputError(name, "must be a number or a distribution")
        if isinstance(x, int | float) and not math.isfinite(x):
            raise InputError(name, "must be a finite number")
        if name in ranges:
            try:
                lo, hi = (float(v) for v in ranges[name])
            except (TypeError, ValueError):
                rule = "must be a pair of numbers (low, high)"
                raise InputError(f"ranges.{name}", rule) from None
            if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
                raise InputError(f"ranges.{name}", "must be finite (low, high) with low <= high")
            moves[name] = (lo, hi, "given range")
        elif isinstance(x, int | float):
            a, b = x * (1.0 - fixed_shift), x * (1.0 + fixed_shift)
            moves[name] = (min(a, b), max(a, b), f"±{fixed_shift:.4g} of base")
        else:
            basis = f"p{100 * low_quantile:g}/p{100 * high_quantile:g} of distribution"
            moves[name] = (x.quantile(low_quantile), x.quantile(high_quantile), basis)
    return moves


def _call(evaluate: Evaluate, names: list[str], rows: FloatArray) -> FloatArray:
    """``evaluate`` on scenario rows (one column per input), flattened to one value per row."""
    return np.asarray(evaluate({n: rows[:, i].copy() for i, n in enumerate(names)}), float)


def tornado(
    evaluate: Evaluate,
    base: Mapping[str, float | DistributionBase],
    ranges: Mapping[str, tuple[float, float]] | None = None,
    *,
    low_quantile: float = 0.10,
    high_quantile: float = 0.90,
    fixed_shift: float = 0.10,
    vectorised: bool = True,
) -> Tornado:
    """One-at-a-time sensitivity of ``evaluate`` to each input of ``base``.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(params) -> values``, vectorised over scenarios (the Monte Carlo evaluate).
    base : mapping
        Every input to move: a plain number or a distribution. Point values come from
        :func:`~ipvalue.model.distributions.point_value`.
    ranges : mapping, optional
        Explicit ``(low, high)`` per input name, overriding the quantile or shift rule.
    low_quantile, high_quantile : float
        Quantiles of distributions used as low/high (``0 < low < high < 1``); default p10/p90.
    fixed_shift : float
        Relative move of fixed inputs (> 0); a fixed input of 0 gets a zero-width bar.
    vectorised : bool
        True: one call over all ``1 + 2·len(base)`` scenarios. False: one call per scenario
        (arrays of shape ``(1,)``), bit-identical to valuing each scenario on its own.

    Returns
    -------
    Tornado
        Sorted bars; ``warnings`` lists scenarios that could not be valued.

    Raises
    ------
    InputError
        Bad quantiles or shift, a range naming no input or not ``low <= high``, no inputs, or a
        base case without a finite value.
    """
    _check_settings(low_quantile, high_quantile, fixed_shift)
    if not base:
        raise InputError("base", "at least one input is required")
    moves = _moves(base, ranges or {}, low_quantile, high_quantile, fixed_shift)
    names = list(base)
    points = np.array([point_value(base[n]) for n in names], dtype=np.float64)
    # Row 0 is the base case; rows 2i+1 and 2i+2 move input i to its low and high.
    grid = np.tile(points, (1 + 2 * len(names), 1))
    for i, name in enumerate(names):
        grid[2 * i + 1, i], grid[2 * i + 2, i] = moves[name][0], moves[name][1]
    if vectorised:
        values = _call(evaluate, names, grid)
    else:
        values = np.concatenate([_call(evaluate, names, grid[r : r + 1]) for r in range(len(grid))])
    if values.shape != (len(grid),):
        raise ValueError(f"evaluate must return one value per scenario, got {values.shape}")
    if not math.isfinite(values[0]):
        raise InputError("base", "the base case has no finite value")

    bars, warnings = [], []
    for i, name in enumerate(names):
        lo_v, hi_v = (float(v) if math.isfinite(v) else None for v in values[2 * i + 1 : 2 * i + 3])
        lo_in, hi_in, basis = moves[name]
        for label, v, x in (("low", lo_v, lo_in), ("high", hi_v, hi_in)):
            if v is None:
                warnings.append(f"{name} at its {label} value {x:g} has no finite value")
        swing = abs(hi_v - lo_v) if lo_v is not None and hi_v is not None else None
        bars.append(TornadoBar(name, lo_in, hi_in, lo_v, hi_v, swing, basis))
    # Stable sort: equal swings keep the order of ``base`` (the case's order in the engine).
    bars.sort(key=lambda b: (b.swing is None, -(b.swing or 0.0)))
    return Tornado(
        base_value=float(values[0]),
        bars=tuple(bars),
        low_quantile=low_quantile,
        high_quantile=high_quantile,
        fixed_shift=fixed_shift,
        warnings=tuple(warnings),
    )
