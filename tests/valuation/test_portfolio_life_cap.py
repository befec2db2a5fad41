"""Portfolio ``life_cap`` warnings: per asset, worded as when the asset is valued alone."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from ipvalue import load_case, value
from ipvalue.valuation.portfolio import asset_case

RFR = {
    "method": "relief_from_royalty",
    "royalty_rate": 0.05,
    "tax_rate": 0.24,
    "discount_rate": 0.12,
    "tab": False,
}
REGIONAL = {
    "method": "regional_income",
    "markets": [
        {
            "market": "SG",
            "currency": "USD",
            "income": [1.0e6, 1.1e6, 1.2e6, 1.3e6],
            "discount_rate": 0.1,
            "tax_rate": 0.17,
        }
    ],
}
COST = {"method": "cost", "basis": "replacement", "direct_cost": 5.0e5}


def _doc(assets: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "pf",
        "title": "pf",
        "purpose": "transaction",
        "valuation_date": "2025-01-01",
        "currency": "USD",
        "conventions": {"timing": "end"},
        "assets": assets,
    }


def _asset(i: int, approaches: list[dict[str, Any]], **life: float) -> dict[str, Any]:
    return {
        "asset": {"id": f"A{i}", "type": "patent", "name": f"p{i}", **life},
        "approaches": approaches,
    }


def _life_caps(warnings: Any) -> list[str]:
    return [w.message for w in warnings if w.code == "life_cap"]


def _rfr(years: int, i: int) -> dict[str, Any]:
    return {**RFR, "revenue": [1.0e6 + 1e4 * (i + k) for k in range(years)]}


def test_each_capped_asset_warns_as_when_valued_alone() -> None:
    assets = [
        _asset(0, [_rfr(5, 0)], remaining_legal_term_years=3.5),  # 3.5 < 5: capped
        _asset(1, [_rfr(5, 1)], remaining_legal_term_years=5.0),  # 5 = 5: not capped
        _asset(2, [_rfr(5, 2)], remaining_legal_term_years=9.0, economic_life_years=2.25),
        _asset(3, [_rfr(5, 3)]),  # no finite life: nothing to cap
        _asset(4, [REGIONAL, COST], remaining_legal_term_years=2.0),  # rows via the template
        _asset(5, [_rfr(7, 5)], remaining_legal_term_years=6.0),  # another forecast length
    ]
    pf = load_case(_doc(assets))
    got = _life_caps(value(pf).warnings)
    assert got == [
        "A0: relief_from_royalty: income period capped at 3.50 years (remaining legal term) "
        "of the 5-year forecast",
        "A2: relief_from_royalty: income period capped at 2.25 years (economic life) "
        "of the 5-year forecast",
        "A4: regional_income: income period capped at 2.00 years (remaining legal term) "
        "of the 4-year forecast",
        "A5: relief_from_royalty: income period capped at 6.00 years (remaining legal term) "
        "of the 7-year forecast",
    ]
    alone = [
        f"A{i}: {m}"
        for i in range(len(assets))
        for m in _life_caps(value(asset_case(pf, i)).warnings)
    ]
    assert sorted(got) == sorted(alone)


@pytest.mark.parametrize("with_economic_life", [False, True])
def test_column_wise_groups_warn_for_exactly_the_short_lived_assets(
    with_economic_life: bool,
) -> None:
    # 60 assets of one structure are matched column-wise; lives 1.0, 1.5, ... 30.5 years
    # against a 6-year forecast: the assets with life < 6 (i = 0..9) warn, in asset order.
    lives = 1.0 + 0.5 * np.arange(60)
    extra = {"economic_life_years": 40.0} if with_economic_life else {}
    assets = [
        _asset(i, [_rfr(6, i)], remaining_legal_term_years=float(lives[i]), **extra)
        for i in range(60)
    ]
    got = _life_caps(value(load_case(_doc(assets))).warnings)
    assert got == [
        f"A{i}: relief_from_royalty: income period capped at {lives[i]:.2f} years "
        "(remaining legal term) of the 6-year forecast"
        for i in range(10)
    ]


def test_terminal_value_warnings_name_the_approach_as_when_valued_alone() -> None:
    # A perpetual TV (no life): r − g = 0.12 − 0.115 = 0.5 % is below the spread warning,
    # and the TV, 1/(r − g) = 200 years of flows, is most of the value.
    tv = {**_rfr(3, 0), "terminal_growth": 0.115}
    pf = load_case(_doc([_asset(0, [tv])]))
    codes = {"terminal_value_share", "narrow_rate_growth_spread"}
    got = [w.message for w in value(pf).warnings if w.code in codes]
    alone = [f"A0: {w.message}" for w in value(asset_case(pf, 0)).warnings if w.code in codes]
    assert got == alone and len(got) == 2


def test_warnings_are_built_when_read_and_the_same_either_way() -> None:
    # 40 assets, 32 of them shorter-lived than their 6-year forecast: the warnings read one by
    # one (each built on access) equal the list built at once, and the JSON carries them all.
    assets = [
        _asset(i, [_rfr(6, i)], remaining_legal_term_years=2.0 + 0.125 * i) for i in range(40)
    ]
    pf = load_case(_doc(assets))
    one_by_one = value(pf).warnings
    items = [one_by_one[k] for k in range(len(one_by_one))]
    whole = value(pf)
    assert items == list(whole.warnings) and len(items) == 32  # 2 + 0.125·i < 6 for i < 32
    assert whole.to_json_dict()["warnings"] == [
        {"code": w.code, "message": w.message} for w in items
    ]
    assert one_by_one[-1].message.startswith("A31: ") and one_by_one[0].message.startswith("A0: ")
