"""Hong Kong: bilingual report requirement, HKIS VS1, IRD TAB practice."""

from __future__ import annotations

import pytest
from _ivs_cases import make_case

from ipvalue.frameworks import get
from ipvalue.frameworks.hk import REPORT_LANGUAGES


def test_bilingual_requirement_recorded() -> None:
    rc = get("HK").resolve(make_case())
    codes = [r.code for r in rc.requirements]
    assert codes == ["hkis_vs1", "hk_bilingual_report"]
    bilingual = rc.requirements[1]
    assert "English" in bilingual.text and "繁體中文" in bilingual.text
    assert bilingual.evidence == "V" and "Cap. 5" in bilingual.source
    assert REPORT_LANGUAGES == ("en", "zh-Hant-HK")
    assert rc.parameter("report_languages").value == "en, zh-Hant-HK"


def test_hk_rate_tax_and_tab() -> None:
    rc = get("HK").resolve(make_case())
    # 3.755 % + 5.13 % + 6 %
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(0.14885, abs=1e-15)
    assert rc.parameter("tax_rate").value == pytest.approx(0.165)
    # patents used in HK are deductible when incurred: a one-year amortisation
    assert rc.patches()["approaches.0.tab"] == {"period_years": 1}
    tm = get("HK").resolve(make_case(asset={"type": "trademark", "name": "b", "renewable": True}))
    assert tm.patches()["approaches.0.tab"] == {"period_years": 5}
