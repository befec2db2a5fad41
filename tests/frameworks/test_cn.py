"""Chinese framework formulas against hand-computed cases (METHODS.md §4.4, §6.2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.frameworks import cn

# --- split-rate income method ----------------------------------------------------------------


def test_split_rate_value_on_revenue() -> None:
    # K 3 % of sales 1000, 1200, 1500 at 12 %, year end:
    # 30/1.12 + 36/1.2544 + 45/1.404928 = 26.785714 + 28.698980 + 32.030111 = 87.514805
    res = cn.split_rate_value(
        [1000, 1200, 1500], split_rate=0.03, base="revenue", rate=0.12, timing="end"
    )
    assert res.value == pytest.approx(30 / 1.12 + 36 / 1.12**2 + 45 / 1.12**3, rel=1e-14)
    assert res.value == pytest.approx(87.514805, abs=1e-6)
    assert res.attributable == pytest.approx((30.0, 36.0, 45.0))


def test_conversion_revenue_profit() -> None:
    assert cn.revenue_split_from_profit_split(0.25, 0.20) == pytest.approx(0.05)
    assert cn.profit_split_from_revenue_split(0.05, 0.20) == pytest.approx(0.25)
    with pytest.raises(InputError, match=r"profit split of 1\.5"):
        cn.profit_split_from_revenue_split(0.30, 0.20)
    with pytest.raises(InputError) as e:
        cn.revenue_split_from_profit_split(0.25, 0.0)
    assert e.value.field == "cn.profit_margin"


@given(
    st.floats(0.0, 1.0),
    st.floats(0.01, 1.0),
    st.lists(st.floats(1, 1e6), min_size=1, max_size=10),
    st.floats(0.0, 0.3),
)
def test_profit_and_revenue_bases_agree(
    kp: float, margin: float, sales: list[float], r: float
) -> None:
    # same value whether K is applied to profit or, converted, to revenue (constant margin)
    on_profit = cn.split_rate_value(
        [s * margin for s in sales], split_rate=kp, base="profit", rate=r, timing="end"
    ).value
    on_revenue = cn.split_rate_value(
        sales,
        split_rate=cn.revenue_split_from_profit_split(kp, margin),
        base="revenue",
        rate=r,
        timing="end",
    ).value
    assert on_revenue == pytest.approx(on_profit, rel=1e-12, abs=1e-9)


def test_split_value_bad_inputs() -> None:
    with pytest.raises(InputError) as e:
        cn.split_rate_value([1.0], split_rate=1.2, base="revenue", rate=0.1, timing="end")
    assert e.value.field == "cn.split_rate"
    with pytest.raises(InputError):
        cn.split_rate_value(
            [1.0],
            split_rate=0.1,
            base="ebit",
            rate=0.1,  # type: ignore[arg-type]
            timing="end",
        )
    with pytest.raises(InputError, match="at least one year"):
        cn.split_rate_value([], split_rate=0.1, base="profit", rate=0.1, timing="end")
    with pytest.raises(InputError) as e:
        cn.split_rate_value([math.inf], split_rate=0.1, base="profit", rate=0.1, timing="end")
    assert e.value.field == "cn.profit.0"


# --- deriving K ------------------------------------------------------------------------------


def test_equivalent_investment_split() -> None:
    # 100·1.5 / (100·1.5 + 400·1.125) = 150 / 600
    res = cn.equivalent_investment_split(
        patent_cost=100, patent_profit_ratio=0.5, licensee_assets=400, licensee_profit_ratio=0.125
    )
    assert res.split_rate == pytest.approx(0.25)
    with pytest.raises(InputError, match="both zero"):
        cn.equivalent_investment_split(
            patent_cost=0, patent_profit_ratio=0.5, licensee_assets=0, licensee_profit_ratio=0.1
        )


def test_incremental_profit_split() -> None:
    # ΔΠ = 10, 20; shares 0.2, 0.25 -> totals 50, 80; r = 10 %
    # (10/1.1 + 20/1.21) / (50/1.1 + 80/1.21) = 25.619835 / 111.570248 = 0.229630
    res = cn.incremental_profit_split([10, 20], [0.2, 0.25], rate=0.10, timing="end")
    assert res.split_rate == pytest.approx((10 / 1.1 + 20 / 1.21) / (50 / 1.1 + 80 / 1.21))
    assert res.split_rate == pytest.approx(0.229630, abs=1e-6)


def test_incremental_constant_share_gives_share() -> None:
    res = cn.incremental_profit_split([5, 7, 9], [0.3, 0.3, 0.3], rate=0.08, timing="mid")
    assert res.split_rate == pytest.approx(0.3)
    with pytest.raises(InputError, match="same number"):
        cn.incremental_profit_split([5, 7], [0.3], rate=0.08, timing="end")
    with pytest.raises(InputError) as e:
        cn.incremental_profit_split([5], [0.0], rate=0.08, timing="end")
    assert e.value.field == "cn.incremental.share.0"


def test_scoring_split() -> None:
    # adjustment = (0.3·80 + 0.4·60 + 0.3·50)/100 = 0.63; K = 0.15 + 0.20·0.63 = 0.276
    res = cn.scoring_split(
        k_min=0.15,
        k_max=0.35,
        range_source="licensing survey 2022 p.4",
        factor_scores={"legal": 80, "technical": 60, "economic": 50},
        factor_weights={"legal": 0.3, "technical": 0.4, "economic": 0.3},
        factor_weights_source="firm policy",
    )
    assert res.split_rate == pytest.approx(0.276)
    assert res.warnings[0].code == "CN_SCORING_SPLIT_UNVERIFIED"
    assert res.assumptions[0].source == "licensing survey 2022 p.4"


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"factor_weights": {"legal": 0.5, "technical": 0.4, "economic": 0.3}}, "sum to 1"),
        ({"k_max": 0.1}, "must be >= k_min"),
        ({"range_source": ""}, "is required"),
        ({"factor_scores": {"legal": 101, "technical": 60, "economic": 50}}, r"\[0, 100\]"),
        ({"factor_scores": {"legal": 80, "technical": 60}}, "both a score and a weight"),
    ],
)
def test_scoring_split_bad_inputs(over: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "k_min": 0.15,
        "k_max": 0.35,
        "range_source": "s",
        "factor_weights_source": "w",
        "factor_scores": {"legal": 80, "technical": 60, "economic": 50},
        "factor_weights": {"legal": 0.3, "technical": 0.4, "economic": 0.3},
    }
    args.update(over)
    with pytest.raises(InputError, match=match):
        cn.scoring_split(**args)  # type: ignore[arg-type]


def test_discount_rate_build_up() -> None:
    res = cn.cn_discount_rate(
        risk_free=0.03,
        premia={"technical": 0.02, "market": 0.03, "capital": 0.01, "management": 0.01},
    )
    assert res.rate == pytest.approx(0.10)
    with pytest.raises(InputError) as e:
        cn.cn_discount_rate(
            risk_free=0.03, premia={"technical": 0.02, "market": 0.03, "capital": 0.01}
        )
    assert e.value.field == "cn.rate.premia.management"
    with pytest.raises(InputError, match="unknown premium"):
        cn.cn_discount_rate(
            risk_free=0.03,
            premia={
                "technical": 0.02,
                "market": 0.03,
                "capital": 0.01,
                "management": 0.0,
                "policy": 0.01,
            },
        )
    with pytest.raises(InputError):
        cn.cn_discount_rate(
            risk_free=0.03,
            premia={"technical": -0.02, "market": 0.03, "capital": 0.01, "management": 0.01},
        )


# --- cost forms ------------------------------------------------------------------------------


def test_age_ratio() -> None:
    # δ = 3 / (3 + 7) = 0.3; P = 1000·0.7
    res = cn.age_ratio_value(1000, used_years=3, remaining_years=7)
    assert res.depreciation_rate == pytest.approx(0.3)
    assert res.value == pytest.approx(700.0)
    with pytest.raises(InputError) as e:
        cn.age_ratio_depreciation(3, 0)
    assert e.value.field == "cn.cost.remaining_years"


def test_multiplier_cost() -> None:
    # (200 + 2.5·100) / (1 − 0.2) · 1.1 = 450 / 0.8 · 1.1 = 618.75
    res = cn.multiplier_cost(
        material_costs=200,
        rd_labour=100,
        creative_multiplier=2.5,
        failure_rate=0.2,
        return_rate=0.1,
    )
    assert res.value == pytest.approx(618.75)
    with pytest.raises(InputError) as e:
        cn.multiplier_cost(
            material_costs=200,
            rd_labour=100,
            creative_multiplier=2.5,
            failure_rate=1.0,
            return_rate=0.1,
        )
    assert e.value.field == "cn.cost.failure_rate"
    low = cn.multiplier_cost(
        material_costs=0, rd_labour=100, creative_multiplier=0.5, failure_rate=0, return_rate=0
    )
    assert low.value == pytest.approx(50.0)
    assert low.warnings[0].code == "CN_MULTIPLIER_BELOW_ONE"


def test_component_cost() -> None:
    # RC = 100 + 50 + 20 + 30 = 200; P = 200 − 10 − 20 − 30 = 140
    res = cn.component_cost_value(
        rd_labour=100,
        rd_expenses=50,
        management_cost=20,
        opportunity_cost=30,
        physical=10,
        functional=20,
        economic=30,
    )
    assert res.replacement_cost == pytest.approx(200.0)
    assert res.value == pytest.approx(140.0)
    with pytest.raises(InputError) as e:
        cn.component_cost_value(
            rd_labour=-1,
            rd_expenses=0,
            management_cost=0,
            opportunity_cost=0,
            physical=0,
            functional=0,
            economic=0,
        )
    assert e.value.field == "cn.cost.rd_labour"
