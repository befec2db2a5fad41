"""Singapore: SG reference data, s.19B 5-year TAB, panel requirement for collateral."""

from __future__ import annotations

import pytest
from _ivs_cases import make_case

from ipvalue.frameworks import get


def test_sg_parameters_hand_checked() -> None:
    rc = get("SG").resolve(make_case(jurisdiction="KR"))  # SG data whatever the case says
    assert rc.parameter("tax_rate").value == pytest.approx(0.17)
    # 3.279 % (2024-05-23) + 4.33 % (Damodaran Jan 2025, Aaa: mature ERP only) + 6 %
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(0.13609, abs=1e-15)
    assert rc.patches()["approaches.0.tab"] == {"period_years": 5}


def test_panel_requirement_only_for_collateral() -> None:
    assert get("SG").resolve(make_case()).requirements == ()
    rc = get("SG").resolve(make_case(purpose="collateral"))
    assert [r.code for r in rc.requirements] == ["sg_ip_financing_panel"]
    assert rc.requirements[0].evidence == "S"
    assert rc.patches()["approaches.0.tab"] is False  # collateral: no TAB by default (U)


def test_frameworks_grade_with_ipscore() -> None:
    from pathlib import Path

    import ipvalue
    from ipvalue.core.errors import InputError

    ex = Path(__file__).resolve().parents[2] / "examples" / "jurisdictions"
    case = ipvalue.load_case(ex / "jp_bank_assessment.yaml")  # carries IPSCORE answers
    out = get("SG").score(case)
    assert out["framework"] == "ipscore" and out["valuation_framework"] == "SG"
    assert 1.0 <= out["score"] <= 5.0
    with pytest.raises(InputError, match="IPSCORE"):
        get("SG").score(make_case())


def test_rate_translated_to_the_case_currency() -> None:
    """SG rate on KRW flows: (1 + 0.13609)·(1 + 0.019)/(1 + 0.024) − 1 (KR CPI Dec 2024 y/y 1.9 %,
    SG 2024 annual 2.4 %; METHODS §1.5)."""
    rc = get("SG").resolve(make_case(currency="KRW"))
    expected = (1 + 0.13609) * (1 + 0.019) / (1 + 0.024) - 1
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(expected, rel=1e-14)
    assert rc.parameter("case_inflation").source_date == "2024-12"
    assert rc.parameter("rate_currency_translation").value == "SGD→KRW"


def test_rate_translation_inputs_and_missing_inflation() -> None:
    inputs = {
        "common": {"asset_risk_premium": 0.06},
        "SG": {"home_inflation": 0.02, "case_inflation": 0.03},
    }
    rc = get("SG").resolve(make_case(currency="HKD", framework_inputs=inputs))
    expected = (1 + 0.13609) * 1.03 / 1.02 - 1
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(expected, rel=1e-14)
    missing = get("SG").resolve(make_case(currency="HKD"))  # no HK CPI in reference data
    assert missing.patches()["approaches.0.discount_rate"] == pytest.approx(0.13609)
    assert "rate_currency_mismatch" in {w.code for w in missing.warnings()}


def test_portfolio_resolved_asset_by_asset() -> None:
    """A portfolio naming SG: each asset equals the same asset valued alone under SG."""
    import ipvalue

    header = {
        "schema_version": 1,
        "id": "pf",
        "title": "pf",
        "purpose": "transaction",
        "valuation_date": "2025-06-30",
        "currency": "SGD",
        "framework": "SG",
        "framework_inputs": {"common": {"asset_risk_premium": 0.06}},
    }
    items = [
        {
            "asset": {"id": "a", "type": "patent", "name": "a", "remaining_legal_term_years": 9.0},
            "approaches": [
                {"method": "relief_from_royalty", "revenue": [100.0, 120.0], "royalty_rate": 0.05}
            ],
        },
        {
            "asset": {"id": "b", "type": "trademark", "name": "b", "renewable": True},
            "approaches": [
                {
                    "method": "relief_from_royalty",
                    "revenue": [50.0, 55.0, 60.0],
                    "royalty_rate": 0.02,
                }
            ],
        },
    ]
    pf = ipvalue.value(ipvalue.load_case({**header, "assets": items}))
    singles = [ipvalue.value(ipvalue.load_case({**header, **it})).value for it in items]
    assert [a.value for a in pf.assets] == pytest.approx(singles, rel=1e-12)
    assert pf.value == pytest.approx(sum(singles), rel=1e-12)
    assert pf.trace[0].step == "framework_resolution"
    assert any(w.message.startswith("assets.1: SG:") for w in pf.warnings)
    # a framework warning shared by both assets is reported once, naming both
    timing = [w for w in pf.warnings if "timing = mid is unconfirmed" in w.message]
    assert len(timing) == 1 and timing[0].message.startswith("assets.0, assets.1: SG:")
