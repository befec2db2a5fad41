"""Cross-checks between the KR/CN pure formulas and the engine and its kernels."""

from __future__ import annotations

from typing import Any

import pytest

import ipvalue
from ipvalue.frameworks import cn, kr
from ipvalue.model.case import ValuationCase
from ipvalue.valuation.cost import cost_approach

HEADER: dict[str, Any] = {
    "schema_version": 1,
    "id": "x",
    "title": "cross-check",
    "purpose": "licensing",
    "valuation_date": "2025-06-30",
    "currency": "CNY",
    "asset": {"type": "patent", "name": "p"},
}


def _value(approach: dict[str, Any]) -> float:
    case = ipvalue.load_case({**HEADER, "approaches": [approach]})
    assert isinstance(case, ValuationCase)
    return float(ipvalue.value(case).value)


def test_split_rate_value_equals_engine_rfr_untaxed() -> None:
    revenue = [180e6, 240e6, 300e6]
    pure = cn.split_rate_value(
        revenue, split_rate=0.04, base="revenue", rate=0.0935, timing="end"
    ).value
    engine = _value(
        {
            "method": "relief_from_royalty",
            "revenue": revenue,
            "royalty_rate": 0.04,
            "tax_rate": 0.0,
            "discount_rate": 0.0935,
            "timing": "end",
            "tab": False,
        }
    )
    assert engine == pytest.approx(pure, rel=1e-12)


def test_age_ratio_equals_cost_kernel_with_functional_obsolescence() -> None:
    pure = cn.age_ratio_value(1000.0, used_years=3, remaining_years=7).value  # 700
    kernel = cost_approach(
        1000.0,
        0.0,
        developer_profit=0.0,
        entrepreneurial_incentive=0.0,
        basis="reproduction",
        obsolescence_mode="multiplicative",
        physical=0.0,
        functional=0.3,
        economic=0.0,
    )
    assert float(kernel.value) == pytest.approx(pure) == pytest.approx(700.0)


def test_kr_adjusted_cost_equals_cost_kernel_with_roa_as_profit() -> None:
    # V = RC·(1 + ROA) − obsolescence: RC 160, ROA 5 % -> profit 8, obsolescence 20 -> 148
    pure = kr.adjusted_reproduction_cost(
        [kr.RdCost("labour", 100, 100, 110), kr.RdCost("equipment", 50)],
        roa_median=0.05,
        roa_source="s",
        obsolescence=20,
    ).value
    kernel = cost_approach(
        160.0,
        0.0,
        developer_profit=160.0 * 0.05,
        entrepreneurial_incentive=0.0,
        basis="reproduction",
        obsolescence_mode="amounts",
        physical=0.0,
        functional=0.0,
        economic=20.0,
    )
    assert float(kernel.value) == pytest.approx(pure) == pytest.approx(148.0)


def test_kr_business_value_equals_engine_dcf_with_life() -> None:
    fcf = [100.0, 200.0, 300.0, 400.0]
    pure = kr.business_value(fcf, rate=0.10, life_years=2.5, final_year="prorate", timing="end")[0]
    case = ipvalue.load_case(
        {
            **HEADER,
            "asset": {"type": "patent", "name": "p", "economic_life_years": 2.5},
            "approaches": [
                {
                    "method": "dcf",
                    "cash_flows": fcf,
                    "discount_rate": 0.10,
                    "timing": "end",
                    "tab": False,
                }
            ],
        }
    )
    assert isinstance(case, ValuationCase)
    assert float(ipvalue.value(case).value) == pytest.approx(pure, rel=1e-12)
