"""IPscore-style questionnaire: numeric mapping, radar, opportunity/risk matrix, bad input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.frameworks import ipscore as ips


def _answers(default: float = 3.0, **over: ips.Answer) -> dict[str, ips.Answer]:
    a: dict[str, ips.Answer] = {f.code: ips.Answer(rating=default) for f in ips.FACTORS}
    a.update(over)
    return a


def test_catalogue_shape() -> None:
    assert len(ips.FACTORS) == 40
    counts = {c: sum(1 for f in ips.FACTORS if f.category == c) for c in ips.CATEGORIES}
    assert counts == {"A": 8, "B": 8, "C": 9, "D": 7, "E": 8}


@pytest.mark.parametrize(
    ("code", "value", "rating"),
    [
        ("A2", 2.0, 1.0),  # at worst limit
        ("A2", 15.0, 5.0),  # at best limit
        ("A2", 8.5, 1 + 4 * 6.5 / 13),  # 1 + 4·(8.5 − 2)/(15 − 2) = 3
        ("C7", 1.0, 1 + 4 * (1 - 5) / (0 - 5)),  # smaller is better: 1 + 4·0.8 = 4.2
        ("D3", 20.0, 1.0),  # beyond worst: clipped
        ("C2", 0.06, 1 + 4 * 0.06 / 0.15),  # 2.6
    ],
)
def test_numeric_mapping(code: str, value: float, rating: float) -> None:
    res = ips.ipscore(_answers(3.0, **{code: ips.Answer(value=value)}))
    assert res.ratings[code] == pytest.approx(rating)


def test_clipped_value_warns() -> None:
    res = ips.ipscore(_answers(D3=ips.Answer(value=20.0)))
    assert [w.code for w in res.warnings] == ["IPSCORE_VALUE_CLIPPED"]


def test_radar_and_matrix_hand_case() -> None:
    # all 3 except: every A factor 5, C1 = 1
    over = {f.code: ips.Answer(rating=5) for f in ips.FACTORS if f.category == "A"}
    res = ips.ipscore(_answers(3.0, C1=ips.Answer(rating=1), **over))
    radar = {r.category: r.mean for r in res.radar}
    assert radar["A"] == pytest.approx(5.0)
    assert radar["C"] == pytest.approx((8 * 3 + 1) / 9)
    assert radar["B"] == pytest.approx(3.0)
    # opportunity factors: 24 of them; A3, A4, A8 = 5, C1 = 1, 20 others 3 -> 76/24 = 3.17
    opp = [f.code for f in ips.FACTORS if f.axis == "opportunity"]
    assert len(opp) == 24
    assert res.opportunity == pytest.approx((3 * 5 + 1 + 20 * 3) / 24)
    # risk factors: 16; A1, A2, A5, A6, A7 = 5, 11 others 3 -> mean 58/16; risk 6 − 3.625
    assert res.risk == pytest.approx(6 - (5 * 5 + 11 * 3) / 16)
    assert res.matrix_cell == (ips.matrix_band(res.opportunity), ips.matrix_band(res.risk))
    assert res.matrix_cell == (3, 2)
    assert res.quadrant.startswith("exploit")
    assert res.risk_factors == ("C1",)
    assert set(res.opportunity_factors) == {f.code for f in ips.FACTORS if f.category == "A"}
    assert res.overall == pytest.approx((8 * 5 + 1 + 31 * 3) / 40)


@pytest.mark.parametrize(
    ("score", "band"), [(1.0, 1), (1.99, 1), (2.0, 2), (3.5, 3), (4.0, 4), (5.0, 4)]
)
def test_matrix_bands(score: float, band: int) -> None:
    assert ips.matrix_band(score) == band


def test_weights_shift_category_mean() -> None:
    # B1 = 5 with weight 3, other B factors 3 with weight 1: (15 + 21) / 10 = 3.6
    res = ips.ipscore(_answers(B1=ips.Answer(rating=5)), weights={"B1": 3.0})
    assert next(r.mean for r in res.radar if r.category == "B") == pytest.approx(3.6)


def test_custom_limits() -> None:
    res = ips.ipscore(
        _answers(A2=ips.Answer(value=10.0)), limits={"A2": ips.NumericLimits(0.0, 20.0, "years")}
    )
    assert res.ratings["A2"] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        (_answers(B3=ips.Answer(rating=6)), "ipscore.answers.B3.rating"),
        (_answers(B3=ips.Answer(rating=0.5)), "ipscore.answers.B3.rating"),
        (_answers(B3=ips.Answer()), "ipscore.answers.B3"),
        (_answers(B3=ips.Answer(rating=3, value=2)), "ipscore.answers.B3"),
        (_answers(B3=ips.Answer(value=2)), "ipscore.answers.B3.value"),
        (_answers(F1=ips.Answer(rating=3)), "ipscore.answers.F1"),
    ],
)
def test_bad_answers_name_the_factor(answers: dict[str, ips.Answer], field: str) -> None:
    with pytest.raises(InputError) as e:
        ips.ipscore(answers)
    assert e.value.field == field


def test_missing_factor_and_bad_weights() -> None:
    a = _answers()
    del a["E8"]
    with pytest.raises(InputError) as e:
        ips.ipscore(a)
    assert e.value.field == "ipscore.answers.E8"
    with pytest.raises(InputError) as e:
        ips.ipscore(_answers(), weights={"A1": -1})
    assert e.value.field == "ipscore.weights.A1"
    zero_d = {f.code: 0.0 for f in ips.FACTORS if f.category == "D"}
    with pytest.raises(InputError, match="all zero"):
        ips.ipscore(_answers(), weights=zero_d)
    with pytest.raises(InputError, match="not a numeric factor"):
        ips.ipscore(_answers(), limits={"A1": ips.NumericLimits(0, 1, "x")})


@given(st.lists(st.floats(1, 5), min_size=40, max_size=40))
def test_scores_stay_on_scale(values: list[float]) -> None:
    res = ips.ipscore(
        {f.code: ips.Answer(rating=v) for f, v in zip(ips.FACTORS, values, strict=True)}
    )
    for s in (res.overall, res.opportunity, res.risk, *(r.mean for r in res.radar)):
        assert 1 - 1e-12 <= s <= 5 + 1e-12
    assert all(1 <= b <= 4 for b in res.matrix_cell)
