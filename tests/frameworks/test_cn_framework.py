"""CN framework end to end: the split-rate example through resolve + engine; bad inputs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks import cn, get
from ipvalue.frameworks._valuate import value_under
from ipvalue.model.case import ValuationCase

EXAMPLE = Path(__file__).resolve().parents[2] / "examples/jurisdictions/cn_split_rate.yaml"
REVENUE = [180.0e6, 240.0e6, 300.0e6, 320.0e6, 310.0e6, 280.0e6]


def _case(data: dict[str, Any]) -> ValuationCase:
    case = ipvalue.load_case(data)
    assert isinstance(case, ValuationCase)
    return case


def _data() -> dict[str, Any]:
    return copy.deepcopy(dict(read_case_data(EXAMPLE)))


def _split(**split: Any) -> dict[str, Any]:
    data = _data()
    data["framework_inputs"]["CN"]["split"] = split
    return data


def test_example_hand_value() -> None:
    run = value_under(_case(_data()), "CN")
    k_profit = 8.0e6 * 1.6 / (8.0e6 * 1.6 + 52.0e6 * 1.12)  # 1280 / 7104
    k_rev = k_profit * 0.22
    r = 0.0185 + 0.03 + 0.025 + 0.01 + 0.01
    tax = float(run.resolved.parameter("tax_rate").value)  # type: ignore[arg-type]
    assert tax == pytest.approx(0.25)  # CN statutory CIT (refdata)
    expected = sum(v * k_rev * (1 - tax) / (1 + r) ** t for t, v in enumerate(REVENUE, 1))
    assert run.valuation.value == pytest.approx(expected, rel=1e-12)
    assert run.valuation.value == pytest.approx(35_099_382.83, abs=0.01)
    assert run.resolved.parameter("split_rate_revenue").value == pytest.approx(k_rev)
    assert get("CN") is cn.FRAMEWORK


def test_given_split_on_revenue_and_refdata_risk_free() -> None:
    data = _split(method="given", basis="revenue", k=0.035, k_source="CNIPA licence 2022")
    del data["framework_inputs"]["CN"]["rate"]["risk_free"]
    res = get("CN").resolve(ipvalue.load_case(data))
    assert res.parameter("royalty_rate").value == pytest.approx(0.035)
    rf = res.parameter("risk_free_rate")
    assert rf.evidence == "refdata"
    assert res.parameter("discount_rate").value == pytest.approx(rf.value + 0.075)


def test_incremental_and_scoring_splits() -> None:
    inc = get("CN").resolve(
        ipvalue.load_case(
            _split(
                method="incremental_profit",
                basis="profit",
                profit_margin=0.2,
                incremental_profit={
                    "incremental_profit": [10, 20],
                    "profit_share": [0.2, 0.25],
                    "rate": 0.10,
                },
            )
        )
    )
    k = (10 / 1.1 + 20 / 1.21) / (50 / 1.1 + 80 / 1.21)
    assert inc.parameter("royalty_rate").value == pytest.approx(k * 0.2)
    sc = get("CN").resolve(
        ipvalue.load_case(
            _split(
                method="scoring",
                basis="revenue",
                scoring={
                    "k_min": 0.01,
                    "k_max": 0.05,
                    "range_source": "industry survey",
                    "factor_scores": {"legal": 50, "technical": 100},
                    "factor_weights": {"legal": 0.5, "technical": 0.5},
                    "factor_weights_source": "appraiser",
                },
            )
        )
    )
    assert sc.parameter("royalty_rate").value == pytest.approx(0.01 + 0.04 * 0.75)
    codes = [w.code for w in sc.warnings()]
    assert "CN_SCORING_SPLIT_UNVERIFIED" in codes and "unconfirmed_parameter" in codes


@pytest.mark.parametrize(
    ("split", "field"),
    [
        (
            {"method": "given", "basis": "profit", "k": 0.25, "k_source": "x"},
            "framework_inputs.CN.split.profit_margin",
        ),
        ({"method": "given", "basis": "revenue", "k": 0.03}, "framework_inputs.CN.split.k"),
        (
            {"method": "equivalent_investment", "basis": "profit", "profit_margin": 0.2},
            "framework_inputs.CN.split.equivalent_investment",
        ),
        (
            {
                "method": "equivalent_investment",
                "basis": "profit",
                "profit_margin": 0.2,
                "equivalent_investment": {
                    "patent_cost": -1,
                    "patent_profit_ratio": 0.1,
                    "licensee_assets": 1,
                    "licensee_profit_ratio": 0.1,
                },
            },
            "framework_inputs.CN.split.equivalent_investment.patent_cost",
        ),
        (
            {
                "method": "scoring",
                "basis": "revenue",
                "scoring": {
                    "k_min": 0.01,
                    "k_max": 0.05,
                    "range_source": "s",
                    "factor_scores": {"a": 50},
                    "factor_weights": {"a": 0.9},
                    "factor_weights_source": "w",
                },
            },
            "framework_inputs.CN.split.scoring.factor_weights",
        ),
        ({"method": "magic", "basis": "revenue"}, "framework_inputs.CN.split.method"),
    ],
)
def test_bad_split_inputs(split: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as e:
        get("CN").resolve(ipvalue.load_case(_split(**split)))
    assert e.value.field == field


def test_missing_blocks_and_bad_premia() -> None:
    data = _data()
    del data["framework_inputs"]["CN"]["rate"]
    with pytest.raises(InputError) as e:
        get("CN").resolve(ipvalue.load_case(data))
    assert e.value.field == "framework_inputs.CN.rate"
    data = _data()
    del data["framework_inputs"]["CN"]["rate"]["premia"]["capital"]
    with pytest.raises(InputError) as e:
        get("CN").resolve(ipvalue.load_case(data))
    assert e.value.field == "framework_inputs.CN.rate.premia.capital"
    data = _data()
    del data["framework_inputs"]["CN"]["split"]
    with pytest.raises(InputError) as e:
        get("CN").resolve(ipvalue.load_case(data))
    assert e.value.field == "framework_inputs.CN.split"


def test_public_api_resolves_the_cn_case() -> None:
    assert ipvalue.value(_case(_data())).value == pytest.approx(35_099_382.83, abs=0.01)
