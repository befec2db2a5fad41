"""One evaluate function per method: map a resolved approach onto the kernels.

Every evaluator takes the approach model, its resolved settings (conventions), a parameter
mapping ``path -> float | array (n,)`` and ``n``; it returns an :class:`Outcome` of arrays of
shape ``(n,)``. The same function serves a deterministic run (``n = 1``), Monte Carlo paths and a
stacked portfolio, so their values agree exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ipvalue.valuation._engine_series import FloatArray, Params, Series, forecast, probability, vec

Invalid = Literal["raise", "nan"]


@dataclass(frozen=True)
class Outcome:
    """Result of one approach: values ``(n,)``, components ``(n,)`` and per-year rows ``(n, T)``.

    ``low``/``high`` are the approach's own range where it has one (comparables); ``tv_share``
    and ``spread`` feed the terminal-value warnings.
    """

    value: FloatArray
    valid: NDArray[np.bool_]
    detail: dict[str, FloatArray] = field(default_factory=dict)
    rows: dict[str, FloatArray] = field(default_factory=dict)
    low: FloatArray | None = None
    high: FloatArray | None = None
    tv_share: FloatArray | None = None
    spread: FloatArray | None = None


Evaluator = Callable[[Any, Mapping[str, Any], Params, int, Invalid, bool], Outcome]


def _tab(a: Any, s: Mapping[str, Any], p: Params, n: int, tax_path: str | None) -> Any:
    return _tab_from(s.get("tab_period"), s.get("tab_timing"), p, n, "tab.", tax_path)


def _tab_from(
    period: int | str | None, timing: Any, p: Params, n: int, at: str, tax_path: str | None
) -> Any:
    """The TAB whose settings are ``period``/``timing`` and whose numbers sit under ``at``
    (``"tab."`` or ``"markets.<j>.tab."``); the tax rate defaults to ``tax_path``."""
    from ipvalue.valuation.discounting import TaxAmortisation

    if not period:
        return None
    if f"{at}tax_rate" in p:
        t = vec(p, f"{at}tax_rate", n)
    elif tax_path is not None:
        t = vec(p, tax_path, n)
    else:
        from ipvalue.core.errors import InputError

        raise InputError(f"{at}tax_rate", "is required when the method has no tax_rate")
    if period == "declining_balance":  # written-down value (Tab.declining_rate)
        h = vec(p, f"{at}first_year_fraction", n) if f"{at}first_year_fraction" in p else 1.0
        return TaxAmortisation(
            tax_rate=t,
            amortisation_years=None,
            timing=timing,
            declining_rate=vec(p, f"{at}declining_rate", n),
            first_year_fraction=h,
        )
    return TaxAmortisation(tax_rate=t, amortisation_years=float(period), timing=timing)


def _income_kwargs(a: Any, s: Mapping[str, Any], p: Params, n: int) -> dict[str, Any]:
    kw: dict[str, Any] = {"timing": s["timing"]}
    if getattr(a, "terminal_growth", None) is not None:
        kw["terminal_growth"] = vec(p, "terminal_growth", n)
        kw["tv_discounting"] = s["terminal_discounting"]
    if s.get("life_years") is not None:
        kw["life"] = s["life_years"]
    return kw


def _from_income(res: Any, rows: dict[str, FloatArray], n: int) -> Outcome:
    detail = {
        k: np.broadcast_to(getattr(res, k), (n,))
        for k in (
            "value_pre_tab",
            "pv_explicit",
            "pv_terminal",
            "terminal_value",
            "tab",
            "tab_factor",
        )
    }
    if res.cash_flows is not None and res.discount_factors is not None:
        df = np.broadcast_to(res.discount_factors, res.cash_flows.shape)
        rows = {
            **rows,
            "cash_flow": res.cash_flows,
            "discount_factor": df,
            "present_value": res.cash_flows * df,
        }
    return Outcome(
        np.broadcast_to(res.value, (n,)),
        np.broadcast_to(res.valid, (n,)),
        detail,
        rows,
        tv_share=np.broadcast_to(res.tv_share, (n,)),
        spread=np.broadcast_to(res.rate_growth_spread, (n,)),
    )


def _series_prob(a: Any, fc: Series, p: Params, n: int) -> FloatArray | None:
    return probability(getattr(a, "probability", None), fc, p, n, "probability")


def eval_dcf(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """DCF on explicit cash flows (lifecycle forecasts: revenue × stage margin)."""
    from ipvalue.valuation.income import dcf

    fc = forecast(a.cash_flows, "cash_flows", p, n, s.get("life_years"))
    cf = _flows(fc)
    res = dcf(
        cf,
        vec(p, "discount_rate", n),
        tab=_tab(a, s, p, n, None),
        probability=_series_prob(a, fc, p, n),
        invalid=invalid,
        series=series,
        **_income_kwargs(a, s, p, n),
    )
    return _from_income(res, {"forecast": fc.values}, n)


def eval_rfr(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Relief from royalty (METHODS §2.2)."""
    from ipvalue.valuation.income import relief_from_royalty

    fc = forecast(a.revenue, "revenue", p, n, s.get("life_years"))
    res = relief_from_royalty(
        fc.values,
        vec(p, "royalty_rate", n),
        vec(p, "tax_rate", n),
        vec(p, "discount_rate", n),
        tab=_tab(a, s, p, n, "tax_rate"),
        probability=_series_prob(a, fc, p, n),
        invalid=invalid,
        series=series,
        **_income_kwargs(a, s, p, n),
    )
    return _from_income(res, {"revenue": fc.values}, n)


def _income(fc: Series, margin_path: str, p: Params, n: int) -> FloatArray:
    """Revenue × the approach's margin when given, else the lifecycle stage income."""
    if margin_path in p:
        return fc.values * vec(p, margin_path, n)[:, None]
    assert fc.income is not None  # the resolver requires a margin or a lifecycle forecast
    return fc.income


def _flows(fc: Series) -> FloatArray:
    return fc.values if fc.income is None else fc.income


def eval_excess_earnings(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """MPEEM: ``EE_t = EBITA_t(1 − T) − Σ CAC_t`` (METHODS §2.3)."""
    from ipvalue.valuation.income import ContributoryAsset, excess_earnings

    fc = forecast(a.revenue, "revenue", p, n, s.get("life_years"))
    ebita = _income(fc, "ebita_margin", p, n)
    cacs = []
    for j, c in enumerate(a.contributory_assets):
        pre = f"contributory_assets.{j}"
        dep = None
        if c.return_of is not None and not c.return_of_in_ebita:
            dep = vec(p, f"{pre}.return_of", n)[:, None] * fc.values
        cacs.append(
            ContributoryAsset(
                name=c.name,
                kind=c.kind,
                average_balance=vec(p, f"{pre}.balance_share", n)[:, None] * fc.values,
                required_return=vec(p, f"{pre}.return_on", n),
                depreciation=dep,
                depreciation_in_ebita=c.return_of_in_ebita,
            )
        )
    res = excess_earnings(
        ebita,
        vec(p, "tax_rate", n),
        vec(p, "discount_rate", n),
        cacs,
        tab=_tab(a, s, p, n, "tax_rate"),
        probability=_series_prob(a, fc, p, n),
        invalid=invalid,
        **_income_kwargs(a, s, p, n),
    )
    rows = {
        "revenue": fc.values,
        "ebita": ebita,
        "after_tax_earnings": np.broadcast_to(res.after_tax_earnings, ebita.shape),
    }
    for ch in res.charges:
        rows[f"cac.{ch.name}"] = np.broadcast_to(ch.return_on + ch.return_of, ebita.shape)
    rows["excess_earnings"] = np.broadcast_to(res.excess_earnings, ebita.shape)
    return _from_income(res, rows if series else {}, n)


def eval_with_and_without(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """With-and-without on pre-tax income: ``Σ (I_with − I_without)(1 − T)·DF_t`` (§2.4)."""
    from ipvalue.valuation.income import with_and_without

    w = forecast(a.income_with, "income_with", p, n, s.get("life_years"))
    wo = forecast(a.income_without, "income_without", p, n, s.get("life_years"))
    keep = (1.0 - vec(p, "tax_rate", n))[:, None]
    inc_w = _flows(w) * keep
    inc_wo = _flows(wo) * keep
    res = with_and_without(
        inc_w,
        inc_wo,
        vec(p, "discount_rate", n),
        tab=_tab(a, s, p, n, "tax_rate"),
        probability=_series_prob(a, w, p, n),
        invalid=invalid,
        **_income_kwargs(a, s, p, n),
    )
    rows = {"after_tax_with": inc_w, "after_tax_without": inc_wo} if series else {}
    return _from_income(res, rows, n)


def eval_profit_split(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Profit split ``Σ K·Profit_t(1 − T)·DF_t``; optional 25 % rule as a sanity check (§2.5)."""
    from ipvalue.valuation.income import profit_split, rule_of_25

    fc = forecast(a.revenue, "revenue", p, n, s.get("life_years"))
    profit = _income(fc, "operating_margin", p, n)
    common = dict(
        tab=_tab(a, s, p, n, "tax_rate"),
        probability=_series_prob(a, fc, p, n),
        **_income_kwargs(a, s, p, n),
    )
    tax, r = vec(p, "tax_rate", n), vec(p, "discount_rate", n)
    res = profit_split(
        profit, vec(p, "split_rate", n), tax, r, invalid=invalid, series=series, **common
    )
    out = _from_income(res, {"revenue": fc.values, "operating_profit": profit} if series else {}, n)
    if a.rule_of_25_check and series:
        check = profit_split(profit, 0.25, tax, r, invalid=invalid, series=False, **common)
        rate = rule_of_25(profit[:, 0], fc.values[:, 0]) if np.all(fc.values[:, 0] > 0) else None
        out.detail["rule_of_25_value"] = np.broadcast_to(check.value, (n,))
        if rate is not None:
            out.detail["rule_of_25_royalty_rate_year1"] = np.broadcast_to(rate.royalty_rate, (n,))
    return out


def eval_regional(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Regional income: each market in its own currency and rate, converted at spot (§2.7)."""
    from ipvalue.valuation.income import Market, regional_income

    life = s.get("life_years")
    shared = None if a.income is None else _flows(forecast(a.income, "income", p, n, life))
    markets = []
    for j, m in enumerate(a.markets):
        pre = f"markets.{j}"
        own = None if m.income is None else _flows(forecast(m.income, f"{pre}.income", p, n, life))
        horizon = (own if own is not None else shared).shape[-1]  # type: ignore[union-attr]
        avail = None
        if m.protected_years is not None:
            avail = (np.arange(1, horizon + 1) <= m.protected_years).astype(np.float64)
        markets.append(
            Market(
                name=m.market,
                currency=m.currency,
                fx_rate=vec(p, f"{pre}.fx_rate", n),
                discount_rate=vec(p, f"{pre}.discount_rate", n) + vec(p, f"{pre}.risk_premium", n),
                tax_rate=vec(p, f"{pre}.tax_rate", n),
                # the market's own tab, else the approach's (resolver: markets.<j>.tab_*)
                tab=_tab_from(
                    s.get(f"{pre}.tab_period"),
                    s.get(f"{pre}.tab_timing"),
                    p,
                    n,
                    s.get(f"{pre}.tab_at", "tab."),
                    f"{pre}.tax_rate",
                ),
                weight=None if m.share is None else vec(p, f"{pre}.share", n)[0],
                growth=m.share_growth,
                availability=avail,
                income=own,
                terminal_growth=None
                if m.terminal_growth is None
                else vec(p, f"{pre}.terminal_growth", n),
            )
        )
    tv = (
        s["terminal_discounting"] if any(m.terminal_growth is not None for m in a.markets) else None
    )
    res = regional_income(
        shared, markets, timing=s["timing"], tv_discounting=tv, life=life, invalid=invalid
    )
    detail = {f"market.{mv.name}.value": np.broadcast_to(mv.value, (n,)) for mv in res.markets}
    detail.update(
        {
            f"market.{mv.name}.local_value": np.broadcast_to(mv.local.value, (n,))
            for mv in res.markets
        }
    )
    for m, mv in zip(markets, res.markets, strict=True):
        if m.tab is not None:  # TAB build-up per market, local currency
            for k in ("value_pre_tab", "tab", "tab_factor"):
                detail[f"market.{mv.name}.local_{k}"] = np.broadcast_to(getattr(mv.local, k), (n,))
    rows: dict[str, FloatArray] = {}
    if series:
        for mv in res.markets:
            if mv.local.cash_flows is not None and mv.local.discount_factors is not None:
                df = np.broadcast_to(mv.local.discount_factors, mv.local.cash_flows.shape)
                rows[f"{mv.name}.cash_flow_local"] = mv.local.cash_flows
                rows[f"{mv.name}.present_value_local"] = mv.local.cash_flows * df
    return Outcome(np.broadcast_to(res.value, (n,)), np.broadcast_to(res.valid, (n,)), detail, rows)


def eval_market(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Comparable transactions: ``V = Σ w_i X_i · scale · Π_j c_ij`` (METHODS §3)."""
    from ipvalue.valuation.market import Comparable, comparable_transactions

    comps = []
    for i, c in enumerate(a.comparables):
        pre = f"comparables.{i}"

        def fixed(key: str, pre: str = pre) -> float | None:
            return float(np.asarray(p[f"{pre}.{key}"]).ravel()[0]) if f"{pre}.{key}" in p else None

        comps.append(
            Comparable(
                name=c.name,
                unit_price=vec(p, f"{pre}.unit_price", n),
                coefficients={k: vec(p, f"{pre}.coefficients.{k}", n) for k in c.coefficients},
                weight=fixed("weight"),
                similarity=fixed("similarity"),
                recency=fixed("recency"),
                quality=fixed("quality"),
            )
        )
    ratios = None
    if a.quality_adjustment == "ratio":  # DB1304 Q/Q_i scales each comparable's value
        from ipvalue.evidence import quality_ratios

        if a.subject_quality is None:
            from ipvalue.core.errors import InputError

            raise InputError("subject_quality", "is required with quality_adjustment: ratio")
        ratios = quality_ratios(a.subject_quality, [c.quality_score for c in a.comparables])
        comps = [
            dataclasses.replace(c, unit_price=c.unit_price * r)
            for c, r in zip(comps, ratios, strict=True)
        ]
    c_min, c_max = s["coefficient_bounds"]
    res = comparable_transactions(
        comps,
        subject_scale=vec(p, "subject_scale", n),
        c_min=c_min,
        c_max=c_max,
        min_count=a.min_comparables,
        max_weight=a.max_weight,
        invalid=invalid,
    )
    detail: dict[str, FloatArray] = {
        "spread": np.broadcast_to(res.spread, (n,)),
        "dispersion": np.broadcast_to(res.dispersion, (n,)),
    }
    for ac in res.comparables:
        detail[f"comparable.{ac.name}.coefficient_product"] = np.broadcast_to(
            ac.coefficient_product, (n,)
        )
        detail[f"comparable.{ac.name}.adjusted_value"] = np.broadcast_to(ac.adjusted_value, (n,))
        detail[f"comparable.{ac.name}.weight"] = np.full(n, ac.weight)
    if ratios is not None:
        detail["subject_quality"] = np.full(n, float(a.subject_quality))
        for c, r in zip(a.comparables, ratios, strict=True):
            detail[f"comparable.{c.name}.quality_score"] = np.full(n, float(c.quality_score))
            detail[f"comparable.{c.name}.quality_ratio"] = np.full(n, float(r))
    return Outcome(
        np.broadcast_to(res.value, (n,)),
        np.broadcast_to(res.valid, (n,)),
        detail,
        low=np.broadcast_to(res.low, (n,)),
        high=np.broadcast_to(res.high, (n,)),
    )


def _cost_outcome(
    a: Any,
    p: Params,
    n: int,
    invalid: Invalid,
    direct: Any,
    indirect: Any,
    profit: Any,
    incentive: Any,
    basis: Any,
    extra: dict[str, FloatArray],
) -> Outcome:
    from ipvalue.valuation.cost import cost_approach

    o = a.obsolescence
    res = cost_approach(
        direct,
        indirect,
        developer_profit=profit,
        entrepreneurial_incentive=incentive,
        basis=basis,
        obsolescence_mode=o.mode,
        physical=vec(p, "obsolescence.physical", n),
        functional=vec(p, "obsolescence.functional", n),
        economic=vec(p, "obsolescence.economic", n),
        invalid=invalid,
    )
    detail = {
        k: np.broadcast_to(getattr(res, k), (n,))
        for k in (
            "direct",
            "indirect",
            "developer_profit",
            "entrepreneurial_incentive",
            "cost_new",
            "physical",
            "functional",
            "economic",
            "obsolescence",
        )
    }
    detail.update(extra)
    return Outcome(np.broadcast_to(res.value, (n,)), np.broadcast_to(res.valid, (n,)), detail)


def eval_cost(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Reproduction / replacement cost (METHODS §4.1)."""
    direct, indirect = vec(p, "direct_cost", n), vec(p, "indirect_cost", n)
    profit = (direct + indirect) * vec(p, "developer_profit_rate", n)
    return _cost_outcome(
        a,
        p,
        n,
        invalid,
        direct,
        indirect,
        profit,
        vec(p, "entrepreneurial_incentive", n),
        a.basis,
        {},
    )


def eval_rd_cost(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Activity-based R&D cost restated, plus opportunity cost and developer's profit (§4.2)."""
    from ipvalue.valuation.cost import RDActivity, activity_based_rd_cost

    start = min(act.date for act in a.activities)
    acts = [
        RDActivity(
            name=act.name,
            stage=act.stage,
            time=(act.date - start).days / 365.25,
            price_index=act.price_index,
            hours={r: vec(p, f"activities.{i}.hours.{r}", n) for r in act.hours},
            materials=vec(p, f"activities.{i}.materials", n),
            equipment=vec(p, f"activities.{i}.equipment", n),
            external=vec(p, f"activities.{i}.external", n),
            needed_for_replacement=act.needed_for_replacement,
        )
        for i, act in enumerate(a.activities)
    ]
    completion = (s["completion_date"] - start).days / 365.25
    rd = activity_based_rd_cost(
        acts,
        role_rates={r: vec(p, f"role_rates.{r}", n) for r in a.role_rates},
        valuation_index=a.price_index_at_valuation,
        opportunity_rate=vec(p, "opportunity_cost_rate", n),
        completion_time=completion,
        basis=a.basis,
        invalid=invalid,
    )
    restated = np.broadcast_to(rd.restated_total, (n,))
    # OC enters the cost formula in the entrepreneurial-incentive slot: name it in the trace
    # too, with the times it compounds over, so a reader can redo (1 + r_oc)^(T − t_a) − 1.
    extra = {
        "nominal_total": np.broadcast_to(rd.nominal_total, (n,)),
        "opportunity_cost": np.broadcast_to(rd.opportunity_cost, (n,)),
        "completion_years_from_first_activity": np.full(n, completion),
    }
    extra.update(
        {
            f"activity.{i}.years_to_completion": np.full(n, completion - act.time)
            for i, act in enumerate(acts)
        }
    )
    extra.update({f"stage.{k}": np.broadcast_to(v, (n,)) for k, v in rd.by_stage.items()})
    out = _cost_outcome(
        a,
        p,
        n,
        invalid,
        restated,
        np.zeros(n),
        restated * vec(p, "developer_profit_rate", n),
        np.broadcast_to(rd.opportunity_cost, (n,)),
        a.basis,
        extra,
    )
    valid = out.valid & np.broadcast_to(rd.valid, (n,))
    return Outcome(np.where(valid, out.value, np.nan), valid, out.detail)


def eval_filing_cost(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Filing and maintenance cost across countries, restated and converted (METHODS §4)."""
    from ipvalue.valuation.cost import CountryFees, filing_maintenance_cost

    year = int(s["valuation_year"])
    countries = []
    for j, c in enumerate(a.countries):
        index = (
            dict(c.price_index) if c.price_index is not None else {y: 1.0 for y in [*c.fees, year]}
        )
        countries.append(
            CountryFees(
                country=c.country,
                currency=c.currency,
                fx_rate=vec(p, f"countries.{j}.fx_rate", n),
                fees={y: vec(p, f"countries.{j}.fees.{y}", n) for y in c.fees},
                price_index=index,
            )
        )
    res = filing_maintenance_cost(countries, valuation_year=year, invalid=invalid)
    total = np.broadcast_to(res.value, (n,))
    extra = {f"country.{cc.country}.value": np.broadcast_to(cc.value, (n,)) for cc in res.countries}
    out = _cost_outcome(
        a, p, n, invalid, total, np.zeros(n), np.zeros(n), np.zeros(n), "reproduction", extra
    )
    valid = out.valid & np.broadcast_to(res.valid, (n,))
    return Outcome(np.where(valid, out.value, np.nan), valid, out.detail)


def _option_outcome(res: Any, n: int) -> Outcome:
    detail = {
        k: np.broadcast_to(getattr(res, k), (n,)) for k in ("npv", "time_premium", "cost_of_delay")
    }
    return Outcome(np.broadcast_to(res.value, (n,)), np.broadcast_to(res.valid, (n,)), detail)


def _option_args(p: Params, n: int) -> tuple[FloatArray, ...]:
    return tuple(
        vec(p, k, n)
        for k in ("underlying_value", "exercise_cost", "volatility", "term_years", "risk_free_rate")
    )


def eval_black_scholes(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """Black–Scholes with a continuous cost of delay (METHODS §5.1)."""
    from ipvalue.valuation.options import black_scholes_delay

    y: Any = vec(p, "cost_of_delay", n) if "cost_of_delay" in p else "inverse_life"
    return _option_outcome(
        black_scholes_delay(*_option_args(p, n), cost_of_delay=y, invalid=invalid), n
    )


def eval_binomial(
    a: Any, s: Mapping[str, Any], p: Params, n: int, invalid: Invalid, series: bool
) -> Outcome:
    """CRR binomial lattice with early exercise (METHODS §5.2)."""
    from ipvalue.valuation.options import binomial_real_option

    y: Any = vec(p, "cost_of_delay", n) if "cost_of_delay" in p else a.delay_schedule
    return _option_outcome(
        binomial_real_option(
            *_option_args(p, n),
            steps=a.steps,
            exercise=a.exercise,
            cost_of_delay=y,
            invalid=invalid,
        ),
        n,
    )


EVALUATORS: dict[str, Evaluator] = {
    "dcf": eval_dcf,
    "relief_from_royalty": eval_rfr,
    "excess_earnings": eval_excess_earnings,
    "with_and_without": eval_with_and_without,
    "profit_split": eval_profit_split,
    "regional_income": eval_regional,
    "market_comparables": eval_market,
    "cost": eval_cost,
    "activity_based_rd_cost": eval_rd_cost,
    "filing_maintenance_cost": eval_filing_cost,
    "real_option_black_scholes": eval_black_scholes,
    "real_option_binomial": eval_binomial,
}
