"""Engine: every method by hand through ``ipvalue.value``, conventions, warnings, trace, MC."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ipvalue import load_case, value

HEADER: dict[str, Any] = {
    "id": "t",
    "title": "t",
    "purpose": "transaction",
    "valuation_date": "2025-06-30",
    "currency": "USD",
    "asset": {"type": "patent", "name": "p", "renewable": True},
}


def case(*approaches: dict[str, Any], **extra: Any) -> Any:
    return load_case({**HEADER, **extra, "approaches": list(approaches)})


def rfr(**kw: Any) -> dict[str, Any]:
    base = {
        "method": "relief_from_royalty",
        "revenue": [100.0, 200.0],
        "royalty_rate": 0.1,
        "tax_rate": 0.2,
        "discount_rate": 0.1,
        "tab": False,
        "timing": "end",
    }
    return {**base, **kw}


def test_rfr_end_year_by_hand() -> None:
    # 100 × 0.1 × 0.8 / 1.1 + 200 × 0.1 × 0.8 / 1.21 = 7.272727… + 13.223140… = 20.495867…
    v = value(case(rfr()))
    assert v.value == pytest.approx(8 / 1.1 + 16 / 1.21, rel=1e-14)
    rows = v.trace[0].rows
    assert [r["year"] for r in rows] == [1, 2]
    assert rows[1]["discount_factor"] == pytest.approx(1 / 1.21, rel=1e-15)
    assert rows[1]["present_value"] == pytest.approx(16 / 1.21, rel=1e-14)


def test_rfr_mid_year_and_terminal_value_by_hand() -> None:
    # mid-year: DF_t = 1.1^-(t-0.5); TV_2 = 16 × 1.02 / (0.1 − 0.02) = 204, discounted with the
    # final factor 1.1^-1.5 (final_factor) or 1.1^-2 (end_of_horizon).
    pv = 8 / 1.1**0.5 + 16 / 1.1**1.5
    tv = 16 * 1.02 / 0.08
    v1 = value(case(rfr(timing="mid", terminal_growth=0.02, terminal_discounting="final_factor")))
    v2 = value(case(rfr(timing="mid", terminal_growth=0.02, terminal_discounting="end_of_horizon")))
    assert v1.value == pytest.approx(pv + tv / 1.1**1.5, rel=1e-13)
    assert v2.value == pytest.approx(pv + tv / 1.1**2, rel=1e-13)
    assert any(w.code == "terminal_value_share" for w in v1.warnings)


def test_tab_period_separate_from_horizon() -> None:
    # TAB factor = 1 / (1 − (T/n)·PVAF(r, n)), n = 15 while the forecast has 2 years.
    k, n, t = 0.1, 15, 0.2
    pvaf = (1 - (1 + k) ** -n) / k
    factor = 1 / (1 - t / n * pvaf)
    v = value(case(rfr(tab={"period_years": 15})))
    assert v.value == pytest.approx((8 / 1.1 + 16 / 1.21) * factor, rel=1e-13)
    assert v.trace[0].detail["tab_factor"] == pytest.approx(factor, rel=1e-14)


def test_life_caps_income_period() -> None:
    # legal term 1.5 years: year 2 earns half its flow, received at t = 1.5 (end timing).
    c = case(rfr(), asset={"type": "patent", "name": "p", "remaining_legal_term_years": 1.5})
    v = value(c)
    assert v.value == pytest.approx(8 / 1.1 + 0.5 * 16 / 1.1**1.5, rel=1e-13)
    assert any(w.code == "life_cap" for w in v.warnings)


def test_perpetual_terminal_value_on_patent_warns() -> None:
    c = case(rfr(terminal_growth=0.0), asset={"type": "patent", "name": "p"})
    assert any(w.code == "perpetual_terminal_value" for w in value(c).warnings)


def test_dcf_npv_at_zero_rate_is_sum_of_flows() -> None:
    v = value(
        case(
            {
                "method": "dcf",
                "cash_flows": [10.0, 20.0, 30.5],
                "discount_rate": 0.0,
                "timing": "end",
                "tab": False,
            }
        )
    )
    assert v.value == 60.5


def test_growth_forecast_by_hand() -> None:
    # year1 100, g 10 %: 100, 110, 121 ; × 0.08 ; ÷ 1.1^t → 8/1.1 + 8.8/1.21 + 9.68/1.331
    v = value(case(rfr(revenue={"model": "growth", "year1": 100.0, "growth": 0.1, "years": 3})))
    assert v.value == pytest.approx(3 * 8 / 1.1, rel=1e-13)


def test_lifecycle_forecast_by_hand() -> None:
    # base 100; growth stage 2 y at +50 % margin 20 %, maturity 1 y at 0 % margin 10 % p = 0.5
    # income: 150 × 0.2 = 30, 225 × 0.2 = 45, 225 × 0.1 × 0.5 = 11.25 ; r = 0
    stages = [
        {"stage": "growth", "years": 2, "growth": 0.5, "margin": 0.2},
        {"stage": "maturity", "years": 1, "growth": 0.0, "margin": 0.1, "probability": 0.5},
    ]
    v = value(
        case(
            {
                "method": "dcf",
                "cash_flows": {"model": "lifecycle", "base": 100.0, "stages": stages},
                "discount_rate": 0.0,
                "timing": "end",
                "tab": False,
            }
        )
    )
    assert v.value == pytest.approx(30 + 45 + 11.25, rel=1e-14)


def test_excess_earnings_by_hand() -> None:
    # EBITA = 1000 × 0.3 = 300; after tax × 0.75 = 225; CAC: wc 0.1 × 1000 × 5 % = 5,
    # ppe 0.2 × 1000 × 10 % + 0.02 × 1000 = 40 → EE = 180 ; ÷ 1.2
    v = value(
        case(
            {
                "method": "excess_earnings",
                "revenue": [1000.0],
                "ebita_margin": 0.3,
                "tax_rate": 0.25,
                "discount_rate": 0.2,
                "timing": "end",
                "tab": False,
                "contributory_assets": [
                    {
                        "name": "wc",
                        "kind": "working_capital",
                        "balance_share": 0.1,
                        "return_on": 0.05,
                    },
                    {
                        "name": "ppe",
                        "kind": "fixed_asset",
                        "balance_share": 0.2,
                        "return_on": 0.1,
                        "return_of": 0.02,
                        "return_of_in_ebita": False,
                    },
                ],
            }
        )
    )
    assert v.value == pytest.approx(180 / 1.2, rel=1e-14)


def test_profit_split_and_rule_of_25_sanity_check() -> None:
    # profit 1000 × 0.2 = 200; K 0.3 → 60 × (1 − 0.25) = 45 ; ÷ 1.125 = 40
    v = value(
        case(
            {
                "method": "profit_split",
                "revenue": [1000.0],
                "operating_margin": 0.2,
                "split_rate": 0.3,
                "tax_rate": 0.25,
                "discount_rate": 0.125,
                "timing": "end",
                "tab": False,
                "rule_of_25_check": True,
            }
        )
    )
    assert v.value == pytest.approx(40.0, rel=1e-14)
    check = v.sanity_checks[0]
    assert check.detail["value"] == pytest.approx(200 * 0.25 * 0.75 / 1.125, rel=1e-14)
    assert "not a valuation method" in str(check.detail["label"])
    assert [a.weight for a in v.approaches] == [1.0]  # the check carries no weight


def test_regional_income_by_hand() -> None:
    # KR: 1000 KRW × (1 − 0.2) / 1.1 × 0.001 USD/KRW ; JP: 100 JPY × 0.7 / 1.05, protected
    # for year 1 only, × 0.01
    v = value(
        case(
            {
                "method": "regional_income",
                "timing": "end",
                "markets": [
                    {
                        "market": "KR",
                        "currency": "KRW",
                        "income": [1000.0, 1000.0],
                        "discount_rate": 0.08,
                        "risk_premium": 0.02,
                        "tax_rate": 0.2,
                        "fx_rate": 0.001,
                    },
                    {
                        "market": "JP",
                        "currency": "JPY",
                        "income": [100.0, 100.0],
                        "discount_rate": 0.05,
                        "tax_rate": 0.3,
                        "fx_rate": 0.01,
                        "protected_years": 1,
                    },
                ],
            }
        )
    )
    kr = (800 / 1.1 + 800 / 1.21) * 0.001
    jp = 70 / 1.05 * 0.01
    assert v.value == pytest.approx(kr + jp, rel=1e-13)


def test_options_black_scholes_by_hand() -> None:
    from scipy.stats import norm

    s, k, sig, t, r = 100.0, 90.0, 0.3, 4.0, 0.03
    y = 1 / t
    d1 = (math.log(s / k) + (r - y + sig**2 / 2) * t) / (sig * math.sqrt(t))
    d2 = d1 - sig * math.sqrt(t)
    c = s * math.exp(-y * t) * norm.cdf(d1) - k * math.exp(-r * t) * norm.cdf(d2)
    v = value(
        case(
            {
                "method": "real_option_black_scholes",
                "underlying_value": s,
                "exercise_cost": k,
                "volatility": sig,
                "term_years": t,
                "risk_free_rate": r,
            }
        )
    )
    assert v.value == pytest.approx(c, rel=1e-12)
    assert v.approaches[0].approach == "option"


def test_binomial_american_at_least_european() -> None:
    common = {
        "method": "real_option_binomial",
        "underlying_value": 100.0,
        "exercise_cost": 90.0,
        "volatility": 0.3,
        "term_years": 4.0,
        "risk_free_rate": 0.03,
        "steps": 200,
        "delay_schedule": "inverse_life",
    }
    am = value(case({**common, "exercise": "american"})).value
    eu = value(case({**common, "exercise": "european"})).value
    assert am >= eu > 0


def test_filing_cost_by_hand() -> None:
    # KR fees 100 (2023) restated 110/100 + 50 (2024) × 1 → 160 KRW × 0.5
    v = value(
        case(
            {
                "method": "filing_maintenance_cost",
                "countries": [
                    {
                        "country": "KR",
                        "currency": "KRW",
                        "fx_rate": 0.5,
                        "fees": {2023: 100.0, 2024: 50.0},
                        "price_index": {2023: 100.0, 2024: 110.0, 2025: 110.0},
                    }
                ],
            }
        )
    )
    assert v.value == pytest.approx((100 * 1.1 + 50) * 0.5, rel=1e-14)


def test_activity_cost_by_hand() -> None:
    # 10 h × 50 + 100 materials = 600 at index 100 → restated × 120/100 = 720; no opportunity
    # cost (rate 0); developer's profit 10 % → 792; functional obsolescence 25 % → 594
    v = value(
        case(
            {
                "method": "activity_based_rd_cost",
                "role_rates": {"eng": 50.0},
                "price_index_at_valuation": 120.0,
                "developer_profit_rate": 0.1,
                "obsolescence": {"functional": 0.25},
                "activities": [
                    {
                        "name": "a",
                        "date": "2024-01-01",
                        "hours": {"eng": 10.0},
                        "materials": 100.0,
                        "price_index": 100.0,
                    }
                ],
            }
        )
    )
    assert v.value == pytest.approx(594.0, rel=1e-14)


def test_default_weights_by_purpose_and_divergence_warning() -> None:
    cost = {"method": "cost", "basis": "replacement", "direct_cost": 10.0}
    v = value(case(rfr(), cost))  # transaction: income 0.5, cost 0.1 → 5/6, 1/6
    w = {a.method: a.weight for a in v.approaches}
    assert w["relief_from_royalty"] == pytest.approx(5 / 6)
    assert w["cost"] == pytest.approx(1 / 6)
    msgs = [x.message for x in v.warnings if x.code == "approaches_diverge"]
    assert msgs and "relief_from_royalty" in msgs[0] and "cost" in msgs[0] and "%" in msgs[0]


def test_reference_resolution_records_source() -> None:
    v = value(case(rfr(tax_rate={"ref": "country_parameters/SG/cit_statutory_combined_pct"})))
    a = next(x for x in v.assumptions if x.name == "approaches.0.tax_rate")
    assert a.value == 0.17 and "country_parameters/SG" in a.source and a.source_date


def test_monte_carlo_seeded_and_converges_to_deterministic() -> None:
    # A very narrow royalty distribution: the MC mean is the deterministic value.
    c = case(rfr(royalty_rate={"dist": "normal", "mean": 0.1, "sd": 1e-7}))
    det = value(c)
    mc = value(c, paths=2000, seed=11)
    assert det.distribution is None
    assert mc.distribution is not None and mc.distribution.seed == 11
    assert mc.distribution.mean == pytest.approx(det.value, rel=1e-5)
    again = value(c, paths=2000, seed=11)
    assert again.distribution == mc.distribution


def test_monte_carlo_rejects_g_above_r_draws() -> None:
    c = case(
        rfr(
            terminal_growth={"dist": "uniform", "low": 0.0, "high": 0.16},
            discount_rate=0.1,
            timing="mid",
        )
    )
    mc = value(c, paths=1000, seed=3)
    assert mc.distribution is not None
    assert 0 < mc.distribution.rejected < 1000
    assert mc.distribution.n + mc.distribution.rejected == 1000


def test_tornado_on_deterministic_runs() -> None:
    c = case(
        rfr(
            royalty_rate={"dist": "uniform", "low": 0.05, "high": 0.15},
            discount_rate={"dist": "uniform", "low": 0.08, "high": 0.12},
        )
    )
    bars = value(c).sensitivity
    names = [b.name for b in bars]
    assert set(names) == {"approaches.0.royalty_rate", "approaches.0.discount_rate"}
    roy = next(b for b in bars if b.name.endswith("royalty_rate"))
    assert roy.low_input == pytest.approx(0.06) and roy.high_input == pytest.approx(0.14)
    assert roy.low_value < roy.high_value


def test_to_frame_and_json_keys() -> None:
    v = value(case(rfr(), {"method": "cost", "basis": "replacement", "direct_cost": 10.0}))
    df = v.to_frame()
    assert list(df["id"])[-1] == "concluded" and df["value"].iloc[-1] == v.value
    trace = v.to_frame("trace")  # 2 per-year rows of the RFR + 2 reconciliation rows
    assert list(trace["step"]) == ["approach", "approach", "reconciliation", "reconciliation"]
    data = v.to_json_dict()
    assert {
        "value",
        "currency",
        "range",
        "approaches",
        "assumptions",
        "warnings",
        "trace",
        "software_version",
        "refdata_version",
    } <= data.keys()
    assert "distribution" not in data
    assert all(set(a) >= {"approach", "method", "value", "weight"} for a in data["approaches"])
    assert np.isfinite(data["value"])


def test_dcf_tab_tax_rate_from_jurisdiction() -> None:
    # SG statutory 17 % (refdata); TAB factor 1 / (1 − 0.17/5 · PVAF(10 %, 5))
    pvaf = (1 - 1.1**-5) / 0.1
    c = case(
        {
            "method": "dcf",
            "cash_flows": [100.0, 100.0],
            "discount_rate": 0.1,
            "tab": {"period_years": 5},
            "timing": "end",
        },
        jurisdiction="SG",
    )
    v = value(c)
    assert v.value == pytest.approx((100 / 1.1 + 100 / 1.21) / (1 - 0.17 / 5 * pvaf), rel=1e-13)
    assert any(
        a.name == "approaches.0.tab.tax_rate" and "country_parameters/SG" in a.source
        for a in v.assumptions
    )
