"""Australia: IVS with ITAA effective lives; our defaults are labelled as ours."""

from __future__ import annotations

import pytest
from _ivs_cases import make_case

from ipvalue.frameworks import get


def test_au_defaults_are_flagged_as_ours() -> None:
    rc = get("AU").resolve(make_case(currency="AUD"))
    msgs = [w.message for w in rc.warnings()]
    assert any("au_practice" in m and "ipvalue default for AU" in m for m in msgs)
    assert rc.patches()["approaches.0.tab"] == {"period_years": 20}
    # 4.74 % + 4.33 % + 6 %
    assert rc.patches()["approaches.0.discount_rate"] == pytest.approx(0.1507, abs=1e-15)


def test_trademark_not_amortisable() -> None:
    rc = get("AU").resolve(make_case(asset={"type": "trademark", "name": "b", "renewable": True}))
    assert rc.patches()["approaches.0.tab"] is False
    assert rc.parameter("tab").evidence == "S"
