"""Regional income: TAB per market (shared approach ``tab`` or a market's own), framework
defaults, and the asset's life cap."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ipvalue import load_case, value
from ipvalue.api_python import read_case_data

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "regional_income_patent.yaml"


def _case(approach: dict[str, Any], **asset: Any) -> dict[str, Any]:
    return {
        "id": "reg",
        "title": "regional",
        "purpose": "transaction",
        "valuation_date": "2025-01-01",
        "currency": "USD",
        "asset": {"type": "patent", "name": "p", **asset},
        "approaches": [approach],
    }


def _two_markets(**extra: Any) -> dict[str, Any]:
    return {
        "method": "regional_income",
        "timing": "end",
        **extra,
        "markets": [
            {
                "market": "US",
                "currency": "USD",
                "income": [100.0, 100.0],
                "discount_rate": 0.10,
                "tax_rate": 0.25,
                "fx_rate": 1.0,
            },
            {
                "market": "DE",
                "currency": "EUR",
                "income": [200.0],
                "discount_rate": 0.05,
                "tax_rate": 0.20,
                "fx_rate": 1.1,
                "tab": {"period_years": 1, "tax_rate": 0.30},
            },
        ],
    }


def test_shared_tab_at_each_market_rate_and_a_market_override_by_hand() -> None:
    # US takes the approach's tab (n = 2, T = its own 25 %, k = 10 %):
    #   PV = 75/1.1 + 75/1.21 = 157.5/1.21;  PVAF_end(0.10, 2) = 2.1/1.21
    #   factor = 1/(1 − 0.25/2 · 2.1/1.21) = 1.21/0.9475  ->  V = 157.5/0.9475 = 166.2269…
    # DE has its own tab (n = 1, T = 30 %, k = 5 %): PV = 160/1.05, PVAF = 1/1.05,
    #   factor = 1/(1 − 0.3/1.05) = 1.05/0.75 = 1.4  ->  V = 160/0.75 · 1.1 (FX) = 234.6667
    v = value(load_case(_case(_two_markets(tab={"period_years": 2}))))
    assert v.value == pytest.approx(157.5 / 0.9475 + 160 / 0.75 * 1.1, rel=1e-13)
    d = v.trace[0].detail
    assert d["market.US.local_tab_factor"] == pytest.approx(1.21 / 0.9475, rel=1e-14)
    assert d["market.DE.local_tab_factor"] == pytest.approx(1.4, rel=1e-14)
    assert d["market.DE.local_value_pre_tab"] == pytest.approx(160 / 1.05, rel=1e-14)
    sources = {a.name: a.source for a in v.assumptions}
    assert "market's tax rate" in sources["approaches.0.markets.0.tab.tax_rate"]
    assert sources["approaches.0.markets.1.tab.period_years"] == "case file"


def test_one_tax_rate_for_the_deduction_and_a_market_without_tab() -> None:
    # tab.tax_rate = 0.3 for every market taking the approach's tab; DE has tab false.
    # US: factor = 1/(1 − 0.3/2 · 2.1/1.21) = 1.21/(1.21 − 0.315) = 1.21/0.895
    #   V = 157.5/1.21 · 1.21/0.895 = 157.5/0.895;  DE: 160/1.05 · 1.1 (no TAB)
    a = _two_markets(tab={"period_years": 2, "tax_rate": 0.3})
    a["markets"][1]["tab"] = False
    v = value(load_case(_case(a)))
    assert v.value == pytest.approx(157.5 / 0.895 + 160 / 1.05 * 1.1, rel=1e-13)
    assert "market.DE.local_tab_factor" not in v.trace[0].detail


def test_without_any_tab_the_markets_are_plain_present_values() -> None:
    a = _two_markets(tab=False)
    a["markets"][1].pop("tab")
    v = value(load_case(_case(a)))
    assert v.value == pytest.approx(157.5 / 1.21 + 160 / 1.05 * 1.1, rel=1e-13)


def test_declining_balance_tab_equals_the_dcf_kernel_on_after_tax_flows() -> None:
    # One market, FX 1: regional (income I, tax T) = DCF on I·(1 − T) with the same TAB.
    tab = {"declining_rate": 0.25, "first_year_fraction": 0.5}
    income, t = [120.0, 130.0, 90.0], 0.3
    reg = {
        "method": "regional_income",
        "timing": "mid",
        "tab": tab,
        "markets": [
            {
                "market": "IN",
                "currency": "USD",
                "income": income,
                "discount_rate": 0.14,
                "tax_rate": t,
                "fx_rate": 1.0,
            }
        ],
    }
    dcf = {
        "method": "dcf",
        "timing": "mid",
        "discount_rate": 0.14,
        "cash_flows": [x * (1 - t) for x in income],
        "tab": {**tab, "tax_rate": t},
    }
    v_reg, v_dcf = value(load_case(_case(reg))), value(load_case(_case(dcf)))
    assert v_reg.value == pytest.approx(v_dcf.value, rel=1e-13)
    assert v_reg.value > sum(x * (1 - t) / 1.14 ** (k + 0.5) for k, x in enumerate(income))


def test_the_asset_life_caps_every_market_as_it_caps_a_dcf() -> None:
    # Remaining term 1.5 years of a 3-year forecast: the warning now describes a real cap.
    reg = {
        "method": "regional_income",
        "markets": [
            {
                "market": "US",
                "currency": "USD",
                "income": [100.0, 100.0, 100.0],
                "discount_rate": 0.1,
                "tax_rate": 0.0,
                "fx_rate": 1.0,
            }
        ],
    }
    dcf = {"method": "dcf", "discount_rate": 0.1, "cash_flows": [100.0, 100.0, 100.0], "tab": False}
    v_reg = value(load_case(_case(reg, remaining_legal_term_years=1.5)))
    v_dcf = value(load_case(_case(dcf, remaining_legal_term_years=1.5)))
    uncapped = 100 / 1.1 + 100 / 1.21 + 100 / 1.331
    assert v_reg.value == pytest.approx(v_dcf.value, rel=1e-14)
    assert v_reg.value < uncapped - 100 / 1.331  # year 3 gone, year 2 cut
    assert "life_cap" in {w.code for w in v_reg.warnings}


def test_example_recomputed_from_its_inputs() -> None:
    # examples/regional_income_patent.yaml: KR and US take the shared tab (n = 15 at the US
    # rate), JP its own (n = 8 at the JP rate); JP income stops after 4 protected years.
    v = value(load_case(EXAMPLE))
    a = {x.name: x.value for x in v.assumptions}
    p = "approaches.0."
    us_t = a[p + "tab.tax_rate"]
    markets = [  # income, k, T, FX, TAB (n, T)
        (
            [3.0e9, 3.3e9, 3.5e9, 3.6e9, 3.6e9],
            0.117,
            a[p + "markets.0.tax_rate"],
            a[p + "markets.0.fx_rate"],
            (15, us_t),
        ),
        (
            [150e6, 160e6, 170e6, 175e6, 0.0],
            0.07,
            a[p + "markets.1.tax_rate"],
            a[p + "markets.1.fx_rate"],
            (8, a[p + "markets.1.tax_rate"]),
        ),
        ([1.2e6, 1.4e6, 1.5e6, 1.6e6, 1.6e6], 0.10, a[p + "markets.2.tax_rate"], 1.0, (15, us_t)),
    ]
    total = 0.0
    for income, k, t, fx, (n, t_tab) in markets:
        pv = sum(x * (1 - t) / (1 + k) ** (y + 1) for y, x in enumerate(income))
        pvaf = (1 - (1 + k) ** -n) / k
        total += pv / (1 - t_tab / n * pvaf) * fx
    assert v.value == pytest.approx(total, rel=1e-12)
    assert a[p + "tab.period_years"] == 15 and a[p + "markets.1.tab.period_years"] == 8


def test_a_framework_fills_the_approach_tab_period() -> None:
    # SG (IVS family): TAB for a transaction, 5 years (s.19B) from METHODS §1.3 — the same value
    # as the case giving tab: {period_years: 5} itself.
    doc = read_case_data(EXAMPLE)
    doc["approaches"][0].pop("tab")
    doc["approaches"][0]["markets"][1].pop("tab")
    by_fw = value(load_case(doc), framework="SG")
    given = copy.deepcopy(doc)
    given["approaches"][0]["tab"] = {"period_years": 5}
    assert by_fw.value == pytest.approx(value(load_case(given)).value, rel=1e-14)
    assert {a.name: a.value for a in by_fw.assumptions}["framework.SG.approaches.0.tab"] == 5
    assert value(load_case(doc), framework="KR").value == value(load_case(doc)).value  # no TAB


@pytest.mark.parametrize(
    ("tab", "loc"),
    [
        ({"period_years": 0}, ("markets", 1, "tab", "period_years")),
        ({"period_years": 5, "tax_rate": 25}, ("markets", 1, "tab", "tax_rate")),
        ({"first_year_fraction": 0.5, "period_years": 5}, ("markets", 1, "tab")),
    ],
)
def test_bad_market_tab_names_its_field(tab: dict[str, Any], loc: tuple[Any, ...]) -> None:
    a = _two_markets()
    a["markets"][1]["tab"] = tab
    with pytest.raises(ValidationError) as info:
        load_case(_case(a))
    # pydantic names the union branch too (regional_income, function-after[...]): drop those
    locs = [
        tuple(x for x in e["loc"] if isinstance(x, int) or x.isidentifier())
        for e in info.value.errors()
    ]
    assert any(
        lc[3 : 3 + len(loc)] == loc for lc in locs if lc[:3] == ("approaches", 0, "regional_income")
    ), locs


def test_portfolio_regional_with_tab_equals_each_asset_alone() -> None:
    from ipvalue.valuation.portfolio import asset_case

    assets = []
    for i in range(6):
        a = _two_markets(tab={"period_years": 2 + i % 2})
        a["markets"][0]["income"] = [100.0 + i, 90.0 + i]
        assets.append(
            {
                "asset": {
                    "id": f"R{i}",
                    "type": "patent",
                    "name": f"r{i}",
                    "remaining_legal_term_years": 1.25 + i,
                },
                "approaches": [a],
            }
        )
    doc = {k: v for k, v in _case({}).items() if k not in ("asset", "approaches")}
    pf = load_case({**doc, "assets": assets})
    got = value(pf)
    alone = [value(asset_case(pf, i)).value for i in range(6)]
    assert [x.value for x in got.assets] == alone
