"""Discount factors, PVAF, Gordon TV and the TAB factor against hand-worked arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, cast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.valuation.discounting import (
    discount_factors,
    flow_times,
    gordon_terminal_value,
    npv,
    present_value,
    pvaf,
    tab_factor,
    terminal_discount_factor,
)

REL = 1e-12


def test_end_year_factors_by_hand() -> None:
    # 1/1.1 = 0.9090909..., 1/1.21 = 0.8264462..., 1/1.331 = 0.7513148...
    df = discount_factors(0.10, 3, timing="end")
    assert df == pytest.approx([1 / 1.1, 1 / 1.21, 1 / 1.331], rel=REL)
    assert df[0] == pytest.approx(0.9090909090909091, rel=REL)


def test_mid_year_factors_by_hand() -> None:
    # (1.1)^-0.5 = 0.9534625892, (1.1)^-1.5 = 0.8667841720, (1.1)^-2.5 = 0.7879856109
    df = discount_factors(0.10, 3, timing="mid")
    assert df == pytest.approx([0.9534625892455922, 0.8667841720414475, 0.7879856109467704])


def test_stub_factors_use_year_fractions() -> None:
    # valuation 1 Oct, flows at 31 Dec (0.25 y) and one year later (1.25 y)
    df = discount_factors(0.08, timing="stub", times=[0.25, 1.25])
    assert df == pytest.approx([1.08**-0.25, 1.08**-1.25], rel=REL)


def test_flow_times() -> None:
    assert flow_times(3, timing="end").tolist() == [1.0, 2.0, 3.0]
    assert flow_times(3, timing="mid").tolist() == [0.5, 1.5, 2.5]


def test_vectorised_rates_match_scalar_calls() -> None:
    rates = np.array([0.05, 0.1, 0.2])
    for timing in ("end", "mid"):
        timing = cast(Literal["end", "mid"], timing)
        df = discount_factors(rates, 20, timing=timing)
        assert df.shape == (3, 20)
        for i, r in enumerate(rates):
            np.testing.assert_allclose(df[i], discount_factors(r, 20, timing=timing), rtol=1e-14)


def test_pvaf_end_and_mid_by_hand() -> None:
    # PVAF_end(10%, 3) = 0.9090909 + 0.8264463 + 0.7513148 = 2.4868520
    assert pvaf(0.10, 3, timing="end") == pytest.approx(2.486851990984222, rel=REL)
    # PVAF_mid = PVAF_end * 1.1^0.5 = 2.4868520 * 1.0488088 = 2.6082322
    assert pvaf(0.10, 3, timing="mid") == pytest.approx(2.486851990984222 * 1.1**0.5, rel=REL)


def test_pvaf_zero_rate_is_number_of_periods() -> None:
    assert pvaf(0.0, 15, timing="end") == 15.0
    assert pvaf(np.array([0.0, 1e-12]), 15, timing="end") == pytest.approx([15.0, 15.0], rel=1e-9)


def test_tab_factor_by_hand() -> None:
    # PVAF_end(10%, 15) = (1 - 1.1^-15) / 0.1 = (1 - 0.2393920) / 0.1 = 7.6060795
    # factor = 1 / (1 - 0.25/15 * 7.6060795) = 1 / (1 - 0.1267680) = 1.1451717
    pv = (1 - 1.1**-15) / 0.1
    assert pv == pytest.approx(7.606079506308, rel=1e-12)
    expected = 1 / (1 - 0.25 / 15 * pv)
    assert expected == pytest.approx(1.145171, abs=1e-6)
    assert tab_factor(0.25, 15, 0.10, "end") == pytest.approx(expected, rel=REL)
    # mid-year deductions: PVAF_mid = 7.6060795 * 1.1^0.5 = 7.9771989
    assert tab_factor(0.25, 15, 0.10, "mid") == pytest.approx(
        1 / (1 - 0.25 / 15 * pv * 1.1**0.5), rel=REL
    )


def test_tab_factor_is_not_the_public_calculator_formula() -> None:
    # a public calculator uses T*(1-(1+r)^-n) as the factor (bit1024); another drops the /n
    right = tab_factor(0.25, 15, 0.10, "end")
    assert right != pytest.approx(0.25 * (1 - 1.1**-15), rel=1e-3)
    assert right != pytest.approx(1 / (1 - 0.25 * (1 - 1.1**-15) / 0.1), rel=1e-3)


def test_tab_factor_at_zero_rate_is_one_over_one_minus_t() -> None:
    # PVAF(0, n) = n, so the factor is 1/(1 - T)
    assert tab_factor(0.3, 10, 0.0, "end") == pytest.approx(1 / 0.7, rel=REL)


def test_gordon_terminal_value_by_hand() -> None:
    # TV = 100 * 1.02 / (0.10 - 0.02) = 102 / 0.08 = 1275
    assert gordon_terminal_value(100.0, 0.10, 0.02) == pytest.approx(1275.0, rel=REL)


def test_terminal_discount_factor_conventions() -> None:
    # final_factor reuses DF_N: 1.1^-5 (end) or 1.1^-4.5 (mid); end_of_horizon is always 1.1^-5
    assert terminal_discount_factor(
        0.1, 5, timing="end", tv_discounting="final_factor"
    ) == pytest.approx(1.1**-5, rel=REL)
    assert terminal_discount_factor(
        0.1, 5, timing="mid", tv_discounting="final_factor"
    ) == pytest.approx(1.1**-4.5, rel=REL)
    assert terminal_discount_factor(
        0.1, 5, timing="mid", tv_discounting="end_of_horizon"
    ) == pytest.approx(1.1**-5, rel=REL)


def test_npv_by_hand() -> None:
    # -100 + 60/1.1 + 60/1.21 = -100 + 54.5454545 + 49.5867769 = 4.1322314
    assert npv(0.10, [60.0, 60.0], timing="end", initial=-100.0) == pytest.approx(
        4.132231404958678, rel=REL
    )


def test_present_value_shapes() -> None:
    flows = np.array([[10.0, 10.0], [20.0, 20.0]])
    pv = present_value(np.array([0.1, 0.2]), flows, timing="end")
    assert pv == pytest.approx([10 / 1.1 + 10 / 1.21, 20 / 1.2 + 20 / 1.44], rel=REL)
    assert present_value(0.1, flows, timing="end") == pytest.approx(
        [10 / 1.1 + 10 / 1.21, 20 / 1.1 + 20 / 1.21], rel=REL
    )


flows_st = st.lists(
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=30
)
rate_st = st.floats(-0.5, 1.0)


@settings(max_examples=60, deadline=None)
@given(flows_st)
def test_npv_at_zero_rate_is_sum_of_flows(flows: list[float]) -> None:
    assert npv(0.0, flows, timing="end", initial=-5.0) == pytest.approx(
        sum(flows) - 5.0, rel=1e-12, abs=1e-6
    )


@settings(max_examples=60, deadline=None)
@given(flows_st, rate_st)
def test_mid_year_pv_is_end_year_pv_times_sqrt(flows: list[float], r: float) -> None:
    end = present_value(r, flows, timing="end")
    mid = present_value(r, flows, timing="mid")
    assert mid == pytest.approx(end * (1 + r) ** 0.5, rel=1e-10, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 0.6),
    st.integers(1, 40),
    st.floats(0.0, 0.5),
    st.sampled_from(["end", "mid"]),
)
def test_tab_factor_matches_the_formula(t: float, n: int, k: float, timing: str) -> None:
    years = np.arange(1, n + 1) - (0.5 if timing == "mid" else 0.0)
    pv_af = float(np.sum((1 + k) ** -years))
    assert tab_factor(t, n, k, timing) == pytest.approx(  # type: ignore[arg-type]
        1 / (1 - t / n * pv_af), rel=1e-11
    )


def test_tab_factor_depends_on_the_amortisation_period_not_the_horizon() -> None:
    assert tab_factor(0.25, 15, 0.1, "end") != tab_factor(0.25, 5, 0.1, "end")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: discount_factors(0.1, 3, timing="annual"), "timing"),  # type: ignore[arg-type]
        (lambda: discount_factors(0.1, 0, timing="end"), "horizon"),
        (lambda: discount_factors(0.1, 2.5, timing="end"), "horizon"),  # type: ignore[arg-type]
        (lambda: discount_factors(0.1, timing="end"), "horizon"),
        (lambda: discount_factors(-1.0, 3, timing="end"), "rate"),
        (lambda: discount_factors(float("nan"), 3, timing="end"), "rate"),
        (lambda: discount_factors(0.1, timing="stub"), "times"),
        (lambda: discount_factors(0.1, 3, timing="end", times=[1.0]), "times"),
        (lambda: discount_factors(0.1, timing="stub", times=[-0.1, 1.0]), "times"),
        (lambda: discount_factors([[0.1]], 3, timing="end"), "rate"),
        (lambda: discount_factors("x", 3, timing="end"), "rate"),
        (lambda: pvaf(0.1, 0, timing="end"), "periods"),
        (lambda: pvaf(-1.5, 3, timing="end"), "rate"),
        (lambda: tab_factor(1.0, 15, 0.1, "end"), "tab.tax_rate"),
        (lambda: tab_factor(-0.1, 15, 0.1, "end"), "tab.tax_rate"),
        (lambda: tab_factor(0.25, 0, 0.1, "end"), "tab.amortisation_years"),
        (lambda: tab_factor(0.25, 15, 0.1, "annual"), "tab.timing"),  # type: ignore[arg-type]
        # k = -50 %: PVAF(-0.5, 10) = 2046, (0.25/10)*2046 > 1 -> no finite factor
        (lambda: tab_factor(0.25, 10, -0.5, "end"), "tab"),
        (lambda: gordon_terminal_value(100, 0.05, 0.05), "terminal_growth"),
        (lambda: gordon_terminal_value(100, 0.05, 0.08), "terminal_growth"),
        (lambda: gordon_terminal_value(100, 0.05, -1.0), "terminal_growth"),
        (lambda: gordon_terminal_value(100, -1.0, -0.5), "rate"),
        (lambda: gordon_terminal_value([1.0, 2.0], [0.1, 0.2, 0.3], 0.0), "rate"),
        (
            lambda: terminal_discount_factor(0.1, 3, timing="stub", tv_discounting="final_factor"),  # type: ignore[arg-type]
            "timing",
        ),
        (
            lambda: terminal_discount_factor(-1.0, 3, timing="end", tv_discounting="final_factor"),
            "rate",
        ),
        (lambda: present_value(0.1, [["a", "b"]], timing="end"), "cash_flows"),
        (lambda: present_value(0.1, [[[1.0]]], timing="end"), "cash_flows"),
        (lambda: npv(0.1, [1.0], timing="end", initial=[[1.0]]), "initial"),
        (lambda: flow_times(3, timing="stub"), "timing"),  # type: ignore[arg-type]
        (
            lambda: terminal_discount_factor(0.1, 3, timing="end", tv_discounting="x"),  # type: ignore[arg-type]
            "tv_discounting",
        ),
        (
            lambda: terminal_discount_factor(0.1, 0, timing="end", tv_discounting="final_factor"),
            "horizon",
        ),
        (lambda: present_value([0.1, 0.2], [[1.0, 2.0]] * 3, timing="end"), "series:cash_flows"),
        (lambda: present_value(0.1, [], timing="end"), "cash_flows"),
        (lambda: present_value(0.1, [1.0, 2.0], timing="stub", times=[1.0]), "times"),
    ],
)
def test_bad_input_names_field(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert err.value.field == field.removeprefix("series:")


# --- declining-balance (written-down-value) TAB ----------------------------------------------


def test_declining_balance_tab_factor_by_hand() -> None:
    from ipvalue.valuation.discounting import declining_balance_tab_factor

    # India s.32: δ = 25 %, T = 25.168 %, k = 15 %, end of year, full first-year rate.
    # S = δ/(k+δ) = 0.25/0.40 = 0.625 (geometric series: Σ 0.25·0.75^(t-1)/1.15^t)
    # factor = 1/(1 − 0.25168·0.625) = 1/(1 − 0.1573) = 1/0.8427
    assert declining_balance_tab_factor(0.25168, 0.25, 0.15, "end", 1.0) == pytest.approx(
        1 / (1 - 0.25168 * 0.625), rel=REL
    )
    # mid-year: S·√1.15 = 0.625·1.0723805…
    assert declining_balance_tab_factor(0.25168, 0.25, 0.15, "mid", 1.0) == pytest.approx(
        1 / (1 - 0.25168 * 0.625 * 1.15**0.5), rel=REL
    )
    # half-rate in year 1 (h = 0.5): d_1 = 0.125, then 0.25·0.875·0.75^(t-2)
    # S = 0.125/1.15 + 0.875·0.25/(1.15·0.40) = 0.108695652 + 0.475543478 = 0.584239130
    s = 0.125 / 1.15 + 0.875 * 0.25 / (1.15 * 0.40)
    assert s == pytest.approx(0.5842391304347826, rel=1e-15)
    assert declining_balance_tab_factor(0.25, 0.25, 0.15, "end", 0.5) == pytest.approx(
        1 / (1 - 0.25 * s), rel=REL
    )


def test_declining_balance_share_equals_the_explicit_schedule() -> None:
    from ipvalue.valuation.discounting import declining_balance_tab_factor

    # Sum the schedule year by year for 600 years (remaining balance < 1e-70).
    d, h, k, t = 0.25, 0.5, 0.12, 0.3
    balance, s = 1.0, 0.0
    for year in range(1, 601):
        dep = balance * d * (h if year == 1 else 1.0)
        s += dep / (1 + k) ** (year - 0.5)
        balance -= dep
    assert declining_balance_tab_factor(t, d, k, "mid", h) == pytest.approx(
        1 / (1 - t * s), rel=1e-12
    )


def test_declining_balance_limits() -> None:
    from ipvalue.valuation.discounting import declining_balance_tab_factor

    # k = 0: every rupee is deducted undiscounted, S = 1, factor = 1/(1 − T)
    assert declining_balance_tab_factor(0.3, 0.25, 0.0, "end", 1.0) == pytest.approx(1 / 0.7)
    # δ = 1: the whole price in year 1, S = 1/(1+k) — same as a 1-year straight line
    assert declining_balance_tab_factor(0.25, 1.0, 0.1, "end", 1.0) == pytest.approx(
        tab_factor(0.25, 1, 0.1, "end"), rel=REL
    )
    # vectorised over paths
    out = declining_balance_tab_factor(0.25, 0.25, np.array([0.1, 0.2]), "end", 1.0)
    assert out == pytest.approx([1 / (1 - 0.25 * 0.25 / 0.35), 1 / (1 - 0.25 * 0.25 / 0.45)])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tax_rate": 1.0}, "tab.tax_rate"),
        ({"depreciation_rate": 0.0}, "tab.declining_rate"),
        ({"depreciation_rate": 1.5}, "tab.declining_rate"),
        ({"first_year_fraction": 0.0}, "tab.first_year_fraction"),
        ({"rate": -0.5}, "rate"),
        ({"timing": "annual"}, "tab.timing"),
    ],
)
def test_declining_balance_bad_input(kwargs: dict[str, object], field: str) -> None:
    from ipvalue.valuation.discounting import declining_balance_tab_factor

    args: dict[str, object] = {
        "tax_rate": 0.25,
        "depreciation_rate": 0.25,
        "rate": 0.1,
        "timing": "end",
        "first_year_fraction": 1.0,
    }
    args.update(kwargs)
    with pytest.raises(InputError) as exc:
        declining_balance_tab_factor(**args)  # type: ignore[arg-type]
    assert exc.value.field == field


def test_income_kernel_applies_a_declining_balance_schedule() -> None:
    from ipvalue.valuation import TaxAmortisation, dcf

    flows = [100.0, 100.0, 100.0]
    pre = dcf(flows, 0.1, timing="end", tab=None).value
    tab = TaxAmortisation(0.25, None, "end", declining_rate=0.25)
    with_tab = dcf(flows, 0.1, timing="end", tab=tab)
    # S = 0.25/0.35; factor = 1/(1 − 0.25·0.25/0.35)
    assert with_tab.value == pytest.approx(pre / (1 - 0.25 * 0.25 / 0.35), rel=REL)
