"""DCF and relief-from-royalty kernels: worked examples, properties and every bad-input rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.valuation.discounting import TaxAmortisation
from ipvalue.valuation.income import dcf, relief_from_royalty, relief_from_royalty_growth

REL = 1e-12
TAB15_END = TaxAmortisation(tax_rate=0.25, amortisation_years=15, timing="end")


def test_rfr_three_years_with_tab_by_hand() -> None:
    # Revenue 1000, 1100, 1210; royalty 5 %; tax 25 %; r = 10 %; end-year.
    # after-tax royalty: 1000*0.05*0.75 = 37.5, 41.25, 45.375
    # DF: 1/1.1 = 0.9090909, 1/1.21 = 0.8264463, 1/1.331 = 0.7513148
    # PV: 37.5*0.9090909 + 41.25*0.8264463 + 45.375*0.7513148 = 3 * 34.0909091 = 102.2727273
    # TAB: PVAF_end(10 %, 15) = (1 - 1.1^-15)/0.1 = 7.6060795
    #      factor = 1/(1 - 0.25/15 * 7.6060795) = 1.1451710
    # V = 102.2727273 * 1.1451710 = 117.1197646; TAB = 14.8470374
    res = relief_from_royalty(
        [1000.0, 1100.0, 1210.0], 0.05, 0.25, 0.10, timing="end", tab=TAB15_END
    )
    assert res.cash_flows == pytest.approx([37.5, 41.25, 45.375], rel=REL)
    assert res.discount_factors == pytest.approx([1 / 1.1, 1 / 1.21, 1 / 1.331], rel=REL)
    assert res.pv_explicit == pytest.approx(102.27272727272727, rel=REL)
    assert res.tab_factor == pytest.approx(1.1451710319563537, rel=REL)
    assert res.value == pytest.approx(117.1197646318998, rel=REL)
    assert res.tab == pytest.approx(14.847037359172532, rel=1e-10)
    assert res.pv_terminal == 0.0
    assert bool(res.valid)


def test_rfr_mid_year_is_end_year_times_sqrt() -> None:
    # mid-year: each factor is multiplied by 1.1^0.5 = 1.0488088, so 102.2727273 -> 107.2645...
    res = relief_from_royalty([1000.0, 1100.0, 1210.0], 0.05, 0.25, 0.10, timing="mid", tab=None)
    assert res.value == pytest.approx(102.27272727272727 * 1.1**0.5, rel=REL)
    assert res.tab == 0.0 and res.tab_factor == 1.0


def test_rfr_tab_period_is_independent_of_horizon() -> None:
    # a 3-year projection with a 15-year tax amortisation: the factor uses n = 15, not 3
    res = relief_from_royalty([1000.0] * 3, 0.05, 0.25, 0.10, timing="end", tab=TAB15_END)
    n3 = TaxAmortisation(tax_rate=0.25, amortisation_years=3, timing="end")
    res3 = relief_from_royalty([1000.0] * 3, 0.05, 0.25, 0.10, timing="end", tab=n3)
    assert res.tab_factor == pytest.approx(1.1451710319563537, rel=REL)
    assert res3.tab_factor == pytest.approx(1 / (1 - 0.25 / 3 * (1 - 1.1**-3) / 0.1), rel=REL)


def test_dcf_with_gordon_terminal_value_by_hand() -> None:
    # flows 100, 100; r = 10 %; g = 2 %; end-year; TV discounted with the final factor
    # PV explicit = 90.9090909 + 82.6446281 = 173.5537190
    # TV_2 = 100*1.02/0.08 = 1275; PV(TV) = 1275/1.21 = 1053.7190083; V = 1227.2727273
    res = dcf(
        [100.0, 100.0],
        0.10,
        timing="end",
        tab=None,
        terminal_growth=0.02,
        tv_discounting="final_factor",
    )
    assert res.pv_explicit == pytest.approx(173.55371900826447, rel=REL)
    assert res.terminal_value == pytest.approx(1275.0, rel=REL)
    assert res.pv_terminal == pytest.approx(1053.719008264463, rel=REL)
    assert res.value == pytest.approx(1227.2727272727275, rel=REL)
    assert res.rate_growth_spread == pytest.approx(0.08, rel=REL)
    assert res.tv_share == pytest.approx(1053.719008264463 / 1227.2727272727275, rel=REL)


def test_tv_discounting_conventions_under_mid_year() -> None:
    kw = dict(timing="mid", tab=None, terminal_growth=0.02)
    final = dcf([100.0, 100.0], 0.10, tv_discounting="final_factor", **kw)  # type: ignore[arg-type]
    horizon = dcf([100.0, 100.0], 0.10, tv_discounting="end_of_horizon", **kw)  # type: ignore[arg-type]
    assert final.pv_terminal == pytest.approx(1275 * 1.1**-1.5, rel=REL)
    assert horizon.pv_terminal == pytest.approx(1275 * 1.1**-2, rel=REL)


def test_dcf_probability_weights_by_hand() -> None:
    # 0.5*100/1.1 + 0.8*100/1.21 = 45.4545455 + 66.1157025 = 111.5702479
    res = dcf([100.0, 100.0], 0.10, timing="end", tab=None, probability=[0.5, 0.8])
    assert res.value == pytest.approx(111.5702479338843, rel=REL)
    assert res.cash_flows == pytest.approx([50.0, 80.0], rel=REL)


def test_dcf_fractional_life_end_year_by_hand() -> None:
    # life 2.5 y: years 1, 2 whole, year 3 earns half its flow (50) received at t = 2.5
    # 100/1.1 + 100/1.21 + 50*1.1^-2.5 = 90.9090909 + 82.6446281 + 39.3992805 = 212.9529996
    res = dcf([100.0, 100.0, 100.0], 0.10, timing="end", tab=None, life=2.5)
    assert res.value == pytest.approx(212.952999555603, rel=REL)
    assert res.cash_flows == pytest.approx([100.0, 100.0, 50.0], rel=REL)


def test_dcf_fractional_life_mid_year_by_hand() -> None:
    # mid-year: the half year's midpoint is 2.25
    # 100*1.1^-0.5 + 100*1.1^-1.5 + 50*1.1^-2.25
    #   = 95.3462589 + 86.6784172 + 40.3493426 = 222.3740187
    res = dcf([100.0, 100.0, 100.0], 0.10, timing="mid", tab=None, life=2.5)
    assert res.value == pytest.approx(222.37401867731182, rel=REL)


@pytest.mark.parametrize("timing", ["end", "mid"])
def test_vectorised_life_matches_flow_times(timing: str) -> None:
    # per-asset lives and rates: each partial year's flow arrives at t-1+f (end) / t-1+f/2 (mid)
    life = np.array([0.4, 2.5, 3.0, 7.0])
    rate = np.array([0.1, 0.2, 0.05, 0.3])
    flows = np.array([[10.0, 20.0, 30.0]] * 4)
    res = dcf(flows, rate, timing=timing, tab=None, life=life)  # type: ignore[arg-type]
    for i in range(4):
        total = 0.0
        for t in range(1, 4):
            f = min(max(life[i] - (t - 1), 0.0), 1.0)
            when = t - 1 + (f / 2 if timing == "mid" else f)
            total += f * flows[i, t - 1] * (1 + rate[i]) ** -when
        assert res.value[i] == pytest.approx(total, rel=1e-13)


def test_finite_life_terminal_value_equals_explicit_extension() -> None:
    # life 5 with 3 explicit years and g = 2 %: the TV is the growing annuity over years 4, 5,
    # i.e. the same as discounting 102 and 104.04 explicitly
    short = dcf(
        [100.0, 100.0, 100.0],
        0.10,
        timing="end",
        tab=None,
        terminal_growth=0.02,
        tv_discounting="final_factor",
        life=5.0,
    )
    full = dcf([100.0, 100.0, 100.0, 102.0, 104.04], 0.10, timing="end", tab=None)
    assert short.value == pytest.approx(full.value, rel=REL)
    assert np.isnan(short.rate_growth_spread)  # finite annuity: no perpetual spread


def test_finite_life_within_horizon_drops_terminal_value() -> None:
    res = dcf(
        [100.0, 100.0, 100.0],
        0.10,
        timing="end",
        tab=None,
        terminal_growth=0.02,
        tv_discounting="final_factor",
        life=2.0,
    )
    assert res.pv_terminal == 0.0
    assert res.value == pytest.approx(100 / 1.1 + 100 / 1.21, rel=REL)


def test_stub_timing() -> None:
    res = dcf([100.0, 100.0], 0.10, timing="stub", times=[0.25, 1.25], tab=None)
    assert res.value == pytest.approx(100 * 1.1**-0.25 + 100 * 1.1**-1.25, rel=REL)


def test_vectorised_paths_equal_single_calls() -> None:
    rates = np.array([0.08, 0.12, 0.2])
    rev = np.array([[100.0, 110.0, 120.0], [90.0, 95.0, 99.0], [50.0, 60.0, 70.0]])
    royalty = np.array([0.03, 0.05, 0.04])
    kw = dict(timing="mid", terminal_growth=0.02, tv_discounting="final_factor", tab=TAB15_END)
    vec = relief_from_royalty(rev, royalty, 0.25, rates, **kw)  # type: ignore[arg-type]
    for i in range(3):
        one = relief_from_royalty(rev[i], royalty[i], 0.25, rates[i], **kw)  # type: ignore[arg-type]
        assert vec.value[i] == pytest.approx(float(one.value), rel=1e-13)
        assert vec.pv_terminal[i] == pytest.approx(float(one.pv_terminal), rel=1e-13)


def test_nan_mode_masks_g_at_or_above_r() -> None:
    rates = np.array([0.10, 0.02, 0.03])
    res = dcf(
        [100.0, 100.0],
        rates,
        timing="end",
        tab=None,
        terminal_growth=0.03,
        tv_discounting="final_factor",
        invalid="nan",
    )
    assert res.valid.tolist() == [True, False, False]
    assert np.isnan(res.value[1:]).all()
    assert res.value[0] == pytest.approx(100 / 1.1 + 100 / 1.21 + 103 / 0.07 / 1.21, rel=REL)
    with pytest.raises(InputError) as err:
        dcf(
            [100.0, 100.0],
            rates,
            timing="end",
            tab=None,
            terminal_growth=0.03,
            tv_discounting="final_factor",
        )
    assert err.value.field == "terminal_growth"


def test_nan_mode_masks_invalid_draws_per_rule() -> None:
    res = relief_from_royalty_growth(
        100.0,
        np.array([0.05, -1.2, 0.05, 0.05]),
        np.array([0.05, 0.05, -0.01, 0.05]),
        0.25,
        np.array([0.1, 0.1, 0.1, -1.5]),
        horizon=10,
        timing="end",
        tab=TAB15_END,
        invalid="nan",
    )
    assert res.valid.tolist() == [True, False, False, False]
    assert np.isfinite(res.value[0]) and np.isnan(res.value[1:]).all()


@pytest.mark.parametrize("timing", ["end", "mid"])
@pytest.mark.parametrize("tv", [None, "final_factor", "end_of_horizon"])
def test_growth_closed_form_equals_general_path(timing: str, tv: str | None) -> None:
    rng = np.random.default_rng(7)
    n, horizon = 2000, 20
    rate = rng.uniform(0.05, 0.25, n)
    growth = rng.uniform(-0.1, 0.3, n)
    growth[:50] = rate[:50]  # g == r exactly: the geometric sum's limit N
    growth[50:100] = rate[50:100] + 1e-10
    base = rng.uniform(50, 150, n)
    royalty = rng.uniform(0.01, 0.1, n)
    rev = base[:, None] * (1 + growth[:, None]) ** np.arange(1, horizon + 1)
    kw = dict(
        timing=timing,
        tab=TaxAmortisation(tax_rate=0.3, amortisation_years=15, timing="mid"),
        terminal_growth=None if tv is None else 0.02,
        tv_discounting=tv,
    )
    general = relief_from_royalty(rev, royalty, 0.3, rate, series=False, **kw)  # type: ignore[arg-type]
    closed = relief_from_royalty_growth(base, growth, royalty, 0.3, rate, horizon=horizon, **kw)  # type: ignore[arg-type]
    np.testing.assert_allclose(closed.value, general.value, rtol=1e-12, atol=0)
    np.testing.assert_allclose(closed.pv_terminal, general.pv_terminal, rtol=1e-12, atol=0)
    assert closed.discount_factors is None and closed.cash_flows is None


def test_growth_closed_form_many_paths_match_single_calls() -> None:
    rng = np.random.default_rng(3)
    n = 40_000
    block = 16_384  # spot-check paths across the array
    rate = rng.uniform(0.05, 0.25, n)
    growth = rng.uniform(-0.1, 0.3, n)
    growth[-1] = -2.0  # an invalid draw in the last block
    tab_rates = rng.uniform(0.1, 0.3, n)
    tab = TaxAmortisation(tax_rate=tab_rates, amortisation_years=15, timing="end")
    kw = dict(
        horizon=12, timing="mid", tab=tab, terminal_growth=0.01, tv_discounting="end_of_horizon"
    )
    whole = relief_from_royalty_growth(100.0, growth, 0.05, 0.25, rate, invalid="nan", **kw)  # type: ignore[arg-type]
    assert whole.value.shape == (n,) and whole.valid.sum() == n - 1
    assert np.isnan(whole.value[-1])
    for i in (0, block - 1, block, n - 2):
        one = relief_from_royalty_growth(
            100.0,
            growth[i],
            0.05,
            0.25,
            rate[i],
            horizon=12,
            timing="mid",
            tab=TaxAmortisation(float(tab_rates[i]), 15, "end"),
            terminal_growth=0.01,
            tv_discounting="end_of_horizon",
        )
        assert whole.value[i] == pytest.approx(float(one.value), rel=1e-14)
        assert whole.tab[i] == pytest.approx(float(one.tab), rel=1e-13)
    with pytest.raises(InputError) as err:
        relief_from_royalty_growth(100.0, growth, 0.05, 0.25, rate, **kw)  # type: ignore[arg-type]
    assert err.value.field == "growth"


pos = st.floats(0.001, 0.5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 1e6), min_size=1, max_size=25),
    pos,
    pos,
    st.floats(0.01, 0.4),
    st.sampled_from(["end", "mid"]),
)
def test_value_rises_with_royalty_and_falls_with_rate(
    revenue: list[float], rho: float, bump: float, r: float, timing: str
) -> None:
    kw = dict(timing=timing, tab=TAB15_END)
    base = relief_from_royalty(revenue, rho / 2, 0.25, r, **kw)  # type: ignore[arg-type]
    higher_royalty = relief_from_royalty(revenue, rho / 2 + bump / 2, 0.25, r, **kw)  # type: ignore[arg-type]
    higher_rate = relief_from_royalty(revenue, rho / 2, 0.25, r + bump, **kw)  # type: ignore[arg-type]
    assert higher_royalty.value > base.value
    assert higher_rate.value < base.value


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e5, 1e5), min_size=1, max_size=25), st.floats(-0.5, 1.0))
def test_dcf_mid_year_equals_end_year_times_sqrt(flows: list[float], r: float) -> None:
    end = dcf(flows, r, timing="end", tab=None)
    mid = dcf(flows, r, timing="mid", tab=None)
    assert mid.value == pytest.approx(end.value * (1 + r) ** 0.5, rel=1e-10, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e5, 1e5), min_size=1, max_size=25))
def test_dcf_at_zero_rate_is_sum(flows: list[float]) -> None:
    assert dcf(flows, 0.0, timing="end", tab=None).value == pytest.approx(
        sum(flows), rel=1e-12, abs=1e-6
    )


RFR = dict(timing="end", tab=None)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(royalty_rate=-0.01), "royalty_rate"),
        (dict(royalty_rate=1.5), "royalty_rate"),
        (dict(tax_rate=1.0), "tax_rate"),
        (dict(tax_rate=-0.2), "tax_rate"),
        (dict(rate=-1.0), "rate"),
        (dict(revenue=[100.0, -1.0]), "revenue"),
        (dict(revenue=[100.0, float("nan")]), "revenue"),
        (dict(revenue=[]), "revenue"),
        (dict(revenue=5.0), "revenue"),
        (dict(timing="annual"), "timing"),
        (dict(probability=[0.5, 1.2]), "probability"),
        (dict(probability=[0.5]), "probability"),
        (dict(life=0.0), "life"),
        (dict(life=2.0, timing="stub", times=[1.0, 2.0]), "life"),
        (dict(timing="stub"), "times"),
        (dict(timing="stub", times=[1.0]), "times"),
        (dict(timing="stub", times=[-1.0, 1.0]), "times"),
        (dict(times=[1.0, 2.0]), "times"),
        (dict(terminal_growth=0.02), "tv_discounting"),
        (dict(terminal_growth=0.02, tv_discounting="gordon"), "tv_discounting"),
        (
            dict(
                terminal_growth=0.02,
                tv_discounting="end_of_horizon",
                timing="stub",
                times=[1.0, 2.0],
            ),
            "tv_discounting",
        ),
        (dict(terminal_growth=0.1, tv_discounting="final_factor"), "terminal_growth"),
        (dict(terminal_growth=-1.0, tv_discounting="final_factor"), "terminal_growth"),
        (dict(rate=[0.1, 0.2], royalty_rate=[0.1, 0.2, 0.3]), "rate"),
        (dict(tab=(0.25, 15, "end")), "tab"),
        (dict(tab=TaxAmortisation(0.25, 15, "annual")), "tab.timing"),  # type: ignore[arg-type]
        (dict(tab=TaxAmortisation(0.25, 0, "end")), "tab.amortisation_years"),
        (dict(tab=TaxAmortisation(1.25, 15, "end")), "tab.tax_rate"),
        (dict(invalid="ignore"), "invalid"),
    ],
)
def test_rfr_bad_input_names_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = dict(
        revenue=[100.0, 100.0], royalty_rate=0.05, tax_rate=0.25, rate=0.1, timing="end", tab=None
    )
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        relief_from_royalty(**args)  # type: ignore[arg-type]
    assert err.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(growth=-1.0), "growth"),
        (dict(base_revenue=-5.0), "base_revenue"),
        (dict(horizon=0), "horizon"),
        (dict(timing="stub"), "timing"),
        (dict(royalty_rate=2.0), "royalty_rate"),
        (dict(terminal_growth=0.2, tv_discounting="final_factor"), "terminal_growth"),
        (dict(rate=-1.0), "rate"),
        (dict(tax_rate=1.0), "tax_rate"),
        (dict(growth=[0.1, 0.2], rate=[0.1, 0.2, 0.3]), "rate"),
    ],
)
def test_rfr_growth_bad_input_names_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = dict(
        base_revenue=100.0,
        growth=0.05,
        royalty_rate=0.05,
        tax_rate=0.25,
        rate=0.1,
        horizon=10,
        timing="end",
        tab=None,
    )
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        relief_from_royalty_growth(**args)  # type: ignore[arg-type]
    assert err.value.field == field


def test_dcf_non_finite_flows_rejected() -> None:
    with pytest.raises(InputError) as err:
        dcf([1.0, float("inf")], 0.1, timing="end", tab=None)
    assert err.value.field == "cash_flows"
