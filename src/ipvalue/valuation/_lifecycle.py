"""Lifecycle-staged revenue and income forecasts (METHODS §2.6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ipvalue.core.errors import InputError

from ._arrays import BoolArray, Checks, FloatArray, InvalidMode, as_param, col, leading_shape

StageName = Literal["introduction", "growth", "maturity", "decline"]
STAGE_ORDER: tuple[str, ...] = ("introduction", "growth", "maturity", "decline")


@dataclass(frozen=True)
class Stage:
    """One lifecycle stage covering whole years ``start..end`` (inclusive, 1-based).

    Parameters
    ----------
    name : {"introduction", "growth", "maturity", "decline"}
    start, end : int
        First and last projection year of the stage; ``1 <= start <= end``.
    growth : float or array (n,)
        Revenue growth per year within the stage, > -1.
    margin : float or array (n,)
        Income margin on revenue within the stage (income = revenue x margin), in ``[-1, 1]``.
    probability : float or array (n,), optional
        Probability of the stage's income being realised, in ``[0, 1]`` (None = certain).
    """

    name: StageName
    start: int
    end: int
    growth: ArrayLike
    margin: ArrayLike
    probability: ArrayLike | None = None


@dataclass(frozen=True)
class LifecycleForecast:
    """Per-year series, ``(T,)`` or ``(n, T)`` (``stage_of_year`` is always ``(T,)``).

    Attributes
    ----------
    years : ndarray of int
        ``1..T``.
    stage_of_year : tuple of str
        Stage name for each year.
    revenue, income : ndarray
        ``Rev_t = Rev_(t-1) (1 + g_s(t))`` and ``income_t = Rev_t m_s(t)``.
    probability : ndarray
        Stage probability per year (1 where none was given); pass it to :func:`dcf`.
    valid : ndarray of bool
        False for paths whose drawn stage parameters break a rule (``invalid="nan"``; their rows
        are ``nan``).
    """

    years: np.ndarray
    stage_of_year: tuple[str, ...]
    revenue: FloatArray
    income: FloatArray
    probability: FloatArray
    valid: BoolArray


def lifecycle_forecast(
    base_revenue: ArrayLike,
    stages: Sequence[Stage],
    *,
    economic_life: float,
    legal_term: float | None,
    invalid: InvalidMode = "raise",
) -> LifecycleForecast:
    """Build revenue and income from contiguous lifecycle stages.

    Parameters
    ----------
    base_revenue : float or array (n,)
        Revenue of year 0 (before the first projected year), >= 0.
    stages : sequence of Stage
        In lifecycle order (a stage may be skipped, e.g. no introduction for an improvement),
        contiguous, starting at year 1; they cover ``1..N``.
    economic_life : float
        Economic life in years (> 0).
    legal_term : float or None
        Remaining legal term in years (> 0); None for unregistered rights (know-how).
    invalid : {"raise", "nan"}
        ``nan`` marks paths whose drawn growth, margin, probability or base revenue break a rule
        instead of raising; the stage layout always raises.

    Returns
    -------
    LifecycleForecast

    Raises
    ------
    InputError
        No stages; unknown, repeated or out-of-order stage names; a first stage not starting in
        year 1; gaps or overlaps; ``end < start``; the decline (last stage) ending after
        ``min(economic_life, legal_term)``; growth <= -1; margin outside [-1, 1]; probability
        outside [0, 1]; negative base revenue.
    """
    if not stages:
        raise InputError("stages", "at least one stage is required")
    rev0 = as_param(base_revenue, "base_revenue")
    if not economic_life > 0:
        raise InputError("economic_life", "must be > 0 years")
    if legal_term is not None and not legal_term > 0:
        raise InputError("legal_term", "must be > 0 years")
    order = -1
    expected_start = 1
    for i, st in enumerate(stages):
        field = f"stages.{i}"
        if st.name not in STAGE_ORDER:
            raise InputError(f"{field}.name", "must be one of " + ", ".join(STAGE_ORDER))
        pos = STAGE_ORDER.index(st.name)
        if pos <= order:
            raise InputError(
                f"{field}.name",
                "stages must follow introduction, growth, maturity, decline, each at most once",
            )
        order = pos
        if int(st.start) != st.start or int(st.end) != st.end:
            raise InputError(f"{field}.start", "start and end must be whole years")
        if st.start != expected_start:
            raise InputError(
                f"{field}.start", f"must be {expected_start} (stages are contiguous from year 1)"
            )
        if st.end < st.start:
            raise InputError(f"{field}.end", "must be >= start")
        expected_start = int(st.end) + 1
    horizon = expected_start - 1
    cap = economic_life if legal_term is None else min(economic_life, legal_term)
    if horizon > cap:
        raise InputError(
            f"stages.{len(stages) - 1}.end",
            f"must be <= min(economic life, legal term) = {cap:g} years",
        )
    fields: dict[str, np.ndarray] = {"base_revenue": rev0}
    params = []
    for i, st in enumerate(stages):
        g = as_param(st.growth, f"stages.{i}.growth")
        m = as_param(st.margin, f"stages.{i}.margin")
        p = as_param(1.0 if st.probability is None else st.probability, f"stages.{i}.probability")
        fields.update(
            {f"stages.{i}.growth": g, f"stages.{i}.margin": m, f"stages.{i}.probability": p}
        )
        params.append((st, g, m, p))
    shape = leading_shape(fields)
    checks = Checks(shape, invalid)
    for i, (_, g, m, p) in enumerate(params):
        checks.require(f"stages.{i}.growth", "must be > -1", g > -1)
        checks.require(f"stages.{i}.margin", "must be in [-1, 1]", (m >= -1) & (m <= 1))
        checks.require(f"stages.{i}.probability", "must be in [0, 1]", (p >= 0) & (p <= 1))
    checks.require("base_revenue", "must be >= 0", rev0 >= 0)
    growth = np.empty((*shape, horizon))
    margin = np.empty((*shape, horizon))
    prob = np.empty((*shape, horizon))
    names: list[str] = []
    for st, g, m, p in params:
        sl = slice(int(st.start) - 1, int(st.end))
        growth[..., sl] = col(g)
        margin[..., sl] = col(m)
        prob[..., sl] = col(p)
        names.extend([st.name] * (int(st.end) - int(st.start) + 1))
    with np.errstate(invalid="ignore", over="ignore"):
        revenue = col(rev0) * np.cumprod(1.0 + growth, axis=-1)
        income = revenue * margin
    valid = checks.mask()
    if not valid.all():
        bad = ~valid
        revenue[bad] = np.nan
        income[bad] = np.nan
    return LifecycleForecast(
        years=np.arange(1, horizon + 1),
        stage_of_year=tuple(names),
        revenue=np.asarray(revenue, dtype=np.float64),
        income=np.asarray(income, dtype=np.float64),
        probability=prob,
        valid=valid,
    )
