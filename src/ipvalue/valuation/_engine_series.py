"""Build yearly series from resolved forecast parameters (engine-side, no valuation logic).

Each parameter mapping holds floats or arrays of shape ``(n,)`` (Monte Carlo paths or portfolio
assets); every series returned has shape ``(n, T)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ipvalue.core.errors import InputError
from ipvalue.model.forecast import ExplicitForecast, GrowthForecast, LifecycleForecast

FloatArray = NDArray[np.float64]
Params = Mapping[str, ArrayLike]


def vec(p: Params, path: str, n: int) -> FloatArray:
    """Parameter ``path`` as an array of shape ``(n,)``."""
    return np.broadcast_to(np.asarray(p[path], dtype=np.float64), (n,))


@dataclass(frozen=True)
class Series:
    """A forecast as arrays ``(n, T)``: values, and lifecycle income / probabilities if any."""

    values: FloatArray
    income: FloatArray | None = None
    probability: FloatArray | None = None
    stages: tuple[str, ...] | None = None

    @property
    def years(self) -> int:
        return int(self.values.shape[-1])


def forecast(model: object, path: str, p: Params, n: int, life: ArrayLike | None = None) -> Series:
    """Evaluate the forecast ``model`` stored at ``path`` inside the approach.

    Explicit: the values as given. Growth: ``X_t = year1·(1+g)^(t−1)``. Lifecycle:
    ``Rev_t = Rev_(t−1)·(1+g_s(t))`` from ``base`` (year 0), with the stage margin and
    probability of each year (METHODS §2.6).
    """
    if isinstance(model, ExplicitForecast):
        cols = [vec(p, f"{path}.values.{k}", n) for k in range(len(model.values))]
        return Series(np.stack(cols, axis=1))
    if isinstance(model, GrowthForecast):
        t = np.arange(model.years, dtype=np.float64)
        year1 = vec(p, f"{path}.year1", n)[:, None]
        g = vec(p, f"{path}.growth", n)[:, None]
        return Series(year1 * np.power(1.0 + g, t))
    if isinstance(model, LifecycleForecast):
        from ipvalue.valuation.lifecycle import Stage, lifecycle_forecast

        stages, start = [], 1
        for k, st in enumerate(model.stages):
            pre = f"{path}.stages.{k}"
            stages.append(
                Stage(
                    st.stage,
                    start,
                    start + st.years - 1,
                    vec(p, f"{pre}.growth", n),
                    vec(p, f"{pre}.margin", n),
                    vec(p, f"{pre}.probability", n),
                )
            )
            start += st.years
        cap = model.years if life is None else float(np.min(life))
        fc = lifecycle_forecast(
            vec(p, f"{path}.base", n), stages, economic_life=cap, legal_term=None
        )
        shape = (n, model.years)
        return Series(
            np.broadcast_to(fc.revenue, shape),
            np.broadcast_to(fc.income, shape),
            np.broadcast_to(fc.probability, shape),
            fc.stage_of_year,
        )
    raise TypeError(f"unknown forecast model {type(model).__name__}")


def probability(
    own: list[object] | None, series: Series, p: Params, n: int, field: str
) -> FloatArray | None:
    """Combined yearly probability: the approach's ``probability`` list × lifecycle stages."""
    prob = series.probability
    if own is not None:
        if len(own) != series.years:
            raise InputError(
                field, f"must have one value per forecast year ({series.years}), got {len(own)}"
            )
        mine = np.stack([vec(p, f"probability.{k}", n) for k in range(len(own))], axis=1)
        prob = mine if prob is None else prob * mine
    return prob
