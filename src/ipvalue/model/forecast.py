"""Yearly forecasts: explicit values, a growth model, or lifecycle stages.

Years are ``t = 1..N`` after the valuation date. A plain list in a case file is shorthand for
``{model: explicit, values: [...]}``.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ipvalue.model._numbers import Fraction, Growth, NonNegative, Number

Stage = Literal["introduction", "growth", "maturity", "decline"]
_STAGE_ORDER = {"introduction": 0, "growth": 1, "maturity": 2, "decline": 3}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExplicitForecast(_Strict):
    """Explicit yearly values for years 1..N (N = number of values)."""

    model: Literal["explicit"] = "explicit"
    values: list[Number] = Field(min_length=1, description="one value per year, year 1 first")

    @property
    def years(self) -> int:
        return len(self.values)


class GrowthForecast(_Strict):
    """Constant growth: ``X_1 = year1``, ``X_t = year1 · (1 + growth)^(t − 1)`` for t = 1..years."""

    model: Literal["growth"]
    year1: NonNegative = Field(description="value in year 1")
    growth: Growth = Field(description="annual growth rate (fraction, > −1)")
    years: int = Field(ge=1, le=200, strict=True, description="number of forecast years")


class LifecycleStage(_Strict):
    """One lifecycle stage (METHODS §2.6): its length, revenue growth and income margin."""

    stage: Stage
    years: int = Field(ge=1, le=200, strict=True, description="length of the stage in years")
    growth: Growth = Field(description="revenue growth per year inside the stage")
    margin: Fraction = Field(default=1.0, description="income / revenue inside the stage")
    probability: Fraction = Field(
        default=1.0, description="probability of commercialisation / survival in the stage"
    )


class LifecycleForecast(_Strict):
    """Lifecycle-staged revenue: ``Rev_t = Rev_(t−1)·(1 + g_s(t))`` from ``base`` (year 0).

    Stages are contiguous, in the order introduction → growth → maturity → decline (any may be
    omitted, none repeated); their total length is the forecast horizon.
    """

    model: Literal["lifecycle"]
    base: NonNegative = Field(description="revenue in year 0 (the year before year 1)")
    stages: list[LifecycleStage] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> LifecycleForecast:
        order = [_STAGE_ORDER[s.stage] for s in self.stages]
        if any(b <= a for a, b in itertools.pairwise(order)):
            raise ValueError(
                "stages must be in the order introduction, growth, maturity, decline, "
                "each at most once"
            )
        return self

    @property
    def years(self) -> int:
        return sum(s.years for s in self.stages)


def _shorthand(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return {"model": "explicit", "values": list(value)}
    if isinstance(value, dict) and "model" not in value and "values" in value:
        return {"model": "explicit", **value}
    return value


_ForecastUnion = Annotated[
    ExplicitForecast | GrowthForecast | LifecycleForecast, Field(discriminator="model")
]


# The published schema states the list shorthand too, so files valid for the loader validate
# against `ipvalue schema case` (tests/examples/test_examples_schema.py).
Forecast = Annotated[
    _ForecastUnion,
    BeforeValidator(_shorthand, json_schema_input_type=list[Number] | _ForecastUnion),
]
"""A forecast: a list of yearly values, ``{model: growth, ...}`` or ``{model: lifecycle, ...}``."""
