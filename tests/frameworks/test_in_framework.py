"""India (ICAI VS 302): useful life, discount rate, TAB period from the s.32 block (S)."""

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
    tab = rc.parameter("tab_period_years")
    assert tab.value == 4 and tab.evidence == "S" and "25 %" in tab.source
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
