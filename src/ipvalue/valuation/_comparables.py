"""Comparable transactions with multiplicative correction coefficients (METHODS §3)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import BoolArray, Checks, FloatArray, InvalidMode, as_param, leading_shape

STANDARD_COEFFICIENTS: tuple[str, ...] = (
    "technology_stage",
    "generation_gap",
    "industry_relevance",
    "substitutability",
    "market_position",
    "digital_degree",
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Comparable:
    """One comparable transaction.

    Parameters
    ----------
    name : str
        Unique label (licence, deal or database record).
    unit_price : float or array (n,)
        ``X_i``: price, royalty rate or price/revenue multiple, already restated to the valuation
        date; >= 0.
    coefficients : mapping of str to float or array (n,)
        ``c_(i,j) = f(subject)/f(comparable)``, 1 = equal. Standard names are in
        ``STANDARD_COEFFICIENTS``; other snake_case names are allowed (recorded as given).
    weight : float, optional
        Given weight (>= 0). Either every comparable has one, or none and the weight is
        ``similarity x recency x quality``.
    similarity, recency, quality : float, optional
        Scores in ``[0, 1]`` used when no weight is given.
    """

    name: str
    unit_price: ArrayLike
    coefficients: Mapping[str, ArrayLike] = field(default_factory=dict)
    weight: float | None = None
    similarity: float | None = None
    recency: float | None = None
    quality: float | None = None


@dataclass(frozen=True)
class AdjustedComparable:
    """A comparable after correction: ``V_i = X_i x scale x prod_j c_(i,j)``."""

    name: str
    coefficient_product: FloatArray
    adjusted_value: FloatArray
    weight: float


@dataclass(frozen=True)
class MarketResult:
    """Weighted market value with its range and spread.

    Attributes
    ----------
    value : ndarray
        ``sum_i w_i V_i``.
    low, high : ndarray
        Smallest and largest adjusted value ``V_i``.
    spread : ndarray
        ``(high - low) / value`` (``nan`` when the value is 0).
    dispersion : ndarray
        Weighted coefficient of variation ``sqrt(sum_i w_i (V_i - V)^2) / V``.
    comparables : tuple of AdjustedComparable
        Per comparable: coefficient product, adjusted value, normalised weight.
    valid : ndarray of bool
        False where a path broke a rule (``invalid="nan"``; its figures are ``nan``).
    """

    value: FloatArray
    low: FloatArray
    high: FloatArray
    spread: FloatArray
    dispersion: FloatArray
    comparables: tuple[AdjustedComparable, ...]
    valid: BoolArray


def _raw_weights(comparables: Sequence[Comparable]) -> FloatArray:
    given = [c.weight is not None for c in comparables]
    if all(given):
        w = np.array([float(c.weight) for c in comparables])  # type: ignore[arg-type]
        for i, wi in enumerate(w):
            if not (np.isfinite(wi) and wi >= 0):
                raise InputError(f"comparables.{i}.weight", "must be >= 0")
        return w
    if any(given):
        raise InputError("comparables", "give a weight for every comparable or for none")
    out = []
    for i, c in enumerate(comparables):
        scores = {"similarity": c.similarity, "recency": c.recency, "quality": c.quality}
        for key, s in scores.items():
            if s is None:
                raise InputError(f"comparables.{i}.{key}", "required when no weight is given")
            if not 0 <= s <= 1:
                raise InputError(f"comparables.{i}.{key}", "must be in [0, 1]")
        out.append(float(c.similarity) * float(c.recency) * float(c.quality))  # type: ignore[arg-type]
    return np.array(out)


def cap_weights(weights: FloatArray, max_weight: float) -> FloatArray:
    """Normalise and cap weights at ``max_weight``, spreading the excess pro rata.

    Raises
    ------
    InputError
        ``max_weight`` not in ``(0, 1]`` or too small for the count (``max_weight x m < 1``).
    """
    if not 0 < max_weight <= 1:
        raise InputError("max_weight", "must be in (0, 1]")
    if max_weight * len(weights) < 1 - 1e-12:
        raise InputError("max_weight", f"x {len(weights)} comparables must be >= 1")
    raw = np.asarray(weights, dtype=np.float64)
    total = raw.sum()
    if not (np.isfinite(raw).all() and (raw >= 0).all() and total > 0):
        raise InputError("weights", "must be finite, >= 0 and not all zero")
    w = raw / total
    capped = np.zeros(len(w), dtype=bool)
    for _ in range(len(w)):  # each pass caps at least one more comparable
        over = (w > max_weight + 1e-15) & ~capped
        if not over.any():
            break
        capped |= over
        free = 1.0 - max_weight * capped.sum()
        rest = w[~capped].sum()
        w = np.where(capped, max_weight, w)
        if rest > 0:
            # divide before multiplying: with a subnormal ``rest``, ``free / rest`` overflows
            w[~capped] = w[~capped] / rest * free
        else:  # only zero-weight comparables remain uncapped: share the remainder equally
            w[~capped] = free / max((~capped).sum(), 1)
    return np.asarray(w, dtype=np.float64)


def comparable_transactions(
    comparables: Sequence[Comparable],
    *,
    subject_scale: ArrayLike,
    c_min: float,
    c_max: float,
    min_count: int,
    max_weight: float | None = None,
    invalid: InvalidMode = "raise",
) -> MarketResult:
    """``V_i = X_i x Scale_subject x prod_j c_(i,j)``; ``V = sum_i w_i V_i`` (METHODS §3.1-3.3).

    Parameters
    ----------
    comparables : sequence of Comparable
    subject_scale : float or array (n,)
        The subject's base the unit price applies to (revenue for a royalty rate, 1 for a price),
        >= 0.
    c_min, c_max : float
        Bounds every coefficient must respect, ``0 < c_min <= 1 <= c_max``; a coefficient outside
        them is rejected, never clamped.
    min_count : int
        Least number of comparables required (>= 1).
    max_weight : float, optional
        Cap on any one normalised weight.
    invalid : {"raise", "nan"}
        ``nan`` marks paths whose drawn prices, coefficients or scale break a rule instead of
        raising; structural rules (counts, names, bounds, weights) always raise.

    Returns
    -------
    MarketResult

    Raises
    ------
    InputError
        Too few comparables, duplicate names, bad bounds, a coefficient outside them or with a
        name that is not snake_case, negative unit price or scale, weights that are mixed,
        negative or all zero, a cap that cannot be met.
    """
    if int(min_count) != min_count or min_count < 1:
        raise InputError("min_count", "must be a whole number >= 1")
    if len(comparables) < min_count:
        raise InputError("comparables", f"at least {min_count} comparables are required")
    if len({c.name for c in comparables}) != len(comparables):
        raise InputError("comparables", "names must be unique")
    if not (0 < c_min <= 1 <= c_max and np.isfinite(c_max)):
        raise InputError("c_min", "bounds must satisfy 0 < c_min <= 1 <= c_max")
    scale = as_param(subject_scale, "subject_scale")
    checks = Checks((), invalid)
    checks.require("subject_scale", "must be >= 0", scale >= 0)
    raw = _raw_weights(comparables)
    if not raw.sum() > 0:
        raise InputError("comparables", "weights must not all be 0")
    weights = raw / raw.sum() if max_weight is None else cap_weights(raw, max_weight)
    fields: dict[str, np.ndarray] = {"subject_scale": scale}
    values: list[FloatArray] = []
    adjusted: list[AdjustedComparable] = []
    for i, (c, w) in enumerate(zip(comparables, weights, strict=True)):
        price = as_param(c.unit_price, f"comparables.{i}.unit_price")
        checks.require(f"comparables.{i}.unit_price", "must be >= 0", price >= 0)
        fields[f"comparables.{i}.unit_price"] = price
        product = np.ones(())
        for name, raw_c in c.coefficients.items():
            where = f"comparables.{i}.coefficients.{name}"
            if not _NAME.match(name):
                raise InputError(where, "coefficient names must be snake_case")
            coef = as_param(raw_c, where)
            checks.require(
                where, f"must lie in [{c_min:g}, {c_max:g}]", (coef >= c_min) & (coef <= c_max)
            )
            fields[where] = coef
            product = product * coef
        leading_shape(fields)
        value = np.asarray(price * scale * product, dtype=np.float64)
        values.append(value)
        adjusted.append(AdjustedComparable(c.name, np.asarray(product), value, float(w)))
    checks.shape = leading_shape(fields)
    stack = np.stack(np.broadcast_arrays(*values))
    w_col = weights.reshape((-1,) + (1,) * (stack.ndim - 1))
    total = np.sum(w_col * stack, axis=0)
    low, high = stack.min(axis=0), stack.max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.where(total > 0, (high - low) / np.where(total > 0, total, 1.0), np.nan)
        disp = np.sqrt(np.sum(w_col * (stack - total) ** 2, axis=0))
        dispersion = np.where(total > 0, disp / np.where(total > 0, total, 1.0), np.nan)

    def fin(x: ArrayLike) -> FloatArray:
        return checks.finish(np.asarray(np.broadcast_to(x, checks.shape), dtype=np.float64))

    return MarketResult(
        value=fin(total),
        low=fin(low),
        high=fin(high),
        spread=fin(spread),
        dispersion=fin(dispersion),
        comparables=tuple(adjusted),
        valid=checks.mask(),
    )


@dataclass(frozen=True)
class QualityRatioResult:
    """DB1304 quality-ratio value and the per-comparable adjusted values ``V_i Q / Q_i``."""

    value: FloatArray
    adjusted_values: FloatArray


def quality_ratio_value(
    comparable_values: ArrayLike, comparable_quality: ArrayLike, subject_quality: ArrayLike
) -> QualityRatioResult:
    """``V = (1/n) sum_i V_i Q / Q_i`` (Handan DB1304/T 432-2023, METHODS §3.2).

    Parameters
    ----------
    comparable_values : array (m,)
        Transaction values ``V_i`` (>= 0), restated to the valuation date.
    comparable_quality : array (m,)
        Quality scores ``Q_i`` (> 0) on the same scale as the subject's.
    subject_quality : float or array (n,)
        ``Q`` (> 0).

    Raises
    ------
    InputError
        Empty or mismatched arrays, ``V_i < 0``, ``Q_i <= 0`` or ``Q <= 0``.
    """
    v = np.atleast_1d(as_param(comparable_values, "comparable_values"))
    q_i = np.atleast_1d(as_param(comparable_quality, "comparable_quality"))
    q = as_param(subject_quality, "subject_quality")
    if v.size == 0:
        raise InputError("comparable_values", "at least one comparable is required")
    if q_i.shape != v.shape:
        raise InputError("comparable_quality", "must have one score per comparable value")
    checks = Checks((), "raise")
    checks.require("comparable_values", "must be >= 0", v >= 0)
    checks.require("comparable_quality", "must be > 0", q_i > 0)
    checks.require("subject_quality", "must be > 0", q > 0)
    ratio = v / q_i
    adjusted = np.multiply.outer(q, ratio) if q.ndim else q * ratio
    return QualityRatioResult(
        value=np.asarray(adjusted.mean(axis=-1), dtype=np.float64),
        adjusted_values=np.asarray(adjusted, dtype=np.float64),
    )
