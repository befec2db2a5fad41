"""Framework inputs a case may give (``framework_inputs.common`` / ``framework_inputs.<CODE>``).

The common keys below serve the IVS family (IVS, SG, HK, IN, AU); other frameworks read their
own section. Values given for the framework's code win over ``common``.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ipvalue.core.errors import InputError
from ipvalue.model.case import ValuationCase

Family = Literal["income", "market", "cost", "option"]
WEIGHT_SUM_TOL = 1e-9
_REF = r"^[A-Za-z0-9_.\-]+/[^/]+/[A-Za-z0-9_.\-]+$"


class FrameworkInputs(BaseModel):
    """Inputs of the IVS-family frameworks. Every field is optional; missing ones the
    framework needs are reported as input errors naming ``framework_inputs.<CODE>.<field>``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    asset_risk_premium: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        allow_inf_nan=False,
        description="asset-specific premium over the country equity return (build-up)",
    )
    size_premium: float | None = Field(default=None, ge=0, lt=1, allow_inf_nan=False)
    risk_free_rate: float | None = Field(
        default=None,
        ge=-0.05,
        lt=1,
        allow_inf_nan=False,
        description="replaces the refdata 10-year government bond yield",
    )
    equity_risk_premium: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        allow_inf_nan=False,
        description="replaces the refdata Damodaran total equity risk premium",
    )
    home_inflation: float | None = Field(
        default=None,
        gt=-0.5,
        lt=1,
        allow_inf_nan=False,
        description="expected inflation of the framework's currency (rate translation)",
    )
    case_inflation: float | None = Field(
        default=None,
        gt=-0.5,
        lt=1,
        allow_inf_nan=False,
        description="expected inflation of the case currency (rate translation)",
    )
    royalty_benchmark: str | None = Field(
        default=None, pattern=_REF, description="refdata ref used when royalty_rate is open"
    )
    tab: bool | None = Field(default=None, description="switch TAB on or off")
    tab_period_years: int | None = Field(default=None, ge=1, le=100)
    tab_declining_rate: float | None = Field(
        default=None,
        gt=0,
        le=1,
        allow_inf_nan=False,
        description="written-down-value tax rate instead of a straight-line period",
    )
    tab_first_year_fraction: float | None = Field(
        default=None,
        gt=0,
        le=1,
        allow_inf_nan=False,
        description="share of the declining rate allowed in year 1 (India: 0.5 under 180 days)",
    )
    method_weights: dict[Family, float] | None = Field(
        default=None, description="approach-family weights replacing the purpose defaults"
    )
    fx_rate: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="home currency per unit of case currency, as this valuer converts",
    )

    @field_validator("method_weights")
    @classmethod
    def _weights(cls, w: dict[Family, float] | None) -> dict[Family, float] | None:
        if w is not None:
            if any(not math.isfinite(v) or v < 0 for v in w.values()):
                raise ValueError("method_weights must be finite and >= 0")
            total = math.fsum(w.values())
            if abs(total - 1.0) > WEIGHT_SUM_TOL:
                raise ValueError(f"method_weights must sum to 1 (they sum to {total:g})")
        return w

    @model_validator(mode="after")
    def _one_tab_schedule(self) -> FrameworkInputs:
        if self.tab_period_years is not None and self.tab_declining_rate is not None:
            raise ValueError("give tab_period_years or tab_declining_rate, not both")
        return self


def inputs_for(case: ValuationCase, code: str) -> tuple[FrameworkInputs, dict[str, str]]:
    """Merged inputs for ``code`` and, per key, the section it came from (for messages)."""
    common = dict(case.framework_inputs.get("common", {}))
    own = dict(case.framework_inputs.get(code, {}))
    merged: dict[str, Any] = {**common, **own}
    origin = {k: ("common" if k in common and k not in own else code) for k in merged}
    try:
        return FrameworkInputs.model_validate(merged), origin
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        section = origin.get(str(err["loc"][0]), code) if err["loc"] else code
        field = f"framework_inputs.{section}" + (f".{loc}" if loc else "")
        raise InputError(field, str(err["msg"]).removeprefix("Value error, ")) from None
