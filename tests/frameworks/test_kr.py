"""Korean framework formulas against hand-computed cases (METHODS.md §4.3, §6.1)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.frameworks import kr

ALL_ITEMS = list(kr.STRENGTH_ITEMS)


def _scores(value: float = 3.0, **over: float) -> dict[str, float]:
    s = dict.fromkeys(ALL_ITEMS, value)
    s.update(over)
    return s


# --- individual technology strength -------------------------------------------------------


def test_strength_equal_weights_mixed_scores() -> None:
    # first 10 items 4, last 10 items 2: Σ = 40 + 20 = 60; max = 5·20 = 100 -> 0.6
    scores = {k: (4.0 if i < 10 else 2.0) for i, k in enumerate(ALL_ITEMS)}
    res = kr.individual_strength(scores, "equal")
    assert res.strength == pytest.approx(0.6, abs=1e-15)
    assert res.weighted_sum == pytest.approx(60.0)
    assert res.max_weighted_sum == pytest.approx(100.0)


def test_strength_app_normalisation_205() -> None:
    # weights summing to 41 reproduce the app's (Σ w·s)/205: innovativeness 3, others 2
    weights = dict.fromkeys(ALL_ITEMS, 2.0)
    weights["innovativeness"] = 3.0
    res = kr.individual_strength(_scores(4.0), weights)
    assert res.max_weighted_sum == pytest.approx(205.0)
    assert res.strength == pytest.approx(164.0 / 205.0)  # 41·4 = 164 -> 0.8


def test_strength_weighted_hand_case() -> None:
    # innovativeness weight 5 score 5, 19 others weight 1 score 3: (25 + 57) / (5·24) = 82/120
    weights = dict.fromkeys(ALL_ITEMS, 1.0)
    weights["innovativeness"] = 5.0
    res = kr.individual_strength(_scores(3.0, innovativeness=5.0), weights)
    assert res.strength == pytest.approx(82.0 / 120.0)
    # technology group: innovativeness (w5, s5) + 6 items (w1, s3): (25+18)/(5·11)
    assert res.by_group["technology"] == pytest.approx(43.0 / 55.0)
    assert res.by_group["rights"] == pytest.approx(0.6)


@pytest.mark.parametrize("bad", [0.0, 5.5, -1.0, math.nan])
def test_strength_score_out_of_range(bad: float) -> None:
    with pytest.raises(InputError) as e:
        kr.individual_strength(_scores(innovativeness=bad), "equal")
    assert e.value.field == "strength.scores.innovativeness"


def test_strength_missing_and_unknown_items() -> None:
    s = _scores()
    del s["profitability"]
    with pytest.raises(InputError, match="profitability"):
        kr.individual_strength(s, "equal")
    with pytest.raises(InputError, match="unknown item"):
        kr.individual_strength(_scores(bogus=3.0), "equal")


def test_strength_weights_rules() -> None:
    with pytest.raises(InputError, match=r"at least one weight must be > 0"):
        kr.individual_strength(_scores(), dict.fromkeys(ALL_ITEMS, 0.0))
    neg = dict.fromkeys(ALL_ITEMS, 1.0)
    neg["usability"] = -1.0
    with pytest.raises(InputError) as e:
        kr.individual_strength(_scores(), neg)
    assert e.value.field == "strength.weights.usability"


@given(
    st.lists(st.floats(1, 5), min_size=20, max_size=20),
    st.lists(st.floats(0.01, 10), min_size=20, max_size=20),
)
def test_strength_bounded(scores: list[float], weights: list[float]) -> None:
    res = kr.individual_strength(
        dict(zip(ALL_ITEMS, scores, strict=True)), dict(zip(ALL_ITEMS, weights, strict=True))
    )
    assert 0.2 - 1e-12 <= res.strength <= 1.0 + 1e-12
    assert min(scores) / 5 - 1e-12 <= res.strength <= max(scores) / 5 + 1e-12


# --- contribution and technology value ------------------------------------------------------


def test_contribution_product() -> None:
    res = kr.technology_contribution(
        industry_factor=0.5, industry_factor_source="guide p.1", tech_share=0.8, strength=0.6
    )
    assert res.contribution == pytest.approx(0.5 * 0.8 * 0.6)  # 0.24
    assert res.warnings == ()
    assert res.assumptions[0].source == "guide p.1"


def test_contribution_above_star_value_band_warns() -> None:
    res = kr.technology_contribution(
        industry_factor=0.9, industry_factor_source="x", tech_share=1.0, strength=0.5
    )
    assert res.contribution == pytest.approx(0.45)
    assert [w.code for w in res.warnings] == ["KR_CONTRIBUTION_ABOVE_BAND"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"industry_factor": 0.0}, "kr.industry_factor"),
        ({"industry_factor": 1.2}, "kr.industry_factor"),
        ({"industry_factor_source": " "}, "kr.industry_factor_source"),
        ({"tech_share": 0.0}, "kr.tech_share"),
        ({"strength": 1.1}, "kr.strength"),
    ],
)
def test_contribution_bad_inputs(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "industry_factor": 0.5,
        "industry_factor_source": "s",
        "tech_share": 1.0,
        "strength": 0.5,
    }
    args.update(kwargs)
    with pytest.raises(InputError) as e:
        kr.technology_contribution(**args)  # type: ignore[arg-type]
    assert e.value.field == field


def test_technology_value_prorated_final_year() -> None:
    # life 2.5 y: the half year ends at t = 2.5:
    # 100/1.1 + 200/1.1^2 + 0.5·300/1.1^2.5 = 90.909091 + 165.289256 + 118.197842
    res = kr.technology_value(
        [100, 200, 300, 400],
        rate=0.10,
        life_years=2.5,
        contribution=0.24,
        final_year="prorate",
        timing="end",
    )
    bv = 100 / 1.1 + 200 / 1.21 + 0.5 * 300 / 1.1**2.5
    assert res.business_value == pytest.approx(bv, rel=1e-14)
    assert res.business_value == pytest.approx(374.396189, abs=1e-6)
    assert res.technology_value == pytest.approx(0.24 * bv, rel=1e-14)
    assert res.year_weights == (1.0, 1.0, 0.5)


def test_technology_value_whole_years_and_mid_year() -> None:
    whole = kr.business_value(
        [100, 200, 300], rate=0.10, life_years=2.5, final_year="whole", timing="end"
    )[0]
    assert whole == pytest.approx(100 / 1.1 + 200 / 1.21 + 300 / 1.331)  # 481.592788
    mid = kr.business_value([100, 200], rate=0.10, life_years=2, final_year="whole", timing="mid")[
        0
    ]
    assert mid == pytest.approx(100 / 1.1**0.5 + 200 / 1.1**1.5)


def test_technology_value_too_few_flows() -> None:
    with pytest.raises(InputError, match="at least 3 yearly flows") as e:
        kr.technology_value(
            [1, 2], rate=0.1, life_years=2.2, contribution=0.2, final_year="prorate", timing="end"
        )
    assert e.value.field == "kr.fcf"


# --- economic life Model I -------------------------------------------------------------------

Q = kr.Quartiles(4.0, 7.0, 12.0, source="test")


@pytest.mark.parametrize(
    ("score", "life"),
    [(20, 4.0), (40, 4 + 3 * 20 / 40), (60, 7.0), (80, 7 + 5 * 20 / 40), (100, 12.0)],
)
def test_model_i_hand_values(score: float, life: float) -> None:
    res = kr.model_i_life(Q, score)
    assert res.life_years == pytest.approx(life)
    assert not res.capped


@given(st.floats(20, 100))
def test_model_i_between_q1_and_q3_and_monotone(score: float) -> None:
    res = kr.model_i_life(Q, score)
    assert Q.q1 <= res.life_years <= Q.q3
    assert kr.model_i_life(Q, min(100.0, score + 1)).life_years >= res.life_years


def test_model_i_bad_inputs() -> None:
    with pytest.raises(InputError) as e:
        kr.model_i_life(Q, 19.9)
    assert e.value.field == "kr.life.score"
    with pytest.raises(InputError, match="q1 <= q2 <= q3"):
        kr.Quartiles(5.0, 4.0, 9.0, source="x")


def test_life_factor_score_doubles_sum() -> None:
    factors = dict.fromkeys(kr.LIFE_FACTORS, 3.0)
    assert kr.life_factor_score(factors) == pytest.approx(60.0)  # 2·(10·3)
    factors["superiority"] = 6.0
    with pytest.raises(InputError):
        kr.life_factor_score(factors)


def test_cycle_time_file(tmp_path) -> None:
    f = tmp_path / "ct.csv"
    f.write_text(
        "scheme,code,n_patents,n_ages,q1,q2,q3,mean\n"
        "ipc,H04L,120,900,3.5,6.0,10.5,7.1\n"
        "ipc,G06F,80,400,,5.0,9.0,6.0\n"
    )
    q = kr.read_cycle_time_quartiles(f, scheme="ipc", code="H04L")
    assert (q.q1, q.q2, q.q3) == (3.5, 6.0, 10.5)
    assert "n_ages=900" in q.source
    assert kr.model_i_life(q, 60).life_years == pytest.approx(6.0)
    with pytest.raises(InputError, match="missing in the file"):
        kr.read_cycle_time_quartiles(f, scheme="ipc", code="G06F")
    with pytest.raises(InputError, match="no row"):
        kr.read_cycle_time_quartiles(f, scheme="ipc", code="A61K")
    with pytest.raises(InputError, match="file not found"):
        kr.read_cycle_time_quartiles(tmp_path / "nope.csv", scheme="ipc", code="H04L")
    bad = tmp_path / "bad.csv"
    bad.write_text("scheme,code,q1\nipc,H04L,1\n")
    with pytest.raises(InputError, match="missing column"):
        kr.read_cycle_time_quartiles(bad, scheme="ipc", code="H04L")


# --- TRP and discount rate ------------------------------------------------------------------

# The guide's TRP table, derived from TRP(S) = −0.0709·ln(S/10 − 1) + 0.1001, in % to 2 dp:
#   S=20: ln 1 = 0                      -> 10.01
#   S=25: 0.0709·ln 1.5 = 0.0287475     -> 7.14
#   S=30: 0.0709·ln 2   = 0.0491441     -> 5.10
#   S=35: 0.0709·ln 2.5 = 0.0649650     -> 3.51
#   S=40: 0.0709·ln 3   = 0.0778924     -> 2.22
#   S=45: 0.0709·ln 3.5 = 0.0888209     -> 1.13
#   S=50: 0.0709·ln 4   = 0.0982883     -> 0.18
TRP_TABLE = {20: 10.01, 25: 7.14, 30: 5.10, 35: 3.51, 40: 2.22, 45: 1.13, 50: 0.18}


@pytest.mark.parametrize(("score", "pct"), sorted(TRP_TABLE.items()))
def test_trp_reproduces_table(score: int, pct: float) -> None:
    assert round(kr.trp(score).trp * 100, 2) == pytest.approx(pct, abs=1e-9)


def test_blog_slope_does_not_reproduce_table() -> None:
    # 0.071·ln 4 = 0.0984270 -> 0.1001 − 0.0984270 = 0.17 %, not the table's 0.18 %
    assert round((-0.071 * math.log(4) + 0.1001) * 100, 2) != TRP_TABLE[50]


def test_trp_clamps_below_20() -> None:
    res = kr.trp(14)
    assert res.trp == pytest.approx(0.1001)
    assert res.clamped and res.warnings[0].code == "KR_TRP_CLAMPED"
    with pytest.raises(InputError):
        kr.trp(51)
    with pytest.raises(InputError):
        kr.trp(9)


def test_trp_from_items_sums() -> None:
    items = dict.fromkeys(kr.TRP_ITEMS, 3.0)  # S = 30
    assert kr.trp_from_items(items).trp == pytest.approx(0.1001 - 0.0709 * math.log(2))


def test_rate_guide_example() -> None:
    # 0.05·0.4 + (0.12 + 0.03)·0.6 + 0.05 = 0.02 + 0.09 + 0.05
    res = kr.kr_discount_rate(
        variant="guide_example",
        cost_of_equity=0.12,
        size_premium=0.03,
        cost_of_debt=0.05,
        debt_ratio=0.4,
        trp=0.05,
    )
    assert res.rate == pytest.approx(0.16)
    assert res.trp_part == pytest.approx(0.05)


def test_rate_wacc_tax_shield() -> None:
    # 0.05·(1 − 0.2)·0.4 + (0.12 + 0.03 + 0.05)·0.6 = 0.016 + 0.12
    res = kr.kr_discount_rate(
        variant="wacc_tax_shield",
        cost_of_equity=0.12,
        size_premium=0.03,
        cost_of_debt=0.05,
        debt_ratio=0.4,
        trp=0.05,
        tax_rate=0.2,
    )
    assert res.rate == pytest.approx(0.136)
    assert res.trp_part == pytest.approx(0.03)


def test_rate_variant_rules() -> None:
    base = {
        "cost_of_equity": 0.1,
        "size_premium": 0.0,
        "cost_of_debt": 0.05,
        "debt_ratio": 0.3,
        "trp": 0.04,
    }
    with pytest.raises(InputError, match="is required") as e:
        kr.kr_discount_rate(variant="wacc_tax_shield", **base)
    assert e.value.field == "kr.rate.tax_rate"
    with pytest.raises(InputError, match="omit it"):
        kr.kr_discount_rate(variant="guide_example", tax_rate=0.2, **base)
    with pytest.raises(InputError) as e:
        kr.kr_discount_rate(variant="other", **base)  # type: ignore[arg-type]
    assert e.value.field == "kr_rate_variant"
    with pytest.raises(InputError):
        kr.kr_discount_rate(variant="guide_example", **{**base, "debt_ratio": 1.5})


@given(st.floats(0, 0.3), st.floats(0, 0.5))
def test_rate_variants_agree_without_debt_and_tax(trp: float, ke: float) -> None:
    # with D/V = 0 both variants give Ke + SP + TRP
    a = kr.kr_discount_rate(
        variant="guide_example",
        cost_of_equity=ke,
        size_premium=0.02,
        cost_of_debt=0.05,
        debt_ratio=0.0,
        trp=trp,
    ).rate
    b = kr.kr_discount_rate(
        variant="wacc_tax_shield",
        cost_of_equity=ke,
        size_premium=0.02,
        cost_of_debt=0.05,
        debt_ratio=0.0,
        trp=trp,
        tax_rate=0.0,
    ).rate
    assert a == pytest.approx(b) == pytest.approx(ke + 0.02 + trp)


# --- adjusted reproduction cost -------------------------------------------------------------


def test_adjusted_reproduction_cost() -> None:
    # labour 100 restated 110/100 -> 110; equipment 50; RC 160; ROA 5 % -> 8; less 20 -> 148
    res = kr.adjusted_reproduction_cost(
        [kr.RdCost("labour", 100, 100, 110), kr.RdCost("equipment", 50)],
        roa_median=0.05,
        roa_source="BOK 2023 KSIC C26",
        obsolescence=20,
    )
    assert res.reproduction_cost == pytest.approx(160.0)
    assert res.roa_markup == pytest.approx(8.0)
    assert res.value == pytest.approx(148.0)
    assert res.by_category["labour"] == pytest.approx(110.0)


def test_adjusted_cost_bad_inputs() -> None:
    ok = [kr.RdCost("labour", 100)]
    with pytest.raises(InputError, match="must be one of"):
        kr.adjusted_reproduction_cost(
            [kr.RdCost("travel", 1)], roa_median=0.05, roa_source="s", obsolescence=0
        )
    with pytest.raises(InputError) as e:
        kr.adjusted_reproduction_cost(ok, roa_median=0.05, roa_source="", obsolescence=0)
    assert e.value.field == "kr.cost.roa_source"
    with pytest.raises(InputError):
        kr.adjusted_reproduction_cost(ok, roa_median=0.05, roa_source="s", obsolescence=-1)
    with pytest.raises(InputError):
        kr.adjusted_reproduction_cost(
            [kr.RdCost("labour", 1, 0, 1)], roa_median=0.05, roa_source="s", obsolescence=0
        )
    neg = kr.adjusted_reproduction_cost(ok, roa_median=0.0, roa_source="s", obsolescence=150)
    assert neg.value == pytest.approx(-50.0)
    assert neg.warnings[0].code == "KR_COST_NEGATIVE"
