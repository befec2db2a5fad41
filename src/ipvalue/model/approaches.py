"""Inputs of each valuation method, as a discriminated union on ``method``.

Every numeric input is a :data:`~ipvalue.model._numbers.Num`: a number, a distribution or a
``{ref: table/key/column}``. Open parameters (``None``) are filled by the case's framework or,
failing that, by reference data (tax rate from the case jurisdiction); anything still open is an
input error naming the field. Formulas: ``docs/methods/`` and METHODS.md §2–5.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ipvalue.model._numbers import Fraction, Growth, NonNegative, Positive, Rate, TaxRate
from ipvalue.model.forecast import Forecast

Timing = Literal["end", "mid"]
TerminalDiscounting = Literal["final_factor", "end_of_horizon"]
ObsolescenceMode = Literal["multiplicative", "amounts"]
ApproachFamily = Literal["income", "market", "cost", "option"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tab(_Strict):
    """Tax amortisation benefit (METHODS §1.3). ``period_years`` is the *tax* amortisation period,
    not the forecast horizon."""

    period_years: int = Field(ge=1, le=100, strict=True)
    tax_rate: TaxRate | None = Field(
        default=None, description="rate where the deduction is taken; default: the approach's"
    )
    timing: Timing | None = Field(default=None, description="default: the cash-flow timing")


class _Approach(_Strict):
    id: str | None = Field(
        default=None,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.\-]+$",
        description="name of this approach in results; default: the method",
    )
    weight: Fraction | None = Field(
        default=None,
        description="reconciliation weight; give all or none (then defaults by purpose)",
    )
    rationale: str | None = Field(default=None, max_length=5000)

    family: ClassVar[ApproachFamily] = "income"

    @property
    def name(self) -> str:
        return self.id or str(getattr(self, "method"))  # noqa: B009


class _Income(_Approach):
    """Conventions shared by the income methods (METHODS §1–2)."""

    discount_rate: Rate | None = Field(default=None, description="asset discount rate r")
    terminal_growth: Growth | None = Field(
        default=None, description="Gordon growth g after the last year; omit for no terminal value"
    )
    timing: Timing | None = None
    terminal_discounting: TerminalDiscounting | None = None
    tab: Tab | Literal[False] | None = Field(
        default=None, description="tax amortisation benefit; false = none; omit = framework default"
    )
    probability: list[Fraction] | None = Field(
        default=None, min_length=1, description="p_t per year (commercialisation / survival)"
    )

    @model_validator(mode="after")
    def _growth_below_rate(self) -> _Income:
        g, r = self.terminal_growth, self.discount_rate
        if isinstance(g, float) and isinstance(r, float) and g >= r:
            raise ValueError(f"terminal_growth ({g:g}) must be < discount_rate ({r:g})")
        return self


class _Taxed(_Income):
    tax_rate: TaxRate | None = Field(
        default=None, description="statutory rate T; omit to take it from the jurisdiction"
    )


class Dcf(_Income):
    """Discounted cash flows attributable to the asset (after tax): METHODS §2.1."""

    method: Literal["dcf"]
    cash_flows: Forecast


class ReliefFromRoyalty(_Taxed):
    """Relief from royalty: ``Σ Rev_t·ρ·(1 − T)·DF_t (+ PV(TV))``, × TAB factor (METHODS §2.2)."""

    method: Literal["relief_from_royalty"]
    revenue: Forecast
    royalty_rate: Fraction | None = Field(default=None, description="pre-tax rate on revenue")


CacKind = Literal[
    "working_capital", "land", "fixed_assets", "workforce", "customer_relationships",
    "trademark", "technology", "software", "other_intangible",
]
_RETURN_ON_ONLY = {"working_capital", "land", "workforce"}


class ContributoryAsset(_Strict):
    """A contributory asset charge: ``r_j · B_t + D_t`` with ``B_t = balance_share · Rev_t``."""

    name: str = Field(min_length=1, max_length=200)
    kind: CacKind
    balance_share: NonNegative = Field(description="asset balance as a share of revenue")
    return_on: Rate = Field(description="required return on the asset (after tax)")
    return_of: NonNegative = Field(
        default=0.0, description="economic depreciation as a share of revenue (return of)"
    )
    return_of_in_ebita: bool = Field(
        default=False, description="true when depreciation is already deducted in EBITA"
    )

    @model_validator(mode="after")
    def _return_on_only(self) -> ContributoryAsset:
        if self.kind in _RETURN_ON_ONLY and isinstance(self.return_of, float) and self.return_of:
            raise ValueError(f"return_of must be 0 for {self.kind}: it earns a return on only")
        return self


class ExcessEarnings(_Taxed):
    """Multi-period excess earnings (METHODS §2.3)."""

    method: Literal["excess_earnings"]
    revenue: Forecast
    ebita_margin: Fraction | None = Field(
        default=None, description="EBITA / revenue; omit when the revenue forecast is lifecycle"
    )
    contributory_assets: list[ContributoryAsset] = Field(default_factory=list)


class WithAndWithout(_Taxed):
    """With-and-without: ``Σ (I_with − I_without)·(1 − T)·DF_t`` on pre-tax income (§2.4)."""

    method: Literal["with_and_without"]
    income_with: Forecast
    income_without: Forecast


class ProfitSplit(_Taxed):
    """Profit split: ``royalty_t = K·margin·Rev_t``, taxed and discounted (METHODS §2.5)."""

    method: Literal["profit_split"]
    revenue: Forecast
    operating_margin: Fraction | None = Field(
        default=None, description="operating profit / revenue; omit for lifecycle margins"
    )
    split_rate: Fraction = Field(description="K, the asset's share of operating profit")
    rule_of_25_check: bool = Field(
        default=False,
        description="also report the 25 % rule (K = 0.25) as a sanity check, never weighted",
    )


class Market(_Strict):
    """One market of a regional income valuation, in its own currency (METHODS §2.7)."""

    market: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    income: Forecast = Field(description="pre-tax income attributable to the asset, local currency")
    discount_rate: Rate = Field(description="local-currency discount rate before risk adjustment")
    risk_premium: Rate = Field(default=0.0, description="country risk premium added to the rate")
    tax_rate: TaxRate | None = Field(default=None, description="default: refdata CIT of market")
    protected_years: float | None = Field(
        default=None, gt=0, le=200, allow_inf_nan=False, description="A_(m,t) = 1 while t ≤ this"
    )
    fx_rate: Positive | None = Field(
        default=None, description="case currency per unit of local currency; default: refdata"
    )


class RegionalIncome(_Approach):
    """Regionally weighted income: PV per market in local currency, converted at spot (§2.7)."""

    method: Literal["regional_income"]
    markets: list[Market] = Field(min_length=1)
    timing: Timing | None = None

    @model_validator(mode="after")
    def _unique_markets(self) -> RegionalIncome:
        names = [m.market for m in self.markets]
        if len(set(names)) != len(names):
            raise ValueError("markets: each market may appear only once")
        return self


CoefficientName = Literal[
    "technology_stage", "generation_gap", "industry_relevance", "substitutability",
    "market_position", "digital_degree", "transaction_date", "rights_conveyed", "quality",
]


class Comparable(_Strict):
    """A comparable transaction: ``V_i = X_i · scale · Π_j c_ij`` (METHODS §3)."""

    name: str = Field(min_length=1, max_length=300)
    unit_price: NonNegative = Field(description="X_i: price, royalty rate or price/revenue")
    coefficients: dict[CoefficientName, Positive] = Field(default_factory=dict)
    weight: Fraction | None = None
    date: dt.date | None = None
    source: str | None = Field(default=None, max_length=2000)


class MarketComparables(_Approach):
    """Comparable transactions adjusted by multiplicative correction coefficients (§3)."""

    method: Literal["market_comparables"]
    family: ClassVar[ApproachFamily] = "market"
    comparables: list[Comparable] = Field(min_length=1)
    subject_scale: Positive = Field(
        default=1.0, description="subject's scale (e.g. revenue when X is price/revenue)"
    )
    coefficient_bounds: tuple[float, float] | None = Field(
        default=None, description="[c_min, c_max]: every coefficient must lie inside"
    )

    @model_validator(mode="after")
    def _weights_and_bounds(self) -> MarketComparables:
        ws = [c.weight for c in self.comparables]
        if any(w is not None for w in ws):
            if any(w is None for w in ws):
                raise ValueError("comparables: give a weight for every comparable or for none")
            fixed = [w for w in ws if isinstance(w, float)]
            if len(fixed) == len(ws) and abs(sum(fixed) - 1.0) > 1e-9:
                raise ValueError(f"comparables weights must sum to 1 (they sum to {sum(fixed):g})")
        if self.coefficient_bounds is not None:
            lo, hi = self.coefficient_bounds
            if not 0 < lo <= 1 <= hi:
                raise ValueError("coefficient_bounds must satisfy 0 < c_min <= 1 <= c_max")
            for i, c in enumerate(self.comparables):
                for k, v in c.coefficients.items():
                    if isinstance(v, float) and not lo <= v <= hi:
                        raise ValueError(
                            f"comparables.{i}.coefficients.{k} = {v:g} lies outside "
                            f"coefficient_bounds [{lo:g}, {hi:g}]"
                        )
        return self


class Obsolescence(_Strict):
    """Physical, functional and economic obsolescence: rates (multiplicative) or amounts."""

    mode: ObsolescenceMode = "multiplicative"
    physical: NonNegative = 0.0
    functional: NonNegative = 0.0
    economic: NonNegative = 0.0

    @model_validator(mode="after")
    def _rates(self) -> Obsolescence:
        if self.mode == "multiplicative":
            for k in ("physical", "functional", "economic"):
                v = getattr(self, k)
                if isinstance(v, float) and v > 1:
                    raise ValueError(f"{k} must be <= 1 when mode is multiplicative")
        return self


class _Cost(_Approach):
    family: ClassVar[ApproachFamily] = "cost"
    obsolescence: Obsolescence = Field(default_factory=Obsolescence)


class Cost(_Cost):
    """Reproduction or replacement cost with profit, incentive and obsolescence (METHODS §4.1)."""

    method: Literal["cost"]
    basis: Literal["reproduction", "replacement"]
    direct_cost: NonNegative
    indirect_cost: NonNegative = 0.0
    developer_profit_rate: NonNegative = Field(
        default=0.0, description="developer's profit as a share of direct + indirect cost"
    )
    entrepreneurial_incentive: NonNegative = Field(
        default=0.0, description="opportunity cost / entrepreneurial incentive (amount)"
    )


class LabourInput(_Strict):
    role: str = Field(min_length=1, max_length=200)
    hours: NonNegative
    rate: NonNegative = Field(description="loaded cost per hour")


class Activity(_Strict):
    """One R&D activity: labour by role plus materials, equipment use and external costs."""

    name: str = Field(min_length=1, max_length=300)
    stage: Literal["research", "development", "testing", "commercialisation", "other"] = "other"
    date: dt.date
    labour: list[LabourInput] = Field(default_factory=list)
    materials: NonNegative = 0.0
    equipment: NonNegative = 0.0
    external: NonNegative = 0.0
    price_index: Positive = Field(default=1.0, description="cost index at the activity date")


class ActivityBasedRdCost(_Cost):
    """Activity-based R&D cost restated to the valuation date, plus opportunity cost (§4.2)."""

    method: Literal["activity_based_rd_cost"]
    activities: list[Activity] = Field(min_length=1)
    price_index_at_valuation: Positive = 1.0
    opportunity_cost_rate: Rate = 0.0
    completion_date: dt.date | None = Field(
        default=None, description="T_complete; default: the valuation date"
    )
    developer_profit_rate: NonNegative = 0.0


class CountryCost(_Strict):
    """Filing, prosecution, translation and maintenance costs spent in one country."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    fx_rate: Positive | None = Field(
        default=None, description="case currency per unit of local currency; default: refdata"
    )
    filing: NonNegative = 0.0
    prosecution: NonNegative = 0.0
    translation: NonNegative = 0.0
    maintenance: list[NonNegative] = Field(default_factory=list, description="annuities paid")


class FilingMaintenanceCost(_Cost):
    """Cost of obtaining and keeping the rights in several countries (METHODS §4)."""

    method: Literal["filing_maintenance_cost"]
    countries: list[CountryCost] = Field(min_length=1)
    price_index_factor: Positive = Field(
        default=1.0, description="restatement factor Index(valuation date)/Index(spend dates)"
    )


class _Option(_Approach):
    family: ClassVar[ApproachFamily] = "option"
    underlying_value: Positive = Field(description="S: PV of cash flows if launched now")
    exercise_cost: Positive = Field(description="K: PV of the launch investment")
    volatility: Positive = Field(description="σ of the value (annual)")
    term_years: Positive = Field(description="T: remaining protected life in years")
    risk_free_rate: Rate = Field(description="riskless rate for maturity T")


class RealOptionBlackScholes(_Option):
    """Black–Scholes with a continuous cost of delay ``y`` (default ``1/T``), METHODS §5.1."""

    method: Literal["real_option_black_scholes"]
    cost_of_delay: NonNegative | None = Field(default=None, description="y; default 1/T")


class RealOptionBinomial(_Option):
    """CRR lattice with early exercise, ``y_k = 1/ceil(T − kΔt)`` (METHODS §5.2)."""

    method: Literal["real_option_binomial"]
    steps: int = Field(default=200, ge=1, le=5000, strict=True)


Approach = Annotated[
    Dcf
    | ReliefFromRoyalty
    | ExcessEarnings
    | WithAndWithout
    | ProfitSplit
    | RegionalIncome
    | MarketComparables
    | Cost
    | ActivityBasedRdCost
    | FilingMaintenanceCost
    | RealOptionBlackScholes
    | RealOptionBinomial,
    Field(discriminator="method"),
]
"""Any approach, selected by its ``method`` key."""

METHODS: tuple[str, ...] = (
    "dcf", "relief_from_royalty", "excess_earnings", "with_and_without", "profit_split",
    "regional_income", "market_comparables", "cost", "activity_based_rd_cost",
    "filing_maintenance_cost", "real_option_black_scholes", "real_option_binomial",
)
