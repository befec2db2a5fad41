"""Enterprise profiles on portfolios: coefficients on every asset and the total, method weights
on unweighted multi-approach assets; with and without a framework."""

from __future__ import annotations

import math
from typing import Any

import pytest

import ipvalue
from ipvalue.valuation.engine import value

RFR = {
    "method": "relief_from_royalty",
    "revenue": [1000.0],
    "royalty_rate": 0.1,
    "tax_rate": 0.2,
    "discount_rate": 0.25,
    "timing": "end",
    "tab": False,
}
# one year: 1000·0.1·(1 − 0.2)/1.25 = 80/1.25 = 64
COST = {
    "method": "cost",
    "basis": "replacement",
    "direct_cost": 100.0,
    "developer_profit_rate": 0.0,
    "obsolescence": {"mode": "multiplicative", "physical": 0.0, "functional": 0.0, "economic": 0.0},
}
PROFILE = {
    "name": "Bank A",
    "rationale": "collateral haircut 2025/03",
    "coefficients": {"liquidity": 0.8, "market_position": 1.1},
}


def _portfolio(**over: Any) -> Any:
    data: dict[str, Any] = {
        "schema_version": 1,
        "id": "pf",
        "title": "t",
        "purpose": "collateral",
        "valuation_date": "2025-06-30",
        "currency": "SGD",
        "assets": [
            {"asset": {"id": "a", "type": "patent", "name": "a"}, "approaches": [RFR]},
            {"asset": {"id": "b", "type": "patent", "name": "b"}, "approaches": [RFR]},
        ],
        "synergy": {"rate": 0.05, "rationale": "cross-licensing"},
    }
    data.update(over)
    return ipvalue.load_case(data)


def test_coefficients_scale_every_asset_and_the_total() -> None:
    plain = value(_portfolio())
    # 2 assets × 64 = 128; × 1.05 synergy = 134.4
    assert plain.value == pytest.approx(134.4, rel=1e-12)
    adj = value(_portfolio(profile=PROFILE))
    # factor 0.8 · 1.1 = 0.88: 134.4 · 0.88 = 118.272; each asset 64 · 0.88 = 56.32
    assert adj.value == pytest.approx(118.272, rel=1e-12)
    assert [a.value for a in adj.assets] == pytest.approx([56.32, 56.32], rel=1e-12)
    assert math.fsum(a.value for a in adj.assets) * 1.05 == pytest.approx(adj.value, rel=1e-12)
    step = adj.trace[-1]
    assert step.step == "profile_adjustment" and step.detail["factor"] == pytest.approx(0.88)
    names = {a.name for a in adj.assumptions}
    assert {"profile.coefficients.liquidity", "profile.coefficients.market_position"} <= names


def test_method_weights_apply_to_unweighted_assets_only() -> None:
    cost_a = {**COST}
    weighted = [{**RFR, "weight": 0.5}, {**COST, "weight": 0.5}]
    assets = [
        {"asset": {"id": "a", "type": "patent", "name": "a"}, "approaches": [RFR, cost_a]},
        {"asset": {"id": "b", "type": "patent", "name": "b"}, "approaches": weighted},
    ]
    prof = {
        "name": "Bank A",
        "rationale": "income first",
        "method_weights": {"income": 0.75, "cost": 0.25},
    }
    val = value(_portfolio(assets=assets, synergy=None, profile=prof))
    a, b = val.assets
    # a: 0.75 · 64 + 0.25 · 100 = 48 + 25 = 73 (profile); b: 0.5 · 64 + 0.5 · 100 = 82 (case)
    assert a.value == pytest.approx(73.0, rel=1e-12)
    assert b.value == pytest.approx(82.0, rel=1e-12)
    assert val.value == pytest.approx(155.0, rel=1e-12)
    (note,) = [x for x in val.assumptions if x.name == "assets.0.method_weights"]
    assert "Bank A" in note.source


def test_profile_with_a_framework_portfolio() -> None:
    fi = {"common": {"asset_risk_premium": 0.06}}
    base = value(_portfolio(framework="SG", jurisdiction="SG", framework_inputs=fi))
    adj = value(_portfolio(framework="SG", jurisdiction="SG", framework_inputs=fi, profile=PROFILE))
    assert adj.value == pytest.approx(base.value * 0.88, rel=1e-12)
    assert adj.trace[0].step == "framework_resolution"
    assert adj.trace[-1].step == "profile_adjustment"
