"""MPEEM, with-and-without, premium profit, profit split, 25 % rule, regional income, warnings."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from ipvalue.core.errors import InputError
from ipvalue.valuation.discounting import TaxAmortisation
from ipvalue.valuation.income import (
    ContributoryAsset,
    Market,
    dcf,
    excess_earnings,
    income_warning_flags,
    premium_profit_flows,
    profit_split,
    reconcile_asset_returns,
    regional_income,
    relief_from_royalty,
    royalty_rate_from_split,
    rule_of_25,
    sanity_check,
    split_from_royalty_rate,
    with_and_without,
)

REL = 1e-12

WC = ContributoryAsset("working capital", "working_capital", [100.0, 110.0], 0.05)
PPE = ContributoryAsset("plant", "fixed_asset", [300.0, 280.0], 0.08, depreciation_in_ebita=True)
CUSTOMERS = ContributoryAsset(
    "customer list",
    "intangible",
    [50.0, 40.0],
    0.12,
    depreciation=10.0,
    depreciation_in_ebita=False,
)


def test_mpeem_by_hand() -> None:
    # EBITA 200, 220; T = 25 % -> after tax 150, 165
    # working capital: return on 5 % x 100, 110 = 5, 5.5 (no return of)
    # plant: return on 8 % x 300, 280 = 24, 22.4; depreciation already in EBITA -> no return of
    # customer list: return on 12 % x 50, 40 = 6, 4.8; return of 10, 10
    # EE = 150 - 5 - 24 - 6 - 10 = 105; 165 - 5.5 - 22.4 - 4.8 - 10 = 122.3
    # V = 105/1.15 + 122.3/1.3225 = 91.3043478 + 92.4763705 = 183.7807183
    res = excess_earnings([200.0, 220.0], 0.25, 0.15, [WC, PPE, CUSTOMERS], timing="end", tab=None)
    assert res.after_tax_earnings == pytest.approx([150.0, 165.0], rel=REL)
    assert res.excess_earnings == pytest.approx([105.0, 122.3], rel=REL)
    on = {c.name: c.return_on.tolist() for c in res.charges}
    of = {c.name: c.return_of.tolist() for c in res.charges}
    assert on["working capital"] == pytest.approx([5.0, 5.5])
    assert on["plant"] == pytest.approx([24.0, 22.4])
    assert of["plant"] == [0.0, 0.0]
    assert of["customer list"] == [10.0, 10.0]
    assert res.value == pytest.approx(183.78071833648397, rel=REL)


def test_mpeem_with_tab_applies_factor() -> None:
    tab = TaxAmortisation(tax_rate=0.25, amortisation_years=15, timing="end")
    res = excess_earnings([200.0, 220.0], 0.25, 0.15, [WC, PPE, CUSTOMERS], timing="end", tab=tab)
    factor = 1 / (1 - 0.25 / 15 * (1 - 1.15**-15) / 0.15)
    assert res.value == pytest.approx(183.78071833648397 * factor, rel=REL)


def test_mpeem_without_charges_and_tax_is_dcf() -> None:
    ebita = np.array([[100.0, 120.0, 90.0], [50.0, 60.0, 70.0]])
    res = excess_earnings(ebita, 0.0, np.array([0.1, 0.2]), [], timing="mid", tab=None)
    ref = dcf(ebita, np.array([0.1, 0.2]), timing="mid", tab=None)
    np.testing.assert_allclose(res.value, ref.value, rtol=1e-14)


def test_mpeem_vectorised_balances() -> None:
    wc = ContributoryAsset("wc", "working_capital", np.array([[100.0, 100.0], [0.0, 0.0]]), 0.1)
    res = excess_earnings([100.0, 100.0], 0.0, 0.0, [wc], timing="end", tab=None)
    assert res.value == pytest.approx([180.0, 200.0], rel=REL)


def test_wara_reconciliation_by_hand() -> None:
    # values 100, 300, 200, 300, 100 (total 1000) at 4 %, 7 %, 10 %, 14 %, 18 %
    # WARA = (4 + 21 + 20 + 42 + 18) / 1000 = 0.105; gap to a 10 % WACC = 0.005
    values = {"wc": 100.0, "ppe": 300.0, "customers": 200.0, "subject": 300.0, "goodwill": 100.0}
    rates = {"wc": 0.04, "ppe": 0.07, "customers": 0.10, "subject": 0.14, "goodwill": 0.18}
    rec = reconcile_asset_returns(values, rates, 0.10)
    assert rec.wara == pytest.approx(0.105, rel=REL)
    assert rec.gap == pytest.approx(0.005, rel=1e-10)
    assert rec.weights["subject"] == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("values", "rates", "wacc", "field"),
    [
        ({}, {}, 0.1, "fair_values"),
        ({"a": 1.0}, {"b": 0.1}, 0.1, "required_returns"),
        ({"a": 1.0}, {"a": 0.1}, -1.0, "wacc"),
        ({"a": -1.0}, {"a": 0.1}, 0.1, "fair_values.a"),
        ({"a": 1.0}, {"a": -1.5}, 0.1, "required_returns.a"),
        ({"a": 0.0}, {"a": 0.1}, 0.1, "fair_values"),
    ],
)
def test_wara_bad_input(
    values: dict[str, float], rates: dict[str, float], wacc: float, field: str
) -> None:
    with pytest.raises(InputError) as err:
        reconcile_asset_returns(values, rates, wacc)
    assert err.value.field == field


def test_with_and_without_by_hand() -> None:
    # with 120, 130; without (incl. design-around cost) 100, 105 -> 20, 25
    # 20/1.1 + 25/1.21 = 18.1818182 + 20.6611570 = 38.8429752
    res = with_and_without([120.0, 130.0], [100.0, 105.0], 0.10, timing="end", tab=None)
    assert res.cash_flows == pytest.approx([20.0, 25.0])
    assert res.value == pytest.approx(38.84297520661157, rel=REL)


def test_premium_profit_by_hand() -> None:
    # [(12 - 10) x 100 + (100 - 80) x 3 - 50] x (1 - 0.25) = (200 + 60 - 50) x 0.75 = 157.5
    flows = premium_profit_flows(
        price_with=[12.0, 12.0],
        price_generic=10.0,
        quantity_with=100.0,
        quantity_without=80.0,
        unit_margin=3.0,
        delta_cost=[50.0, 0.0],
        tax_rate=0.25,
    )
    assert flows == pytest.approx([157.5, 195.0], rel=REL)


def test_profit_split_by_hand_and_equal_to_rfr_at_k_times_margin() -> None:
    # profit 400, 500; K = 25 %; T = 20 % -> 80, 100; 80/1.1 + 100/1.21 = 155.3719008
    res = profit_split([400.0, 500.0], 0.25, 0.20, 0.10, timing="end", tab=None)
    assert res.value == pytest.approx(155.37190082644628, rel=REL)
    # revenue 2000, 2500 at a 20 % margin: rho = 0.25 x 0.20 = 5 % gives the same value
    rho = royalty_rate_from_split(0.25, 0.20)
    assert rho == pytest.approx(0.05, rel=REL)
    rfr = relief_from_royalty([2000.0, 2500.0], rho, 0.20, 0.10, timing="end", tab=None)
    assert rfr.value == pytest.approx(res.value, rel=REL)
    assert split_from_royalty_rate(0.05, 0.20) == pytest.approx(0.25, rel=REL)


def test_rule_of_25_is_labelled_sanity_check() -> None:
    # 0.25 x 400 = 100 on revenue 2000 -> 5 %
    check = sanity_check.rule_of_25(400.0, 2000.0)
    assert check is not None and check.label == "sanity check, not a valuation method"
    assert not check.is_valuation_method
    assert check.royalty == pytest.approx(100.0) and check.royalty_rate == pytest.approx(0.05)
    assert rule_of_25(np.array([400.0, 800.0]), 2000.0).royalty_rate == pytest.approx([0.05, 0.1])


def test_regional_shared_income_by_hand() -> None:
    # income 1000, 1000. US: 60 %, r 10 %, T 25 % -> 450, 450 -> 409.0909 + 371.9008 = 780.9917
    # JP: 40 %, r 8 %, T 30 %, right lapses after year 1 -> 280/1.08 = 259.2593
    us = Market("US", "USD", 1.0, 0.10, 0.25, tab=None, weight=0.6)
    jp = Market("JP", "USD", 1.0, 0.08, 0.30, tab=None, weight=0.4, availability=[1, 0])
    res = regional_income([1000.0, 1000.0], [us, jp], timing="end")
    assert res.markets[0].value == pytest.approx(780.9917355371902, rel=REL)
    assert res.markets[1].value == pytest.approx(259.25925925925924, rel=REL)
    assert res.value == pytest.approx(1040.2509947964495, rel=REL)


def test_regional_own_income_converted_at_spot() -> None:
    # KR: 1,000,000 and 1,100,000 KRW, T 22 %, r 12 % -> 780,000/1.12 + 858,000/1.2544
    #   = 696,428.571 + 683,992.347 = 1,380,420.918 KRW x 0.00075 USD/KRW = 1,035.3157 USD
    kr = Market("KR", "KRW", 0.00075, 0.12, 0.22, tab=None, income=[1_000_000.0, 1_100_000.0])
    res = regional_income(None, [kr], timing="end")
    assert res.markets[0].local.value == pytest.approx(1380420.9183673467, rel=REL)
    assert res.value == pytest.approx(1035.3156887755101, rel=REL)


def test_regional_growth_renormalises_shares() -> None:
    # 50/50 base shares; US grows 10 % relative: year 2 shares 0.55/1.05, 0.50/1.05
    us = Market("US", "USD", 1.0, 0.0, 0.0, tab=None, weight=0.5, growth=0.10)
    eu = Market("EU", "USD", 1.0, 0.0, 0.0, tab=None, weight=0.5, growth=0.0)
    res = regional_income([100.0, 100.0], [us, eu], timing="end")
    assert res.markets[0].weights == pytest.approx([0.5, 0.55 / 1.05], rel=REL)
    assert res.markets[1].weights == pytest.approx([0.5, 0.5 / 1.05], rel=REL)
    assert res.value == pytest.approx(200.0, rel=REL)


def test_warning_flags() -> None:
    res = dcf(
        [100.0, 100.0],
        0.10,
        timing="end",
        tab=None,
        terminal_growth=0.02,
        tv_discounting="final_factor",
    )
    # PV(TV)/V = 1053.719/1227.273 = 0.8586 > 0.75; r - g = 0.08 < 0.10
    flags = income_warning_flags(res, max_tv_share=0.75, min_spread=0.10, finite_right=True)
    assert all(bool(v) for v in flags.values())
    calm = income_warning_flags(res, max_tv_share=0.9, min_spread=0.05, finite_right=False)
    assert not any(bool(v) for v in calm.values())
    capped = dcf(
        [100.0, 100.0],
        0.10,
        timing="end",
        tab=None,
        terminal_growth=0.02,
        tv_discounting="final_factor",
        life=10.0,
    )
    flags = income_warning_flags(capped, max_tv_share=0.99, min_spread=0.10, finite_right=True)
    assert not flags["perpetual_tv_on_finite_right"] and not flags["narrow_spread"]


def _mpeem(assets: list[ContributoryAsset], **kw: object) -> None:
    tax = kw.pop("tax_rate", 0.25)
    args: dict[str, object] = dict(timing="end", tab=None)
    args.update(kw)
    excess_earnings([200.0, 220.0], tax, 0.15, assets, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("assets", "kw", "field"),
    [
        (
            [ContributoryAsset("s", "intangible", 1.0, 0.1, is_subject=True)],
            {},
            "contributory_assets.0",
        ),
        ([ContributoryAsset("x", "goodwill", 1.0, 0.1)], {}, "contributory_assets.0.kind"),  # type: ignore[arg-type]
        (
            [ContributoryAsset("w", "working_capital", 1.0, 0.1, depreciation=1.0)],
            {},
            "contributory_assets.0.depreciation",
        ),
        (
            [ContributoryAsset("f", "fixed_asset", 1.0, 0.1)],
            {},
            "contributory_assets.0.depreciation_in_ebita",
        ),
        (
            [ContributoryAsset("f", "fixed_asset", 1.0, 0.1, depreciation_in_ebita=False)],
            {},
            "contributory_assets.0.depreciation",
        ),
        (
            [
                ContributoryAsset(
                    "f", "fixed_asset", 1.0, 0.1, depreciation=-1.0, depreciation_in_ebita=False
                )
            ],
            {},
            "contributory_assets.0.depreciation",
        ),
        ([WC, WC], {}, "contributory_assets"),
        (
            [ContributoryAsset("w", "working_capital", -1.0, 0.1)],
            {},
            "contributory_assets.0.average_balance",
        ),
        (
            [ContributoryAsset("w", "working_capital", [1.0, 2.0, 3.0], 0.1)],
            {},
            "contributory_assets.0.average_balance",
        ),
        (
            [ContributoryAsset("w", "working_capital", 1.0, -2.0)],
            {},
            "contributory_assets.0.required_return",
        ),
        (["not an asset"], {}, "contributory_assets.0"),
        ([], {"tax_rate": 1.0}, "tax_rate"),
        ([], {"timing": "annual"}, "timing"),
    ],
)
def test_mpeem_bad_input(
    assets: list[ContributoryAsset], kw: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as err:
        _mpeem(assets, **kw)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda: with_and_without([1.0, 2.0], [1.0], 0.1, timing="end", tab=None),
            "cash_flows_without",
        ),
        (
            lambda: premium_profit_flows(
                price_with=1,
                price_generic=1,
                quantity_with=-1,
                quantity_without=0,
                unit_margin=1,
                delta_cost=0,
                tax_rate=0.2,
            ),
            "quantity_with",
        ),
        (
            lambda: premium_profit_flows(
                price_with=1,
                price_generic=1,
                quantity_with=1,
                quantity_without=-1,
                unit_margin=1,
                delta_cost=0,
                tax_rate=0.2,
            ),
            "quantity_without",
        ),
        (
            lambda: premium_profit_flows(
                price_with=1,
                price_generic=1,
                quantity_with=1,
                quantity_without=0,
                unit_margin=1,
                delta_cost=0,
                tax_rate=1.2,
            ),
            "tax_rate",
        ),
        (
            lambda: premium_profit_flows(
                price_with=[1, 2],
                price_generic=[1, 2, 3],
                quantity_with=1,
                quantity_without=0,
                unit_margin=1,
                delta_cost=0,
                tax_rate=0.2,
            ),
            "premium_profit",
        ),
        (
            lambda: premium_profit_flows(
                price_with=float("nan"),
                price_generic=1,
                quantity_with=1,
                quantity_without=0,
                unit_margin=1,
                delta_cost=0,
                tax_rate=0.2,
            ),
            "price_with",
        ),
        (lambda: profit_split([1.0], 1.5, 0.2, 0.1, timing="end", tab=None), "split"),
        (lambda: profit_split([1.0], 0.5, 1.0, 0.1, timing="end", tab=None), "tax_rate"),
        (lambda: royalty_rate_from_split(0.25, 1.5), "operating_margin"),
        (lambda: royalty_rate_from_split(-0.1, 0.2), "split"),
        (lambda: split_from_royalty_rate(0.05, 0.0), "operating_margin"),
        (lambda: split_from_royalty_rate(1.05, 0.2), "royalty_rate"),
        (lambda: rule_of_25(100.0, 0.0), "revenue"),
        (lambda: rule_of_25(float("nan"), 10.0), "operating_profit"),
    ],
)
def test_other_income_bad_input(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert err.value.field == field


def _m(name: str = "US", **kw: object) -> Market:
    args: dict[str, object] = dict(
        currency="USD", fx_rate=1.0, discount_rate=0.1, tax_rate=0.25, tab=None, weight=1.0
    )
    args.update(kw)
    return Market(name, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("income", "markets", "field"),
    [
        ([1.0, 1.0], [], "markets"),
        ([1.0, 1.0], [_m(weight=0.5), _m(weight=0.5)], "markets"),
        ([1.0, 1.0], [_m(weight=0.5), _m("EU", weight=0.4)], "markets"),
        ([1.0, 1.0], [_m(weight=1.2)], "markets.0.weight"),
        ([1.0, 1.0], [_m(weight=None)], "markets.0.weight"),
        ([1.0, 1.0], [_m(weight=[0.5, 0.5, 0.5])], "markets.0.weight"),
        ([1.0, 1.0], [_m(weight=[1.0, 1.0], growth=0.1)], "markets.0.growth"),
        ([1.0, 1.0], [_m(growth=-1.0)], "markets.0.growth"),
        ([1.0, 1.0], [_m(availability=[1, 2])], "markets.0.availability"),
        ([1.0, 1.0], [_m(fx_rate=0.0)], "markets.0.fx_rate"),
        ([1.0, 1.0], [_m(tax_rate=1.0)], "markets.0.tax_rate"),
        ([1.0, 1.0], [_m(discount_rate=-1.0)], "markets.0.rate"),
        ([1.0, 1.0], [_m(terminal_growth=0.2)], "tv_discounting"),
        (None, [_m()], "income"),
        ([1.0, 1.0], [_m(weight=None, income=[1.0, 1.0])], "income"),
        (None, [_m(weight=None, income=[1.0, 1.0]), _m("EU", weight=1.0)], "markets"),
    ],
)
def test_regional_bad_input(income: list[float] | None, markets: list[Market], field: str) -> None:
    with pytest.raises(InputError) as err:
        regional_income(income, markets, timing="end")
    assert err.value.field == field


def test_regional_paths_must_agree() -> None:
    with pytest.raises(InputError) as err:
        regional_income([[1.0], [2.0]], [_m(discount_rate=[0.1, 0.2, 0.3])], timing="end")
    assert err.value.field == "markets.0"


def test_regional_market_rule_is_prefixed() -> None:
    with pytest.raises(InputError) as err:
        regional_income(
            [1.0], [_m(terminal_growth=0.2)], timing="end", tv_discounting="final_factor"
        )
    assert err.value.field == "markets.0.terminal_growth"


def test_warning_thresholds_validated() -> None:
    res = dcf([1.0], 0.1, timing="end", tab=None)
    with pytest.raises(InputError, match="max_tv_share"):
        income_warning_flags(res, max_tv_share=0.0, min_spread=0.01, finite_right=False)
    with pytest.raises(InputError, match="min_spread"):
        income_warning_flags(res, max_tv_share=0.5, min_spread=-0.01, finite_right=False)
