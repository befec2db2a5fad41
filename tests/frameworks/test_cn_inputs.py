"""Bad-input rules of the CN formulas and the GB/T configuration loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipvalue.core.errors import InputError
from ipvalue.frameworks import cn

PREMIA = {"technical": 0.02, "market": 0.03, "capital": 0.01, "management": 0.01}


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda: cn.split_rate_value(
                [1.0], split_rate=0.1, base="profit", rate=-1.0, timing="end"
            ),
            "cn.discount_rate",
        ),
        (
            lambda: cn.split_rate_value(
                [1.0], split_rate=0.1, base="profit", rate=0.1, timing="stub"
            ),
            "cn.timing",
        ),  # type: ignore[arg-type]
        (
            lambda: cn.equivalent_investment_split(
                patent_cost=1,
                patent_profit_ratio=-1.0,
                licensee_assets=1,
                licensee_profit_ratio=0.1,
            ),
            "cn.equivalent.patent_profit_ratio",
        ),
        (
            lambda: cn.incremental_profit_split([-5.0], [0.5], rate=0.1, timing="end"),
            "cn.incremental.profit",
        ),
        (lambda: cn.incremental_profit_split([], [], rate=0.1, timing="end"), "cn.incremental"),
        (lambda: cn.cn_discount_rate(risk_free=1.5, premia=PREMIA), "cn.rate.risk_free"),
        (
            lambda: cn.cn_discount_rate(risk_free=0.03, premia={**PREMIA, "market": 1.0}),
            "cn.rate.premia.market",
        ),
        (
            lambda: cn.multiplier_cost(
                material_costs=1, rd_labour=1, creative_multiplier=0, failure_rate=0, return_rate=0
            ),
            "cn.cost.creative_multiplier",
        ),
        (
            lambda: cn.multiplier_cost(
                material_costs=1,
                rd_labour=1,
                creative_multiplier=2,
                failure_rate=0,
                return_rate=-1.0,
            ),
            "cn.cost.return_rate",
        ),
        (
            lambda: cn.age_ratio_value(-1.0, used_years=1, remaining_years=1),
            "cn.cost.replacement_cost",
        ),
        (lambda: cn.age_ratio_depreciation(-1, 5), "cn.cost.used_years"),
    ],
)
def test_rule_names_field(call: Callable[[], Any], field: str) -> None:
    with pytest.raises(InputError) as e:
        call()
    assert e.value.field == field


def test_negative_component_value_warns() -> None:
    res = cn.component_cost_value(
        rd_labour=10,
        rd_expenses=0,
        management_cost=0,
        opportunity_cost=0,
        physical=5,
        functional=5,
        economic=5,
    )
    assert res.value == pytest.approx(-5.0)
    assert res.warnings[0].code == "CN_COST_NEGATIVE"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[1, 2]", "YAML mapping"),
        ("config_id: x\n", "dimensions"),
        (
            "{dimensions: {legal: {indicators: {a: x, b: {label: y, sub: {c: {d: 1}}}}},"
            " technical: {indicators: {t: x}}, economic: {indicators: {e: x}}}}",
            "three levels at most",
        ),
        (
            "{dimensions: {legal: {indicators: {}}, technical: {indicators: {t: x}},"
            " economic: {indicators: {e: x}}}}",
            "at least one indicator",
        ),
        (
            "{dimensions: {legal: {indicators: {a: x}}, technical: {indicators: {t: x}},"
            " economic: {indicators: {e: x}}}, scenarios: {finance: {}}}",
            "must define exactly",
        ),
    ],
)
def test_bad_config_files(tmp_path: Path, text: str, match: str) -> None:
    p = tmp_path / f"c{abs(hash(text))}.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        cn.load_gbt42748_config(p)
