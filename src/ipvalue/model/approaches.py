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

    period_years: int | None = Field(
        default=None, ge=1, le=100, strict=True, description="straight-line tax period"
    )
    declining_rate: Fraction | None = Field(
        default=None,
        description="written-down-value rate instead of a period (India s.32: 0.25)",
    )
    first_year_fraction: Fraction | None = Field(
        default=None, description="share of the declining rate allowed in year 1 (default 1)"
    )
    tax_rate: TaxRate | None = Field(
        default=None, description="rate where the deduction is taken; default: the approach's"
    )
    timing: Timing | None = Field(default=None, description="default: the cash-flow timing")

    @model_validator(mode="after")
    def _one_schedule(self) -> Tab:
        if (self.period_years is None) == (self.declining_rate is None):
            raise ValueError("give exactly one of period_years and declining_rate")
        if self.first_year_fraction is not None and self.declining_rate is None:
            raise ValueError("first_year_fraction needs declining_rate")
        return self


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


CacKind = Literal["working_capital", "land", "workforce", "fixed_asset", "intangible"]
_RETURN_ON_ONLY = {"working_capital", "land", "workforce"}


class ContributoryAsset(_Strict):
    """A contributory asset charge ``CAC_t = r_j·B_t + D_t`` with ``B_t = balance_share·Rev_t``
    and ``D_t = return_of·Rev_t`` (METHODS §2.3).

    Working capital, land and workforce earn a return on only; fixed assets and intangibles
    also a return of, unless their depreciation is already deducted in EBITA.
    """

    name: str = Field(min_length=1, max_length=200)
    kind: CacKind
    balance_share: NonNegative = Field(description="average balance as a share of revenue")
    return_on: Rate = Field(description="required return on the asset (after tax)")
    return_of: NonNegative | None = Field(
        default=None, description="economic depreciation as a share of revenue (return of)"
    )
    return_of_in_ebita: bool | None = Field(
        default=None, description="fixed assets / intangibles: is depreciation already in EBITA?"
    )

    @model_validator(mode="after")
    def _return_of_rules(self) -> ContributoryAsset:
        if self.kind in _RETURN_ON_ONLY:
            if self.return_of is not None or self.return_of_in_ebita is not None:
                raise ValueError(
                    f"return_of must not be given for {self.kind}: it earns a return on only"
                )
            return self
        if self.return_of_in_ebita is None:
            raise ValueError(
                f"return_of_in_ebita is required for {self.kind} (is depreciation already "
                "deducted in EBITA?)"
            )
        if not self.return_of_in_ebita and self.return_of is None:
            raise ValueError("return_of is required when depreciation is not deducted in EBITA")
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
    """One market of a regional income valuation (METHODS §2.7).

    Either the market brings its own ``income`` forecast in its own currency, or it takes a
    ``share`` of the approach's shared ``income`` (optionally growing at ``share_growth``,
    renormalised each year).
    """

    market: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    income: Forecast | None = Field(
        default=None, description="pre-tax income attributable to the asset, local currency"
    )
    share: Fraction | None = Field(default=None, description="w_m: share of the shared income")
    share_growth: float | None = Field(
        default=None, gt=-1, allow_inf_nan=False, description="growth of the share per year"
    )
    discount_rate: Rate = Field(description="local-currency discount rate before risk adjustment")
    risk_premium: Rate = Field(default=0.0, description="country risk premium added to the rate")
    tax_rate: TaxRate | None = Field(default=None, description="default: refdata CIT of market")
    terminal_growth: Growth | None = None
    protected_years: float | None = Field(
        default=None,
        gt=0,
        le=200,
        allow_inf_nan=False,
        description="A_(m,t) = 1 while t <= protected_years, else 0 (no enforceable right)",
    )
    fx_rate: Positive | None = Field(
        default=None, description="case currency per unit of local currency; default: refdata"
    )
    tab: Tab | Literal[False] | None = Field(
        default=None,
        description="this market's own TAB (deduction taken in this market); false = none; "
        "omit = the approach's tab",
    )


class RegionalIncome(_Approach):
    """Regionally weighted income: PV per market in local currency, converted at spot (§2.7)."""

    method: Literal["regional_income"]
    income: Forecast | None = Field(
        default=None, description="shared pre-tax income, split between markets by share"
    )
    markets: list[Market] = Field(min_length=1)
    timing: Timing | None = None
    terminal_discounting: TerminalDiscounting | None = None
    tab: Tab | Literal[False] | None = Field(
        default=None,
        description="TAB on every market's value at the market's own discount rate; tax_rate "
        "omitted = each market's tax rate; false = none; omit = framework default",
    )

    @model_validator(mode="after")
    def _markets(self) -> RegionalIncome:
        names = [m.market for m in self.markets]
        if len(set(names)) != len(names):
            raise ValueError("markets: each market may appear only once")
        own = [m.income is not None for m in self.markets]
        if self.income is None and not all(own):
            raise ValueError("every market needs its own income, or give a shared income")
        if self.income is not None:
            if any(own):
                raise ValueError("markets must not have their own income when income is shared")
            if any(m.share is None for m in self.markets):
                raise ValueError("every market needs a share of the shared income")
        return self


CoefficientName = Literal[
    "technology_stage",
    "generation_gap",
    "industry_relevance",
    "substitutability",
    "market_position",
    "digital_degree",
    "transaction_date",
    "rights_conveyed",
    "quality",
]


class Comparable(_Strict):
    """A comparable transaction: ``V_i = X_i · scale · Π_j c_ij`` (METHODS §3)."""

    name: str = Field(min_length=1, max_length=300)
    unit_price: NonNegative = Field(description="X_i: price, royalty rate or price/revenue")
    coefficients: dict[CoefficientName, Positive] = Field(default_factory=dict)
    weight: Fraction | None = Field(
        default=None, description="given weight; else similarity × recency × quality"
    )
    similarity: Fraction | None = None
    recency: Fraction | None = None
    quality: Fraction | None = None
    date: dt.date | None = None
    source: str | None = Field(default=None, max_length=2000)
    patent_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the comparable patent: a patent_id row of patent_evidence.indicators_file",
    )
    quality_score: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Q_i, the comparable's quality score (quality_adjustment: ratio); omit to "
        "read it from patent_evidence.indicators_file by patent_id",
    )


class MarketComparables(_Approach):
    """Comparable transactions adjusted by multiplicative correction coefficients (§3)."""

    method: Literal["market_comparables"]
    family: ClassVar[ApproachFamily] = "market"
    comparables: list[Comparable] = Field(min_length=1)
    subject_scale: Positive = Field(
        default=1.0, description="subject's scale (e.g. revenue when X is price/revenue)"
    )
    coefficient_bounds: tuple[float, float] | None = Field(
        default=None,
        description="[c_min, c_max]: every coefficient must lie inside; default [0.5, 2]",
    )
    min_comparables: int = Field(default=1, ge=1, le=1000, strict=True)
    max_weight: float | None = Field(
        default=None, gt=0, le=1, allow_inf_nan=False, description="cap on one weight"
    )
    quality_adjustment: Literal["none", "ratio"] = Field(
        default="none",
        description="ratio: each comparable's value × Q/Q_i (DB1304/T 432-2023, METHODS §3.2)",
    )
    subject_quality: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Q of the subject; omit to read it from patent_evidence.indicators_file",
    )

    @model_validator(mode="after")
    def _quality_fields(self) -> MarketComparables:
        # Q values outside the ratio form would be silently ignored: refuse them instead.
        if self.quality_adjustment == "none":
            if self.subject_quality is not None:
                raise ValueError("subject_quality is used only with quality_adjustment: ratio")
            for i, c in enumerate(self.comparables):
                if c.quality_score is not None:
                    rule = "is used only with quality_adjustment: ratio"
                    raise ValueError(f"comparables.{i}.quality_score {rule}")
        return self

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


class Activity(_Strict):
    """One R&D activity: hours per role plus materials, equipment use and external costs."""

    name: str = Field(min_length=1, max_length=300)
    stage: str = Field(default="development", min_length=1, max_length=100)
    date: dt.date = Field(description="when the cost was incurred (≤ valuation date)")
    hours: dict[str, NonNegative] = Field(default_factory=dict, description="hours per role")
    materials: NonNegative = 0.0
    equipment: NonNegative = 0.0
    external: NonNegative = 0.0
    price_index: float = Field(
        default=1.0, gt=0, allow_inf_nan=False, description="cost index at the activity date"
    )
    needed_for_replacement: bool = Field(
        default=True, description="false: dropped on the replacement basis"
    )


class ActivityBasedRdCost(_Cost):
    """Activity-based R&D cost restated to the valuation date plus opportunity cost (§4.2).

    ``RC = Σ_a Cost_a · I_valuation / I_a``; ``OC = Σ_a Cost_a [(1 + r_oc)^(T − t_a) − 1]``;
    value = ``(RC · (1 + developer_profit_rate) + OC)`` less obsolescence.
    """

    method: Literal["activity_based_rd_cost"]
    basis: Literal["reproduction", "replacement"] = "reproduction"
    role_rates: dict[str, NonNegative] = Field(description="loaded cost per hour by role")
    activities: list[Activity] = Field(min_length=1)
    price_index_at_valuation: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    opportunity_cost_rate: Rate = 0.0
    completion_date: dt.date | None = Field(
        default=None, description="T_complete; default: the valuation date"
    )
    developer_profit_rate: NonNegative = 0.0

    @model_validator(mode="after")
    def _roles(self) -> ActivityBasedRdCost:
        for i, act in enumerate(self.activities):
            for role in act.hours:
                if role not in self.role_rates:
                    raise ValueError(f"activities.{i}.hours.{role}: no rate in role_rates")
        return self


class CountryCost(_Strict):
    """Official and attorney fees paid for the right in one country, by calendar year."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    fx_rate: Positive | None = Field(
        default=None, description="case currency per unit of local currency; default: refdata"
    )
    fees: dict[int, NonNegative] = Field(min_length=1, description="fees paid per year")
    price_index: dict[int, float] | None = Field(
        default=None,
        description="index level per fee year and the valuation year; omit for no restatement",
    )


class FilingMaintenanceCost(_Cost):
    """Filing, prosecution and maintenance cost across countries, restated and converted
    (METHODS §4): ``Σ_c FX_c Σ_y fee_(c,y) · I_c(valuation year) / I_c(y)``."""

    method: Literal["filing_maintenance_cost"]
    countries: list[CountryCost] = Field(min_length=1)


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
    cost_of_delay: NonNegative | None = Field(
        default=None, description="continuous yield y; omit for y = 1/T (inverse life)"
    )


class RealOptionBinomial(_Option):
    """CRR lattice with early exercise, ``y_k = 1/ceil(T − kΔt)`` (METHODS §5.2)."""

    method: Literal["real_option_binomial"]
    steps: int = Field(default=200, ge=1, le=5000, strict=True)
    exercise: Literal["american", "european"] = "american"
    delay_schedule: Literal["year_stepped", "inverse_life"] = Field(
        default="year_stepped", description="y_k = 1/ceil(T − kΔt), or constant 1/T"
    )
    cost_of_delay: NonNegative | None = Field(
        default=None, description="constant yield instead of the schedule"
    )


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
    "dcf",
    "relief_from_royalty",
    "excess_earnings",
    "with_and_without",
    "profit_split",
    "regional_income",
    "market_comparables",
    "cost",
    "activity_based_rd_cost",
    "filing_maintenance_cost",
    "real_option_black_scholes",
    "real_option_binomial",
)
