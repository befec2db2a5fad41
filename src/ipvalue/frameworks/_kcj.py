"""Shared result records and input checks for the KR / CN / JP and scoring modules.

Every calculation in these modules returns a frozen dataclass that carries, next to its numbers,
the assumptions it relied on (with source and evidence label), warnings and a calculation trace,
so that a valuer can defend each figure. The checks raise :class:`InputError` naming the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ipvalue.core.errors import InputError

#: Tolerance for "weights must sum to 1": weights typed as decimals (0.35, 0.35, 0.3) sum exactly
#: in decimal but not in binary floating point.
WEIGHT_SUM_TOL = 1e-9


@dataclass(frozen=True)
class Assumption:
    """A parameter a result relied on.

    ``evidence`` is the METHODS.md label: ``V`` (primary source), ``S`` (secondary quotation),
    ``U`` (unconfirmed, configuration only) or ``input`` (supplied by the user for this case).
    """

    name: str
    value: float | str | None
    unit: str
    source: str
    evidence: str


@dataclass(frozen=True)
class Note:
    """A warning attached to a result (``code`` is stable, ``message`` is for people)."""

    code: str
    message: str


@dataclass(frozen=True)
class Step:
    """One line of a calculation trace: what was computed, by which formula, with what result."""

    name: str
    formula: str
    value: float


def finite(field: str, value: float) -> float:
    """Return ``value`` as float, refusing NaN, infinities and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, "must be a number")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(field, "must be a finite number")
    return x


def in_range(
    field: str,
    value: float,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` checked to lie in ``[low, high]`` (ends open when asked)."""
    x = finite(field, value)
    lo_ok = x > low if low_open else x >= low
    hi_ok = x < high if high_open else x <= high
    if not (lo_ok and hi_ok):
        lb = "(" if low_open else "["
        rb = ")" if high_open else "]"
        raise InputError(field, f"must be in {lb}{low:g}, {high:g}{rb} (got {x:g})")
    return x


def positive(field: str, value: float) -> float:
    """Return ``value`` checked to be > 0."""
    x = finite(field, value)
    if x <= 0:
        raise InputError(field, f"must be > 0 (got {x:g})")
    return x


def non_negative(field: str, value: float) -> float:
    """Return ``value`` checked to be >= 0."""
    x = finite(field, value)
    if x < 0:
        raise InputError(field, f"must be >= 0 (got {x:g})")
    return x


def weights_summing_to_one(field: str, weights: Mapping[str, float]) -> dict[str, float]:
    """Check non-negative weights that sum to 1 (within :data:`WEIGHT_SUM_TOL`).

    Weights are never rescaled silently: a set that does not sum to 1 is an input error.
    """
    if not weights:
        raise InputError(field, "must contain at least one weight")
    out = {k: non_negative(f"{field}.{k}", w) for k, w in weights.items()}
    total = math.fsum(out.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOL:
        raise InputError(field, f"weights must sum to 1 (sum is {total:.12g})")
    return out


def exact_keys(field: str, given: Iterable[str], expected: Iterable[str]) -> None:
    """Refuse unknown keys and report missing ones, both by name."""
    given_set, expected_set = set(given), set(expected)
    unknown = sorted(given_set - expected_set)
    if unknown:
        raise InputError(
            f"{field}.{unknown[0]}",
            f"unknown item; expected one of {', '.join(sorted(expected_set))}",
        )
    missing = sorted(expected_set - given_set)
    if missing:
        raise InputError(f"{field}.{missing[0]}", "is required (no default score is assumed)")


def score_1_to_5(field: str, value: float) -> float:
    """A questionnaire rating on the 1-5 scale (fractions allowed, e.g. 3.5 for a split panel)."""
    return in_range(field, value, 1.0, 5.0)
