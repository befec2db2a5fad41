"""JP framework end to end: RFR with the JPO FY2009 rate through resolve + engine."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks import get, jp
from ipvalue.frameworks._valuate import value_under
from ipvalue.model.case import ValuationCase

EXAMPLE = Path(__file__).resolve().parents[2] / "examples/jurisdictions/jp_bank_assessment.yaml"
REVENUE = [420.0e6, 480.0e6, 520.0e6, 540.0e6, 540.0e6, 520.0e6, 500.0e6]


def _case(data: dict[str, Any]) -> ValuationCase:
    case = ipvalue.load_case(data)
    assert isinstance(case, ValuationCase)
    return case


def _data() -> dict[str, Any]:
    return copy.deepcopy(dict(read_case_data(EXAMPLE)))


def test_example_hand_value() -> None:
    run = value_under(_case(_data()), "JP")
    tax = float(run.resolved.parameter("tax_rate").value)  # type: ignore[arg-type]
    royalty = run.resolved.parameter("royalty_rate")
    assert royalty.value == pytest.approx(0.043) and royalty.evidence == "S"
    assert royalty.patch_value == {"ref": "royalty_rates/RR004/mean_pct"}
    # engine default timing is recorded; the JP framework fills none (no JP convention)
    timing = next(a.value for a in run.valuation.assumptions if a.name.endswith("timing"))
    shift = 0.5 if timing == "mid" else 0.0
    expected = sum(v * 0.043 * (1 - tax) / 1.09 ** (t - shift) for t, v in enumerate(REVENUE, 1))
    assert run.valuation.value == pytest.approx(expected, rel=1e-12)
    assert get("JP") is jp.FRAMEWORK


def test_tab_switched_on_uses_ordinance_period() -> None:
    data = _data()
    data["framework_inputs"]["JP"]["tab"] = True
    res = get("JP").resolve(ipvalue.load_case(data))
    assert res.parameter("tab_period_years").value == 8
    data["framework_inputs"]["JP"].pop("tab")
    res = get("JP").resolve(ipvalue.load_case(data))
    assert res.parameter("tab").evidence == "U"
    assert "unconfirmed_parameter" in [w.code for w in res.warnings()]


def test_bad_inputs() -> None:
    data = _data()
    data["framework_inputs"]["JP"]["royalty_field"] = "patent_robotics"
    with pytest.raises(InputError) as e:
        get("JP").resolve(ipvalue.load_case(data))
    assert e.value.field == "framework_inputs.JP.royalty_field"
    data = _data()
    del data["framework_inputs"]["JP"]["discount_rate_source"]
    with pytest.raises(InputError) as e:
        get("JP").resolve(ipvalue.load_case(data))
    assert e.value.field == "framework_inputs.JP.discount_rate"


def test_public_api_resolves_the_jp_case() -> None:
    direct = ipvalue.value(_case(_data())).value
    assert direct == pytest.approx(value_under(_case(_data()), "JP").valuation.value, rel=1e-12)
