"""India (ICAI VS 302): useful life, discount rate, TAB on the s.32 25 % WDV block (S)."""

from __future__ import annotations

import pytest
from _ivs_cases import make_case

from ipvalue.frameworks import get


def test_icai_rate_tax_tab() -> None:
    rc = get("IN").resolve(make_case(currency="INR"))
    # 6.52 % (2025-12-02) + 7.26 % (mature 4.33 + CRP 2.93) + 6 %
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(0.1978, abs=1e-15)
    assert "ICAI VS 302 ¶34–39" in rc.parameter("discount_rate").source
    assert rc.parameter("tax_rate").value == pytest.approx(0.30)
    tab = rc.parameter("tab_declining_rate")
    assert tab.value == 0.25 and tab.evidence == "S" and "written-down-value" in tab.source
    assert rc.patches()["approaches.0.tab"] == {"declining_rate": 0.25}
    assert [r.code for r in rc.requirements] == ["icai_vs_302"]


def test_useful_life_must_be_assessed() -> None:
    rc = get("IN").resolve(make_case())
    assert "icai_useful_life_not_assessed" in {w.code for w in rc.warnings()}
    asset = {"type": "patent", "name": "p", "economic_life_years": 7.0}
    assessed = get("IN").resolve(make_case(asset=asset))
    assert "icai_useful_life_not_assessed" not in {w.code for w in assessed.warnings()}
    assert assessed.parameter("economic_life_years").value == 7.0


def test_look_ahead_yield_is_visible() -> None:
    # the IN yield is dated 2025-12-02, after a 2025-06-30 valuation date
    rc = get("IN").resolve(make_case())
    assert rc.parameter("risk_free_rate").source_date == "2025-12-02"


def test_declining_balance_tab_through_the_engine_by_hand() -> None:
    from ipvalue.valuation.engine import value

    # One RFR approach, r = 18.78 % given, T = 30 % (refdata IN), end of year, 25 % WDV block,
    # half rate in year 1 (asset used under 180 days): h = 0.5.
    aps = [
        {
            "method": "relief_from_royalty",
            "revenue": [1000.0, 1000.0],
            "royalty_rate": 0.1,
            "discount_rate": 0.1878,
            "timing": "end",
        }
    ]
    case = make_case(
        currency="INR",
        framework="IN",
        approaches=aps,
        framework_inputs={
            "common": {"asset_risk_premium": 0.06},
            "IN": {"tab_first_year_fraction": 0.5},
        },
    )
    val = value(case)
    # pre-TAB: 100·(1 − 0.3) = 70 a year → 70/1.1878 + 70/1.1878² = 58.932480…+ 49.614817…
    pre = 70 / 1.1878 + 70 / 1.1878**2
    # S = δh/a + (1 − δh)·δ/(a·(k + δ)) = 0.125/1.1878 + 0.875·0.25/(1.1878·0.4378)
    #   = 0.1052366 + 0.21875/0.5200188 = 0.1052366 + 0.4206578 = 0.5258944
    s = 0.125 / 1.1878 + 0.875 * 0.25 / (1.1878 * 0.4378)
    assert s == pytest.approx(0.5258944, abs=1e-7)
    assert val.value == pytest.approx(pre / (1 - 0.3 * s), rel=1e-12)


def test_declining_rate_input_replaces_the_block_rate_and_excludes_a_period() -> None:
    from ipvalue.core.errors import InputError

    arp = {"asset_risk_premium": 0.06}
    rc = get("IN").resolve(make_case(framework_inputs={"IN": {"tab_declining_rate": 0.4, **arp}}))
    assert rc.patches()["approaches.0.tab"] == {"declining_rate": 0.4}
    assert rc.parameter("tab_declining_rate").evidence == "input"
    both = {"IN": {"tab_declining_rate": 0.4, "tab_period_years": 4, **arp}}
    with pytest.raises(InputError, match="not both") as exc:
        get("IN").resolve(make_case(framework_inputs=both))
    assert exc.value.field.startswith("framework_inputs.IN")
    with pytest.raises(InputError) as bad:
        get("IN").resolve(make_case(framework_inputs={"IN": {"tab_declining_rate": 1.5, **arp}}))
    assert bad.value.field == "framework_inputs.IN.tab_declining_rate"


@pytest.mark.parametrize(
    ("tab", "rule"),
    [
        ({"period_years": 4, "declining_rate": 0.25}, "exactly one of period_years"),
        ({"tax_rate": 0.3}, "exactly one of period_years"),
        ({"period_years": 4, "first_year_fraction": 0.5}, "first_year_fraction needs"),
        ({"declining_rate": 1.5}, "must be <= 1"),
    ],
)
def test_tab_needs_exactly_one_schedule(tab: dict[str, float], rule: str) -> None:
    from pydantic import ValidationError

    aps = [{"method": "relief_from_royalty", "revenue": [1.0], "royalty_rate": 0.1, "tab": tab}]
    with pytest.raises(ValidationError) as exc:
        make_case(approaches=aps)
    err = exc.value.errors()[0]
    assert err["loc"][:4] == ("approaches", 0, "relief_from_royalty", "tab")
    assert rule in err["msg"]
