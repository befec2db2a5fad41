"""A portfolio case: many assets in one case file, with an optional synergy adjustment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ipvalue.model._numbers import num
from ipvalue.model.approaches import Approach
from ipvalue.model.assets import Asset
from ipvalue.model.case import CaseHeader, check_approaches


class PortfolioItem(BaseModel):
    """One asset of a portfolio with its own approaches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    asset: Asset
    approaches: list[Approach] = Field(min_length=1)


class Synergy(BaseModel):
    """Portfolio synergy: ``total = Σ asset values · (1 + rate)``; a negative rate is a discount
    (e.g. overlapping claims), bounded below by −1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: num(gt=-1) = Field(description="uplift (or discount if negative) on the sum of values")  # type: ignore[valid-type]
    rationale: str = Field(min_length=1, max_length=5000)


class PortfolioCase(CaseHeader):
    """Several assets valued together; recognised by its ``assets`` key."""

    assets: list[PortfolioItem] = Field(min_length=1)
    synergy: Synergy | None = None

    @model_validator(mode="after")
    def _cross_field(self) -> PortfolioCase:
        seen: set[str] = set()  # a set, not list.index: O(n) for 100k-asset portfolios
        for i, item in enumerate(self.assets):
            a = item.asset.id or item.asset.name
            if a in seen:
                raise ValueError(
                    f"assets.{i}.asset.id: {a!r} is used twice; give each asset a unique id"
                )
            seen.add(a)
        for i, item in enumerate(self.assets):
            check_approaches(item.approaches, item.asset, self.valuation_date, f"assets.{i}.")
        return self
