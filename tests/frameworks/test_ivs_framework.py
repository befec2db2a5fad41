"""IVS baseline: hand-computed build-up, TAB, weights, and an end-to-end value with the engine."""

from __future__ import annotations

import pytest
from _ivs_cases import make_case, two_approaches

from ipvalue.core.errors import InputError
from ipvalue.frameworks import get
from ipvalue.frameworks._valuate import value_under


def test_discount_rate_build_up_uses_case_jurisdiction() -> None:
    rc = get("IVS").resolve(make_case(jurisdiction="KR", currency="KRW"))
    # KR: 10-y yield 3.473 % (2024-05-23) + Damodaran total ERP 4.99 % + asset premium 6 %
    assert rc.parameter("risk_free_rate").value == pytest.approx(0.03473)
    assert rc.parameter("equity_risk_premium").value == pytest.approx(0.0499)
    r = rc.patches()["approaches.0.discount_rate"]
    assert r == pytest.approx(0.03473 + 0.0499 + 0.06, abs=1e-15)
    assert rc.parameter("discount_rate").evidence == "U"


def test_jurisdiction_falls_back_to_asset_and_is_required() -> None:
    case = make_case(jurisdiction=None)
    assert get("IVS").resolve(case).parameter("risk_free_rate").value == pytest.approx(0.03279)
    no_country = make_case(jurisdiction=None, asset={"type": "patent", "name": "p"})
    with pytest.raises(InputError, match="needs the case jurisdiction") as exc:
        get("IVS").resolve(no_country)
    assert exc.value.field == "jurisdiction"


def test_asset_premium_required_names_the_input_field() -> None:
    with pytest.raises(InputError, match="is required") as exc:
        get("IVS").resolve(make_case(framework_inputs={}))
    assert exc.value.field == "framework_inputs.IVS.asset_risk_premium"


def test_inputs_override_refdata_and_code_section_beats_common() -> None:
    case = make_case(
        framework_inputs={
            "common": {"asset_risk_premium": 0.06, "risk_free_rate": 0.01},
            "IVS": {"asset_risk_premium": 0.02, "equity_risk_premium": 0.05, "size_premium": 0.01},
        }
    )
    rc = get("IVS").resolve(case)
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(0.01 + 0.05 + 0.02 + 0.01)
    assert rc.parameter("risk_free_rate").evidence == "input"


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"common": {"asset_risk_premium": -0.1}}, "framework_inputs.common.asset_risk_premium"),
        ({"IVS": {"asset_risk_premium": 0.05, "bogus": 1}}, "framework_inputs.IVS.bogus"),
        (
            {"IVS": {"asset_risk_premium": 0.05, "method_weights": {"income": 0.7, "cost": 0.2}}},
            "framework_inputs.IVS.method_weights",
        ),
        (
            {"common": {"asset_risk_premium": 0.05, "method_weights": {"income": 0.7}}},
            "framework_inputs.common.method_weights",
        ),
        (
            {"IVS": {"asset_risk_premium": 0.05, "royalty_benchmark": "nope"}},
            "framework_inputs.IVS.royalty_benchmark",
        ),
    ],
)
def test_bad_framework_inputs(inputs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as exc:
        get("IVS").resolve(make_case(framework_inputs=inputs))
    assert exc.value.field == field


def test_missing_reference_figure_says_what_to_give() -> None:
    # GB has no dated 10-year yield in the reference data: missing stays missing
    case = make_case(jurisdiction="GB", currency="GBP")
    with pytest.raises(InputError, match="risk_free_rate") as exc:
        get("IVS").resolve(case)
    assert exc.value.field == "country_parameters/GB/gov_bond_10y_pct"


def test_tab_by_purpose_and_period_from_table() -> None:
    rc = get("IVS").resolve(make_case(jurisdiction="US", currency="USD"))
    assert rc.patches()["approaches.0.tab"] == {"period_years": 15}  # IRC §197 (S)
    assert rc.parameter("tab_period_years").evidence == "S"
    licensing = get("IVS").resolve(make_case(purpose="licensing"))
    assert licensing.patches()["approaches.0.tab"] is False
    forced = get("IVS").resolve(
        make_case(
            purpose="licensing",
            framework_inputs={
                "common": {"asset_risk_premium": 0.06, "tab": True, "tab_period_years": 7}
            },
        )
    )
    assert forced.patches()["approaches.0.tab"] == {"period_years": 7}


def test_unknown_tab_period_warns_and_applies_none() -> None:
    rc = get("IVS").resolve(make_case(jurisdiction="KR", currency="KRW"))
    assert rc.patches()["approaches.0.tab"] is False
    assert "tab_period_unknown" in {w.code for w in rc.warnings()}


def test_case_tab_and_rate_are_kept() -> None:
    case = make_case(
        approaches=[
            {
                "method": "relief_from_royalty",
                "revenue": [100.0],
                "royalty_rate": 0.05,
                "discount_rate": 0.1,
                "tab": False,
                "tax_rate": 0.2,
                "timing": "end",
            }
        ]
    )
    rc = get("IVS").resolve(case)
    assert rc.patches() == {}
    assert rc.case == case


def test_weights_by_purpose_hand_computed() -> None:
    # transaction: income 0.5, market 0.3 (cost/option absent) → renormalised over 0.8;
    # two income approaches share 0.5/0.8 = 0.625 → 0.3125 each; market 0.3/0.8 = 0.375
    rc = get("IVS").resolve(two_approaches())
    w = [rc.patches()[f"approaches.{i}.weight"] for i in range(3)]
    assert w == pytest.approx([0.3125, 0.3125, 0.375], abs=1e-15)
    assert sum(w) == 1.0


def test_method_weights_input() -> None:
    case = two_approaches(
        framework_inputs={
            "common": {"asset_risk_premium": 0.06, "method_weights": {"income": 0.8, "market": 0.2}}
        }
    )
    rc = get("IVS").resolve(case)
    assert [rc.patches()[f"approaches.{i}.weight"] for i in range(3)] == pytest.approx(
        [0.4, 0.4, 0.2]
    )
    assert rc.parameter("weight").evidence == "input"


def test_royalty_benchmark_from_refdata() -> None:
    case = make_case(
        approaches=[{"method": "relief_from_royalty", "revenue": [100.0]}],
        framework_inputs={
            "common": {
                "asset_risk_premium": 0.06,
                "royalty_benchmark": "royalty_rates/RR004/mean_pct",
            }
        },
    )
    rc = get("IVS").resolve(case)
    assert rc.parameter("royalty_rate").value == pytest.approx(0.043)  # JPO chemistry 4.3 %
    assert rc.parameter("royalty_rate").factor == "income"
    assert rc.patches()["approaches.0.royalty_rate"] == {"ref": "royalty_rates/RR004/mean_pct"}


def test_trademark_records_iso10668_methods_as_unconfirmed() -> None:
    case = make_case(
        asset={"type": "trademark", "name": "brand", "jurisdictions": ["SG"], "renewable": True}
    )
    rc = get("IVS").resolve(case)
    p = rc.parameter("approaches.0.iso10668_method")
    assert p.value == "royalty relief" and p.evidence == "U"
    assert "iso10668_analyses" in {r.code for r in rc.requirements}


def test_end_to_end_value_hand_computed() -> None:
    """One-year RFR under IVS with SG data, mid-year, TAB over 5 years (s.19B):
    r = 0.03279 + 0.0433 + 0.06 = 0.13609
    V_pre = 100 · 0.05 · (1 − 0.17) · 1.13609^−0.5
    PVAF_mid(r, 5) = (1 − 1.13609^−5) / 0.13609 · 1.13609^0.5
    V = V_pre / (1 − 0.17/5 · PVAF_mid)
    """
    r = 0.03279 + 0.0433 + 0.06
    v_pre = 100 * 0.05 * (1 - 0.17) * (1 + r) ** -0.5
    pvaf = (1 - (1 + r) ** -5) / r * (1 + r) ** 0.5
    expected = v_pre / (1 - 0.17 / 5 * pvaf)
    run = value_under(make_case(), "IVS")
    assert run.valuation.value == pytest.approx(expected, rel=1e-12)
    srcs = {a.name: a.source for a in run.valuation.assumptions}
    assert srcs["approaches.0.discount_rate"].startswith("framework IVS [U]")
    assert run.valuation.trace[0].step == "framework_resolution"
