"""One-at-a-time sensitivity (tornado data)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ipvalue.core.errors import InputError
from ipvalue.model.distributions import Normal, Triangular, Uniform
from ipvalue.valuation.income import relief_from_royalty_growth
from ipvalue.valuation.sensitivity import tornado

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def linear(p: dict[str, FloatArray]) -> FloatArray:
    return 2 * p["a"] + 3 * p["b"] - p["c"]


def test_linear_case_by_hand() -> None:
    # a ~ U(0, 10): point 5, p10 = 1, p90 = 9;  b = 4 fixed: ±10 % -> 3.6, 4.4;
    # c ~ U(-5, 5): point 0, p10 = -4, p90 = 4.
    # base = 2·5 + 3·4 - 0 = 22
    # a: 2·1 + 12 = 14, 2·9 + 12 = 30      -> swing 16
    # c: 10 + 12 + 4 = 26, 10 + 12 - 4 = 18 -> swing 8
    # b: 10 + 10.8 = 20.8, 10 + 13.2 = 23.2 -> swing 2.4
    t = tornado(linear, {"a": Uniform(low=0, high=10), "b": 4.0, "c": Uniform(low=-5, high=5)})
    assert t.base_value == 22.0
    assert [b.name for b in t.bars] == ["a", "c", "b"]
    a, c, b = t.bars
    assert (a.low_input, a.high_input, a.low_value, a.high_value) == pytest.approx((1, 9, 14, 30))
    assert a.swing == pytest.approx(16)
    assert (c.low_input, c.high_input, c.low_value, c.high_value) == pytest.approx((-4, 4, 26, 18))
    assert c.swing == pytest.approx(8)
    assert (b.low_input, b.high_input) == pytest.approx((3.6, 4.4))
    assert (b.low_value, b.high_value, b.swing) == pytest.approx((20.8, 23.2, 2.4))
    assert a.basis == "p10/p90 of distribution" and b.basis == "±0.1 of base"
    assert (t.low_quantile, t.high_quantile, t.fixed_shift) == (0.10, 0.90, 0.10)


def test_conventions_are_configurable_and_recorded() -> None:
    # p25/p75 of U(0, 10) = 2.5/7.5 -> a moves 2·5 = 10; b ±50 % -> 2..6 -> swing 3·4 = 12
    t = tornado(
        linear,
        {"a": Uniform(low=0, high=10), "b": 4.0, "c": 0.0},
        low_quantile=0.25,
        high_quantile=0.75,
        fixed_shift=0.5,
    )
    by = {b.name: b for b in t.bars}
    assert by["a"].swing == pytest.approx(10) and by["b"].swing == pytest.approx(12)
    assert [b.name for b in t.bars] == ["b", "a", "c"]
    assert by["c"].swing == 0.0  # a fixed zero has no relative range
    assert by["a"].basis == "p25/p75 of distribution"


def test_explicit_ranges_override_and_negative_fixed_inputs_keep_order() -> None:
    t = tornado(linear, {"a": 1.0, "b": -2.0, "c": Normal(mean=0, sd=1)}, ranges={"c": (-1.0, 3.0)})
    by = {b.name: b for b in t.bars}
    assert (by["c"].low_input, by["c"].high_input, by["c"].basis) == (-1.0, 3.0, "given range")
    assert by["b"].low_input == pytest.approx(-2.2) and by["b"].high_input == pytest.approx(-1.8)


def test_distribution_base_is_the_point() -> None:
    t = tornado(lambda p: p["x"] * 1.0, {"x": Triangular(low=0, mode=3, high=3, base=2)})
    assert t.base_value == 2.0


def test_unvaluable_scenario_gives_none_and_a_warning() -> None:
    def perpetuity(p: dict[str, FloatArray]) -> FloatArray:
        with np.errstate(divide="ignore"):
            return np.where(p["g"] < p["r"], 1.0 / (p["r"] - p["g"]), np.nan)

    t = tornado(perpetuity, {"g": 0.05, "r": 0.0525})
    by = {b.name: b for b in t.bars}
    # g high = 0.055 >= r = 0.0525: no value; r low = 0.04725 < g = 0.05: no value.
    assert by["g"].high_value is None and by["g"].swing is None
    assert by["r"].low_value is None
    assert [b.name for b in t.bars][-2:] == ["g", "r"]
    assert len(t.warnings) == 2 and "g at its high value 0.055" in t.warnings[0]


def test_relief_from_royalty_tornado_orders_rate_and_royalty() -> None:
    # V is proportional to the royalty rate: ±10 % royalty moves V by exactly ±10 %.
    def rfr(p: dict[str, FloatArray]) -> FloatArray:
        return relief_from_royalty_growth(
            p["revenue"],
            p["growth"],
            p["royalty"],
            0.25,
            p["rate"],
            horizon=10,
            timing="end",
            tab=None,
            invalid="nan",
        ).value

    base = {"revenue": 1000.0, "growth": 0.03, "royalty": 0.05, "rate": 0.12}
    t = tornado(rfr, base)
    by = {b.name: b for b in t.bars}
    assert by["royalty"].swing == pytest.approx(0.2 * t.base_value, rel=1e-12)
    assert by["revenue"].swing == pytest.approx(0.2 * t.base_value, rel=1e-12)
    assert by["rate"].low_value > t.base_value > by["rate"].high_value
    assert by["growth"].high_value > t.base_value > by["growth"].low_value


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"low_quantile": 0.0}, "low_quantile"),
        ({"low_quantile": 0.6, "high_quantile": 0.4}, "low_quantile"),
        ({"high_quantile": 1.0}, "low_quantile"),
        ({"fixed_shift": 0.0}, "fixed_shift"),
        ({"fixed_shift": math.inf}, "fixed_shift"),
        ({"ranges": {"zzz": (0.0, 1.0)}}, "ranges.zzz"),
        ({"ranges": {"a": (2.0, 1.0)}}, "ranges.a"),
        ({"ranges": {"a": (math.nan, 1.0)}}, "ranges.a"),
        ({"ranges": {"a": (0.0, 1.0, 2.0)}}, "ranges.a"),
        ({"ranges": {"a": ("low", "high")}}, "ranges.a"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    args = {"ranges": None} | kwargs
    with pytest.raises(InputError) as info:
        tornado(linear, {"a": 1.0, "b": 1.0, "c": 1.0}, **args)
    assert info.value.field == field


@pytest.mark.parametrize("bad", ["1", True, None, math.inf])
def test_inputs_must_be_finite_numbers_or_distributions(bad: Any) -> None:
    with pytest.raises(InputError) as info:
        tornado(linear, {"a": 1.0, "b": bad, "c": 1.0})
    assert info.value.field == "b"


def test_empty_base_and_unvaluable_base_are_refused() -> None:
    with pytest.raises(InputError) as info:
        tornado(linear, {})
    assert info.value.field == "base"
    with pytest.raises(InputError) as info:
        tornado(lambda p: p["a"] * np.nan, {"a": 1.0})
    assert info.value.rule == "the base case has no finite value"


def test_equal_swings_keep_the_input_order() -> None:
    # 2·a and 2·b with a, b fixed at 1: both swing 2·0.2 = 0.4; z first in base stays first.
    def f(p: dict[str, FloatArray]) -> FloatArray:
        return 2 * p["z"] + 2 * p["a"]

    assert [b.name for b in tornado(f, {"z": 1.0, "a": 1.0}).bars] == ["z", "a"]
    assert [b.name for b in tornado(f, {"a": 1.0, "z": 1.0}).bars] == ["a", "z"]


def test_one_call_per_scenario_gives_the_same_bars_with_one_row_calls() -> None:
    shapes: list[tuple[int, ...]] = []

    def spy(p: dict[str, FloatArray]) -> FloatArray:
        shapes.append(p["a"].shape)
        return linear(p)

    base = {"a": Uniform(low=0, high=10), "b": 4.0, "c": Uniform(low=-5, high=5)}
    each = tornado(spy, base, vectorised=False)
    assert shapes == [(1,)] * 7  # base + 2 × 3 inputs
    assert each == tornado(linear, base)
