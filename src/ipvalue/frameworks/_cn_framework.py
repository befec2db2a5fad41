"""The CN framework: the split-rate (分成率) income method as Chinese appraisers apply it.

Inputs: ``framework_inputs.CN`` (docs/frameworks/cn.md). Only open case fields are filled:

* ``timing`` = end (textbook and exam forms discount at year end [CN-exam]; S);
* ``tab`` = false (CN forms contain no TAB; METHODS §1.3);
* ``tax_rate`` = statutory CIT from reference data;
* ``discount_rate`` = r_f + technical + market + capital + management premia (r_f from the
  inputs or the reference 10-year government bond yield; the premia are required inputs);
* ``royalty_rate`` of a relief-from-royalty approach = the split rate on revenue, derived by
  the chosen method (given, equivalent investment, incremental profit or scoring) and, for a
  split on profit, converted with ``K_revenue = K_profit × margin``.

Why a relief-from-royalty approach carries the split: ``Σ Rev_t·K_rev·(1 − T)·DF_t`` equals
``Σ K_profit·(after-tax profit_t)·DF_t`` when the margin is the pre-tax operating margin, which
is the textbook form ``P = Σ K·R_t/(1 + r)^t`` on after-tax profit. An appraiser whose profit
base is already after tax sets the approach's ``tax_rate: 0``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ipvalue.core.errors import InputError
from ipvalue.frameworks._cn_split import (
    SplitRateResult,
    cn_discount_rate,
    equivalent_investment_split,
    incremental_profit_split,
    revenue_split_from_profit_split,
    scoring_split,
)
from ipvalue.frameworks._kcj import in_range
from ipvalue.frameworks._kcj_framework import (
    InputsFramework,
    Resolution,
    open_field,
    valuer_fx,
    year_end_timing,
)
from ipvalue.frameworks.base import ResolvedCase


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EquivalentIn(_Strict):
    """Inputs of the equivalent-investment (约当投资) split."""

    patent_cost: float
    patent_profit_ratio: float
    licensee_assets: float
    licensee_profit_ratio: float


class IncrementalIn(_Strict):
    """Inputs of the split from incremental profit (rate and timing explicit)."""

    incremental_profit: list[float] = Field(min_length=1)
    profit_share: list[float] = Field(min_length=1)
    rate: float
    timing: Literal["end", "mid"] = "end"


class ScoringIn(_Strict):
    """Inputs of the split by scoring (K range and weights with sources)."""

    k_min: float
    k_max: float
    range_source: str
    factor_scores: dict[str, float]
    factor_weights: dict[str, float]
    factor_weights_source: str


class CnSplitInputs(_Strict):
    """``framework_inputs.CN.split``: how the split rate K is obtained."""

    method: Literal["given", "equivalent_investment", "incremental_profit", "scoring"]
    basis: Literal["profit", "revenue"] = Field(
        description="base of K; equivalent_investment and incremental_profit give K on profit"
    )
    k: float | None = None
    k_source: str | None = None
    profit_margin: float | None = Field(
        default=None, description="pre-tax operating margin, required when basis is profit"
    )
    equivalent_investment: EquivalentIn | None = None
    incremental_profit: IncrementalIn | None = None
    scoring: ScoringIn | None = None


class CnRateInputs(_Strict):
    """``framework_inputs.CN.rate``: risk-free rate (optional) and the four premia."""

    risk_free: float | None = None
    risk_free_source: str | None = None
    premia: dict[str, float]


class CnInputs(_Strict):
    """``framework_inputs.CN`` (unknown keys refused)."""

    split: CnSplitInputs | None = None
    rate: CnRateInputs | None = None
    gbt42748: dict[str, Any] | None = Field(default=None, description="scoring only")
    fx_rate: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="home currency per unit of case currency, as this valuer converts",
    )


_IN = "framework_inputs.CN"
CN_FIELDS = {
    "cn.equivalent": f"{_IN}.split.equivalent_investment",
    "cn.incremental.profit": f"{_IN}.split.incremental_profit.incremental_profit",
    "cn.incremental.share": f"{_IN}.split.incremental_profit.profit_share",
    "cn.incremental.rate": f"{_IN}.split.incremental_profit.rate",
    "cn.incremental": f"{_IN}.split.incremental_profit",
    "cn.scoring.scores": f"{_IN}.split.scoring.factor_scores",
    "cn.scoring.weights": f"{_IN}.split.scoring.factor_weights",
    "cn.scoring.weights_source": f"{_IN}.split.scoring.factor_weights_source",
    "cn.scoring": f"{_IN}.split.scoring",
    "cn.split_rate_profit": f"{_IN}.split.k",
    "cn.profit_margin": f"{_IN}.split.profit_margin",
    "cn.rate": f"{_IN}.rate",
}


class ChinaFramework(InputsFramework):
    """China: 分成率 income method with the build-up rate (see module doc)."""

    code = "CN"
    name = "China — split-rate (分成率) income method; GB/T 42748-2023 scoring"
    follows = (
        "资产评估执业准则——无形资产, 专利资产评估指导意见 (2017); split-rate textbook "
        "forms (METHODS.md §6.2)"
    )
    country: str | None = "CN"
    currency: str | None = "CNY"

    inputs_model = CnInputs
    fields = CN_FIELDS

    def _resolve(self, case: Any, inp: CnInputs) -> ResolvedCase:
        res = Resolution("CN", case)
        k_revenue: float | None = None
        for i, a in enumerate(case.approaches):
            year_end_timing(res, i, a, "Chinese textbook forms discount at year end [CN-exam]", "S")
            if open_field(a, "tab"):
                res.add(
                    "tab",
                    False,
                    None,
                    "CN split-rate forms contain no TAB (METHODS §1.3)",
                    "V",
                    "tax_tab",
                    f"approaches.{i}.tab",
                    False,
                )
            if open_field(a, "tax_rate"):
                res.refdata(
                    "tax_rate",
                    "country_parameters/CN/cit_statutory_combined_pct",
                    "tax_tab",
                    f"approaches.{i}.tax_rate",
                    f"approaches.{i}.tax_rate",
                )
            if open_field(a, "discount_rate"):
                self._rate(res, inp, i)
            if open_field(a, "royalty_rate"):
                if inp.split is None:
                    raise InputError(
                        "framework_inputs.CN.split",
                        f"is required: approaches.{i}"
                        ".royalty_rate is open and CN derives it as the split rate",
                    )
                if k_revenue is None:
                    k_revenue = self._split(res, inp.split)
                res.add(
                    "royalty_rate",
                    k_revenue,
                    "fraction of revenue",
                    "split rate on revenue (分成率, see split parameters)",
                    "input",
                    "income",
                    f"approaches.{i}.royalty_rate",
                )
        valuer_fx(res, inp.fx_rate, "CNY")
        return res.result()

    def _rate(self, res: Resolution, inp: CnInputs, i: int) -> None:
        if inp.rate is None:
            raise InputError(
                "framework_inputs.CN.rate",
                f"is required: approaches.{i}."
                "discount_rate is open and CN builds it as r_f + risk premia",
            )
        r = inp.rate
        if r.risk_free is not None:
            rf = r.risk_free
            res.add(
                "risk_free_rate",
                rf,
                "fraction",
                r.risk_free_source or "case input",
                "input",
                "discount_rate",
            )
        else:
            rf = res.refdata(
                "risk_free_rate",
                "country_parameters/CN/gov_bond_10y_pct",
                "discount_rate",
                None,
                "framework_inputs.CN.rate.risk_free",
            )
        out = cn_discount_rate(risk_free=rf, premia=r.premia)
        for k, v in out.premia.items():
            res.add(f"{k}_risk_premium", v, "fraction", "case input", "input", "discount_rate")
        res.add(
            "discount_rate",
            out.rate,
            "fraction",
            "r = r_f + technical + market + capital + management premia [p719]",
            "input",
            "discount_rate",
            f"approaches.{i}.discount_rate",
        )

    def _split(self, res: Resolution, s: CnSplitInputs) -> float:
        where = "framework_inputs.CN.split"
        derived: SplitRateResult | None = None
        basis = s.basis
        if s.method == "given":
            if s.k is None or not s.k_source:
                raise InputError(f"{where}.k", "k and k_source are required for method 'given'")
            k, src = s.k, s.k_source
        elif s.method == "equivalent_investment":
            if s.equivalent_investment is None:
                raise InputError(f"{where}.equivalent_investment", "is required")
            e = s.equivalent_investment
            derived = equivalent_investment_split(
                patent_cost=e.patent_cost,
                patent_profit_ratio=e.patent_profit_ratio,
                licensee_assets=e.licensee_assets,
                licensee_profit_ratio=e.licensee_profit_ratio,
            )
            k, src, basis = derived.split_rate, "约当投资分成法 [gjf-594][gjf-222]", "profit"
        elif s.method == "incremental_profit":
            if s.incremental_profit is None:
                raise InputError(f"{where}.incremental_profit", "is required")
            ip = s.incremental_profit
            derived = incremental_profit_split(
                ip.incremental_profit, ip.profit_share, rate=ip.rate, timing=ip.timing
            )
            k, src, basis = derived.split_rate, "split from incremental profit [dfrtw]", "profit"
        else:
            if s.scoring is None:
                raise InputError(f"{where}.scoring", "is required")
            sc = s.scoring
            derived = scoring_split(
                k_min=sc.k_min,
                k_max=sc.k_max,
                range_source=sc.range_source,
                factor_scores=sc.factor_scores,
                factor_weights=sc.factor_weights,
                factor_weights_source=sc.factor_weights_source,
            )
            k, src = derived.split_rate, "split by scoring K_min + (K_max − K_min)·adjustment"
        if derived is not None:
            res.note_all(derived.warnings)
        evidence: Any = "U" if s.method == "scoring" else "input"
        res.add(f"split_rate_{basis}", k, "fraction", f"{src} ({s.method})", evidence, "income")
        if basis == "revenue":
            if s.profit_margin is not None:
                raise InputError(
                    f"{where}.profit_margin", "is only used when the split is on profit; omit it"
                )
            return in_range(f"{where}.k", k, 0.0, 1.0)
        if s.profit_margin is None:
            raise InputError(
                f"{where}.profit_margin",
                "is required to convert a split on profit "
                "to revenue (K_revenue = K_profit × margin)",
            )
        kr_ = revenue_split_from_profit_split(k, s.profit_margin)
        res.add("profit_margin", s.profit_margin, "fraction", "case input", "input", "income")
        res.add(
            "split_rate_revenue",
            kr_,
            "fraction",
            "K_revenue = K_profit × margin [gjf-594]",
            "V",
            "income",
        )
        return kr_


FRAMEWORK = ChinaFramework()
