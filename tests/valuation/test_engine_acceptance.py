"""Cases written from docs/case-file.md alone (issue 2 acceptance), each checked by hand.

Small round inputs so that the arithmetic in each test can be followed with a calculator.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from ipvalue import value

HEADER: dict[str, Any] = {
    "id": "acceptance",
    "title": "hand check",
    "purpose": "transaction",
    "valuation_date": "2025-06-30",
    "currency": "USD",
}


def _case(asset: dict[str, Any], *approaches: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {**HEADER, **top, "asset": asset, "approaches": list(approaches)}


def _assumption(v: Any, name: str) -> Any:
    return next(a for a in v.assumptions if a.name == name)


def test_rfr_mid_year_with_tab() -> None:
    v = value(
        _case(
            {"type": "patent", "name": "coil", "economic_life_years": 5},
            {
                "method": "relief_from_royalty",
                "revenue": [1000.0] * 5,
                "royalty_rate": 0.05,
                "tax_rate": 0.25,
                "discount_rate": 0.10,
                "timing": "mid",
                "tab": {"period_years": 15},
            },
        )
    )
    # after-tax royalty 1000·0.05·0.75 = 37.5 a year; mid-year DF_t = 1.1^−(t−0.5)
    # PVAF_end(10 %, 5) = 3.790787; ×1.1^0.5 = 3.975813 → V_pre = 37.5·3.975813 = 149.0930
    v_pre = 37.5 * (1 - 1.1**-5) / 0.1 * 1.1**0.5
    assert v_pre == pytest.approx(149.0929, abs=1e-4)
    # TAB over the 15-year tax life (not the 5-year forecast), mid-year like the approach:
    # PVAF_mid(10 %, 15) = 7.606080·1.048809 = 7.977326; factor = 1/(1 − 0.25/15·7.977326)
    pvaf = (1 - 1.1**-15) / 0.1 * 1.1**0.5
    factor = 1 / (1 - 0.25 / 15 * pvaf)
    assert factor == pytest.approx(1.153343, abs=1e-6)
    assert v.value == pytest.approx(v_pre * factor, rel=1e-12)  # 171.9553
    # the defaulted TAB tax rate and timing are recorded, with units
    assert _assumption(v, "approaches.0.tab.tax_rate").value == "= approaches.0.tax_rate"
    assert _assumption(v, "approaches.0.tab.timing").value == "mid"
    assert _assumption(v, "approaches.0.discount_rate").unit == "fraction"


def test_mpeem_with_contributory_asset_charges() -> None:
    v = value(
        _case(
            {"type": "trade_secret", "name": "formula", "economic_life_years": 3},
            {
                "method": "excess_earnings",
                "revenue": [1000.0, 1000.0],
                "ebita_margin": 0.30,
                "tax_rate": 0.25,
                "discount_rate": 0.20,
                "contributory_assets": [
                    {
                        "name": "wc",
                        "kind": "working_capital",
                        "balance_share": 0.10,
                        "return_on": 0.05,
                    },
                    {
                        "name": "plant",
                        "kind": "fixed_asset",
                        "balance_share": 0.20,
                        "return_on": 0.08,
                        "return_of": 0.02,
                        "return_of_in_ebita": False,
                    },
                ],
            },
        )
    )
    # EBITA·(1 − T) = 300·0.75 = 225; CAC wc = 0.05·100 = 5; plant = 0.08·200 + 0.02·1000 = 36
    # EE = 225 − 41 = 184 a year; V = 184/1.2 + 184/1.44 = 153.333 + 127.778 = 281.111
    assert v.value == pytest.approx(184 / 1.2 + 184 / 1.44, rel=1e-12)
    rows = v.trace[0].rows
    assert rows[0]["cac.plant"] == pytest.approx(36.0)
    assert rows[0]["excess_earnings"] == pytest.approx(184.0)


def test_lifecycle_stages_dcf() -> None:
    v = value(
        _case(
            {"type": "patent", "name": "separator", "economic_life_years": 6},
            {
                "method": "dcf",
                "discount_rate": 0.12,
                "cash_flows": {
                    "model": "lifecycle",
                    "base": 1000.0,
                    "stages": [
                        {
                            "stage": "introduction",
                            "years": 1,
                            "growth": 0.5,
                            "margin": 0.1,
                            "probability": 0.5,
                        },
                        {"stage": "growth", "years": 2, "growth": 0.2, "margin": 0.2},
                        {"stage": "decline", "years": 1, "growth": -0.1, "margin": 0.1},
                    ],
                },
            },
        )
    )
    # Rev 1500, 1800, 2160, 1944; income 150·0.5 = 75, 360, 432, 194.4
    # PV = 75/1.12 + 360/1.12² + 432/1.12³ + 194.4/1.12⁴ = 66.964 + 286.990 + 307.490 + 123.544
    expected = 75 / 1.12 + 360 / 1.12**2 + 432 / 1.12**3 + 194.4 / 1.12**4
    assert expected == pytest.approx(784.99, abs=0.01)
    assert v.value == pytest.approx(expected, rel=1e-12)


def test_regional_income_two_currencies() -> None:
    v = value(
        _case(
            {"type": "patent", "name": "anode", "economic_life_years": 5},
            {
                "method": "regional_income",
                "markets": [
                    {
                        "market": "KR",
                        "currency": "KRW",
                        "income": [1000.0, 1000.0],
                        "discount_rate": 0.10,
                        "tax_rate": 0.20,
                    },
                    {
                        "market": "US",
                        "currency": "USD",
                        "income": [1.0, 1.0],
                        "discount_rate": 0.08,
                        "risk_premium": 0.02,
                        "tax_rate": 0.21,
                        "fx_rate": 1400.0,
                        "protected_years": 1,
                    },
                ],
            },
            currency="KRW",
        )
    )
    # KR: 800/1.1 + 800/1.21 = 727.273 + 661.157 = 1388.430 KRW
    # US at 8 % + 2 % = 10 %, protected 1 year only: 0.79/1.1 = 0.718182 USD × 1400 = 1005.455
    kr = 800 / 1.1 + 800 / 1.21
    us = 0.79 / 1.1 * 1400
    assert v.value == pytest.approx(kr + us, rel=1e-12)  # 2393.88 KRW
    assert _assumption(v, "approaches.0.markets.1.fx_rate").unit == "KRW per USD"


def test_activity_based_rd_cost() -> None:
    v = value(
        _case(
            {"type": "patent", "name": "valve"},
            {
                "method": "activity_based_rd_cost",
                "basis": "reproduction",
                "role_rates": {"engineer": 100.0},
                "price_index_at_valuation": 110.0,
                "opportunity_cost_rate": 0.05,
                "developer_profit_rate": 0.10,
                "completion_date": "2024-06-30",
                "activities": [
                    {
                        "name": "design",
                        "stage": "research",
                        "date": "2023-06-30",
                        "hours": {"engineer": 10},
                        "materials": 500.0,
                        "price_index": 100.0,
                    }
                ],
            },
        )
    )
    # Cost = 10 h·100 + 500 = 1500; RC = 1500·110/100 = 1650; profit 10 % = 165
    # OC = 1500·(1.05^(366/365.25) − 1): one year (leap 2024) from activity to completion
    t = 366 / 365.25
    expected = 1650 + 165 + 1500 * (1.05**t - 1)
    assert expected == pytest.approx(1890.16, abs=0.01)  # OC = 1500·0.0501032 = 75.158
    assert v.value == pytest.approx(expected, rel=1e-9)
    assert _assumption(v, "approaches.0.role_rates.engineer").unit == "USD per hour"
    detail = v.trace[0].detail
    assert detail["opportunity_cost"] == pytest.approx(1500 * (1.05**t - 1), rel=1e-12)
    assert detail["activity.0.years_to_completion"] == pytest.approx(t, rel=1e-15)


def test_filing_and_maintenance_cost_two_countries() -> None:
    v = value(
        _case(
            {"type": "patent", "name": "valve"},
            {
                "method": "filing_maintenance_cost",
                "countries": [
                    {
                        "country": "KR",
                        "currency": "KRW",
                        "fees": {2023: 1000.0, 2025: 500.0},
                        "price_index": {2023: 100.0, 2025: 110.0},
                    },
                    {"country": "US", "currency": "USD", "fees": {2024: 2.0}, "fx_rate": 1300.0},
                ],
            },
            currency="KRW",
        )
    )
    # KR: 1000·110/100 + 500 = 1600 KRW; US: 2 USD × 1300 = 2600 KRW → 4200
    assert v.value == pytest.approx(4200.0, rel=1e-12)
    assert _assumption(v, "approaches.0.countries.1.fees.2024").unit == "USD"
    # obsolescence was not written: recorded as the model's default, not as "case file"
    omitted = _assumption(v, "approaches.0.obsolescence.functional")
    assert omitted.value == 0.0 and omitted.source.startswith("case model default")
    assert _assumption(v, "approaches.0.countries.1.fx_rate").source == "case file"


def test_black_scholes_and_one_step_binomial() -> None:
    common = {
        "underlying_value": 100.0,
        "exercise_cost": 100.0,
        "volatility": 0.30,
        "term_years": 1,
        "risk_free_rate": 0.05,
        "cost_of_delay": 0.0,
    }
    asset = {"type": "patent", "name": "compound", "remaining_legal_term_years": 10}
    bs = value(_case(asset, {"method": "real_option_black_scholes", **common}))
    # d1 = (0 + (0.05 + 0.045)·1)/0.3 = 0.316667, d2 = 0.016667
    # C = 100·N(0.316667) − 100·e^−0.05·N(0.016667) = 62.4252 − 95.1229·0.506649 = 14.2313
    n = lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2)))  # noqa: E731
    c = 100 * n(0.095 / 0.3) - 100 * math.exp(-0.05) * n(0.095 / 0.3 - 0.3)
    assert c == pytest.approx(14.2313, abs=1e-4)
    assert bs.value == pytest.approx(c, rel=1e-12)
    bn = value(
        _case(
            asset, {"method": "real_option_binomial", **common, "steps": 1, "exercise": "european"}
        )
    )
    # u = e^0.3 = 1.349859, d = 1/u = 0.740818, q = (e^0.05 − d)/(u − d) = 0.509740
    # C = e^−0.05·q·(134.9859 − 100) = 0.951229·0.509740·34.9859 = 16.9637
    u = math.exp(0.3)
    q = (math.exp(0.05) - 1 / u) / (u - 1 / u)
    assert bn.value == pytest.approx(math.exp(-0.05) * q * (100 * u - 100), rel=1e-12)
    assert _assumption(bn, "approaches.0.steps").source == "case file"
    # lattice defaults the case left open are recorded as such
    dflt = value(_case(asset, {"method": "real_option_binomial", **common}))
    exercise = _assumption(dflt, "approaches.0.exercise")
    assert exercise.value == "american" and exercise.source.startswith("case model default")
    assert _assumption(dflt, "approaches.0.steps").value == 200


def test_three_approaches_default_collateral_weights() -> None:
    v = value(
        _case(
            {"type": "trademark", "name": "BRAND", "renewable": True},
            {
                "method": "relief_from_royalty",
                "revenue": [1000.0],
                "royalty_rate": 0.1,
                "tax_rate": 0.0,
                "discount_rate": 0.0,
            },
            {
                "method": "market_comparables",
                "subject_scale": 1.0,
                "comparables": [{"name": "X", "unit_price": 120.0, "weight": 1.0}],
            },
            {"method": "cost", "basis": "replacement", "direct_cost": 80.0},
            purpose="collateral",
        )
    )
    # collateral: income 0.4, market 0.4, cost 0.2 → 0.4·100 + 0.4·120 + 0.2·80 = 104
    assert [a.weight for a in v.approaches] == pytest.approx([0.4, 0.4, 0.2])
    assert v.value == pytest.approx(104.0, rel=1e-12)
    assert (v.range.low, v.range.high) == (pytest.approx(80.0), pytest.approx(120.0))
    # 120 vs 80 differ by 50 % of the lower value: named in a divergence warning
    assert any(w.code == "approaches_diverge" and "50.0%" in w.message for w in v.warnings)


def test_monte_carlo_trace_records_what_was_simulated() -> None:
    v = value(
        {
            **HEADER,
            "purpose": "licensing",
            "asset": {"type": "patent", "name": "coil", "economic_life_years": 7},
            "approaches": [
                {
                    "method": "relief_from_royalty",
                    "tax_rate": 0.25,
                    "revenue": {
                        "model": "growth",
                        "year1": 1000.0,
                        "years": 5,
                        "growth": {"dist": "triangular", "low": 0.0, "mode": 0.05, "high": 0.10},
                    },
                    "royalty_rate": {"dist": "pert", "low": 0.03, "mode": 0.04, "high": 0.06},
                    "discount_rate": 0.12,
                }
            ],
            "simulation": {
                "paths": 2000,
                "seed": 42,
                "correlations": [
                    {
                        "a": "approaches.0.revenue.growth",
                        "b": "approaches.0.royalty_rate",
                        "rho": 0.5,
                    }
                ],
            },
        }
    )
    step = next(t for t in v.trace if t.step == "monte_carlo")
    assert step.detail["seed"] == 42 and step.detail["paths"] == 2000
    assert step.detail["correlations"] == (
        "approaches.0.revenue.growth ~ approaches.0.royalty_rate: rho = 0.5"
    )
    rows = {r["input"]: r for r in step.rows}
    # PERT base point = mean = (0.03 + 4·0.04 + 0.06)/6 = 0.041667
    assert rows["approaches.0.royalty_rate"]["base"] == pytest.approx(0.25 / 6, rel=1e-12)
    assert str(rows["approaches.0.royalty_rate"]["distribution"]).startswith(
        "pert(low=0.03, mode=0.04, high=0.06"
    )
    # the deterministic value is on base points: 1000·(1.05)^(t−1)·0.041667·0.75 at 12 %
    expected = sum(1000 * 1.05 ** (t - 1) * (0.25 / 6) * 0.75 / 1.12**t for t in range(1, 6))
    assert v.value == pytest.approx(expected, rel=1e-12)


def test_trademark_rfr_under_kr_jurisdiction_records_each_figure_once() -> None:
    v = value(
        {
            **HEADER,
            "purpose": "licensing",
            "valuation_date": "2024-12-31",
            "currency": "KRW",
            "jurisdiction": "KR",
            "asset": {"type": "trademark", "name": "HANBIT", "renewable": True},
            "approaches": [
                {
                    "method": "relief_from_royalty",
                    "royalty_rate": 0.02,
                    "discount_rate": 0.13,
                    "terminal_growth": 0.02,
                    "revenue": {"model": "growth", "year1": 1.0e9, "growth": 0.03, "years": 5},
                }
            ],
        }
    )
    # KR statutory CIT 26.5 % from refdata; after-tax royalty 1e9·1.03^(t−1)·0.02·0.735;
    # TV = CF_5·1.02/(0.13 − 0.02) discounted with DF_5 (final_factor, end-year)
    cf = [1e9 * 1.03 ** (t - 1) * 0.02 * 0.735 for t in range(1, 6)]
    expected = sum(c / 1.13**t for t, c in enumerate(cf, 1)) + cf[-1] * 1.02 / 0.11 / 1.13**5
    assert expected == pytest.approx(137_775_140.20, abs=0.01)
    assert v.value == pytest.approx(expected, rel=1e-12)
    names = [a.name for a in v.assumptions]
    assert len(names) == len(set(names))  # the framework's entry, not a second "case file" one
    tax = _assumption(v, "approaches.0.tax_rate")
    assert tax.source.startswith("KR [refdata]") and tax.unit == "fraction"
    assert _assumption(v, "approaches.0.terminal_growth").unit == "fraction"
    assert any(w.code == "terminal_value_share" for w in v.warnings)  # TV is 60.4 % of value


def test_portfolio_with_synergy_names_each_assets_life() -> None:
    v = value(
        {
            **HEADER,
            "assets": [
                {
                    "asset": {
                        "id": "P1",
                        "type": "patent",
                        "name": "A",
                        "remaining_legal_term_years": 10,
                    },
                    "approaches": [
                        {
                            "method": "relief_from_royalty",
                            "revenue": [100.0],
                            "royalty_rate": 0.1,
                            "tax_rate": 0.0,
                            "discount_rate": 0.0,
                        }
                    ],
                },
                {
                    "asset": {"id": "T1", "type": "trademark", "name": "B", "renewable": True},
                    "approaches": [
                        {
                            "method": "relief_from_royalty",
                            "revenue": [200.0],
                            "royalty_rate": 0.1,
                            "tax_rate": 0.0,
                            "discount_rate": 0.0,
                        }
                    ],
                },
            ],
            "synergy": {"rate": 0.10, "rationale": "used together"},
        }
    )
    # at r = 0 and T = 0: P1 = 100·0.1 = 10, T1 = 200·0.1 = 20; total (10 + 20)·1.1 = 33
    assert v.value == pytest.approx(33.0, rel=1e-12)
    assert _assumption(v, "assets.0.asset.remaining_legal_term_years").value == 10
