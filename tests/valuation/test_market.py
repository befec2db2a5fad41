"""Comparable transactions, weights and the DB1304 quality ratio."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.valuation.market import (
    Comparable,
    cap_weights,
    comparable_transactions,
    quality_ratio_value,
)

REL = 1e-12

A = Comparable("A", 100.0, {"technology_stage": 1.1, "generation_gap": 0.9}, weight=2.0)
B = Comparable(
    "B",
    120.0,
    {
        "industry_relevance": 0.8,
        "substitutability": 1.05,
        "market_position": 1.0,
        "digital_degree": 1.2,
        "territory": 0.95,  # a free-named coefficient
    },
    weight=1.0,
)
C = Comparable("C", 90.0, {}, weight=1.0)
BOUNDS = dict(c_min=0.5, c_max=1.5, min_count=3)


def test_comparables_by_hand() -> None:
    # A: 100 x 1.1 x 0.9 = 99; B: 120 x 0.8 x 1.05 x 1.0 x 1.2 x 0.95 = 120 x 0.9576 = 114.912;
    # C: 90. Weights 2:1:1 -> 0.5, 0.25, 0.25.
    # V = 0.5 x 99 + 0.25 x 114.912 + 0.25 x 90 = 49.5 + 28.728 + 22.5 = 100.728
    # range 90 .. 114.912; spread = 24.912 / 100.728 = 0.2473195
    res = comparable_transactions([A, B, C], subject_scale=1.0, **BOUNDS)  # type: ignore[arg-type]
    assert [float(c.coefficient_product) for c in res.comparables] == pytest.approx(
        [0.99, 0.9576, 1.0], rel=REL
    )
    assert [c.weight for c in res.comparables] == pytest.approx([0.5, 0.25, 0.25], rel=REL)
    assert res.value == pytest.approx(100.728, rel=REL)
    assert (res.low, res.high) == (pytest.approx(90.0), pytest.approx(114.912, rel=REL))
    assert res.spread == pytest.approx(0.24731951393852755, rel=1e-10)
    # sqrt(0.5 x 1.728^2 + 0.25 x 14.184^2 + 0.25 x 10.728^2) / 100.728 = 0.0891076
    assert res.dispersion == pytest.approx(0.08910760670775161, rel=1e-10)


def test_similarity_recency_quality_weights() -> None:
    # 0.9 x 1 x 0.8 = 0.72; 0.5 x 0.8 x 1 = 0.4; 0.6 x 0.5 x 0.6 = 0.18; sum 1.3
    comps = [
        Comparable("A", 10.0, similarity=0.9, recency=1.0, quality=0.8),
        Comparable("B", 20.0, similarity=0.5, recency=0.8, quality=1.0),
        Comparable("C", 30.0, similarity=0.6, recency=0.5, quality=0.6),
    ]
    res = comparable_transactions(comps, subject_scale=1.0, **BOUNDS)  # type: ignore[arg-type]
    assert [c.weight for c in res.comparables] == pytest.approx(
        [0.72 / 1.3, 0.4 / 1.3, 0.18 / 1.3], rel=REL
    )
    assert res.value == pytest.approx((7.2 + 8.0 + 5.4) / 1.3, rel=REL)


def test_royalty_rate_comparables_scale_by_subject_revenue() -> None:
    # a 5 % royalty on a subject revenue of 1000 -> 50
    res = comparable_transactions(
        [Comparable("L", 0.05, weight=1.0)],
        subject_scale=1000.0,
        c_min=0.5,
        c_max=2.0,
        min_count=1,
    )
    assert res.value == pytest.approx(50.0, rel=REL)


def test_cap_weights_by_hand() -> None:
    # 0.7 capped at 0.5; the 0.2 excess goes 2:1 to the others -> 0.3333, 0.1667
    assert cap_weights(np.array([0.7, 0.2, 0.1]), 0.5) == pytest.approx([0.5, 1 / 3, 1 / 6])
    # 0.8 capped at 0.4; 0.6 left for 0.1 : 0.1 -> 0.3, 0.3
    assert cap_weights(np.array([8.0, 1.0, 1.0]), 0.4) == pytest.approx([0.4, 0.3, 0.3])
    # cascading cap: after capping the first, the second exceeds too
    w = cap_weights(np.array([0.6, 0.3, 0.05, 0.05]), 0.3)
    assert w == pytest.approx([0.3, 0.3, 0.2, 0.2]) and w.sum() == pytest.approx(1.0)


def test_cap_weights_with_subnormal_and_zero_weights() -> None:
    # reported: free / rest overflowed to inf when the uncapped rest was subnormal
    w = cap_weights(np.array([0.0, 1.0, 2.2e-311]), 0.5)
    assert np.isfinite(w).all() and w.sum() == pytest.approx(1.0) and w.max() <= 0.5 + 1e-12
    # [1, tiny, tiny] with cap 0.5: 0.5 on the first, the rest split equally between the tiny two
    assert cap_weights(np.array([1.0, 1e-320, 1e-320]), 0.5) == pytest.approx([0.5, 0.25, 0.25])
    # only zero weights left uncapped: they share the remainder equally
    assert cap_weights(np.array([1.0, 0.0, 0.0]), 0.5) == pytest.approx([0.5, 0.25, 0.25])
    with pytest.raises(InputError, match="weights"):
        cap_weights(np.array([0.0, 0.0]), 0.5)
    with pytest.raises(InputError, match="weights"):
        cap_weights(np.array([1.0, np.nan]), 0.5)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0.0), st.floats(min_value=1e-320, max_value=1e6)), min_size=1, max_size=12
    ).filter(lambda ws: sum(ws) > 0),
    st.floats(min_value=0.05, max_value=1.0),
)
def test_cap_weights_properties(ws: list[float], cap: float) -> None:
    if cap * len(ws) < 1:
        return  # infeasible caps are refused (tested above)
    w = cap_weights(np.array(ws), cap)
    assert np.isfinite(w).all() and (w >= 0).all()
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    assert w.max() <= cap + 1e-9


def test_vectorised_unit_prices() -> None:
    comps = [
        Comparable(
            "A", np.array([100.0, 200.0]), {"technology_stage": np.array([1.0, 1.2])}, weight=1.0
        ),
        Comparable("B", 50.0, weight=1.0),
    ]
    res = comparable_transactions(comps, subject_scale=1.0, c_min=0.5, c_max=1.5, min_count=2)
    assert res.value == pytest.approx([75.0, 145.0], rel=REL)
    assert res.high == pytest.approx([100.0, 240.0], rel=REL)


def test_nan_mode_marks_invalid_draws() -> None:
    comps = [
        Comparable(
            "A",
            np.array([100.0, -5.0, 100.0]),
            {"technology_stage": np.array([1.0, 1.0, 1.6])},
            weight=1.0,
        ),
        Comparable("B", 50.0, weight=1.0),
    ]
    res = comparable_transactions(
        comps, subject_scale=1.0, c_min=0.5, c_max=1.5, min_count=2, invalid="nan"
    )
    assert res.valid.tolist() == [True, False, False]
    assert res.value[0] == pytest.approx(75.0) and np.isnan(res.value[1:]).all()
    with pytest.raises(InputError) as err:
        comparable_transactions(
            [
                Comparable(
                    "A", np.array([1.0, 2.0]), {"technology_stage": np.array([1.0] * 3)}, weight=1.0
                )
            ],
            subject_scale=1.0,
            c_min=0.5,
            c_max=1.5,
            min_count=1,
            invalid="nan",
        )
    assert err.value.field == "comparables.0.coefficients.technology_stage"


def test_quality_ratio_by_hand() -> None:
    # 100 x 60/80 = 75; 200 x 60/50 = 240; mean = 157.5
    res = quality_ratio_value([100.0, 200.0], [80.0, 50.0], 60.0)
    assert res.adjusted_values == pytest.approx([75.0, 240.0], rel=REL)
    assert res.value == pytest.approx(157.5, rel=REL)
    vec = quality_ratio_value([100.0, 200.0], [80.0, 50.0], np.array([60.0, 80.0]))
    assert vec.value == pytest.approx([157.5, (100.0 + 320.0) / 2], rel=REL)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 1e6), st.floats(0.5, 1.5), st.floats(0.01, 10.0)),
        min_size=1,
        max_size=8,
    ),
    st.floats(0.1, 100.0),
)
def test_value_within_range_and_linear_in_scale(
    rows: list[tuple[float, float, float]], scale: float
) -> None:
    comps = [
        Comparable(f"c{i}", x, {"technology_stage": c}, weight=w)
        for i, (x, c, w) in enumerate(rows)
    ]
    res = comparable_transactions(comps, subject_scale=scale, c_min=0.5, c_max=1.5, min_count=1)
    assert res.low * (1 - 1e-12) - 1e-9 <= res.value <= res.high * (1 + 1e-12) + 1e-9
    one = comparable_transactions(comps, subject_scale=1.0, c_min=0.5, c_max=1.5, min_count=1)
    assert res.value == pytest.approx(one.value * scale, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: comparable_transactions([A, B], subject_scale=1.0, **BOUNDS), "comparables"),  # type: ignore[arg-type]
        (lambda: comparable_transactions([A, A, C], subject_scale=1.0, **BOUNDS), "comparables"),  # type: ignore[arg-type]
        (
            lambda: comparable_transactions(
                [A], subject_scale=1.0, c_min=0.5, c_max=1.5, min_count=0
            ),
            "min_count",
        ),
        (
            lambda: comparable_transactions(
                [A], subject_scale=1.0, c_min=1.2, c_max=1.5, min_count=1
            ),
            "c_min",
        ),
        (
            lambda: comparable_transactions(
                [A], subject_scale=1.0, c_min=0.0, c_max=1.5, min_count=1
            ),
            "c_min",
        ),
        (
            lambda: comparable_transactions(
                [A], subject_scale=1.0, c_min=0.95, c_max=1.05, min_count=1
            ),
            "comparables.0.coefficients.technology_stage",
        ),
        (
            lambda: comparable_transactions(
                [Comparable("x", 1.0, {"Bad-Name": 1.0}, weight=1.0)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables.0.coefficients.Bad-Name",
        ),
        (
            lambda: comparable_transactions(
                [Comparable("x", -1.0, weight=1.0)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables.0.unit_price",
        ),
        (
            lambda: comparable_transactions(
                [A], subject_scale=-1.0, c_min=0.5, c_max=1.5, min_count=1
            ),
            "subject_scale",
        ),
        (
            lambda: comparable_transactions(
                [A, Comparable("y", 1.0, similarity=1, recency=1, quality=1)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables",
        ),
        (
            lambda: comparable_transactions(
                [Comparable("y", 1.0, similarity=1, recency=1)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables.0.quality",
        ),
        (
            lambda: comparable_transactions(
                [Comparable("y", 1.0, similarity=1.2, recency=1, quality=1)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables.0.similarity",
        ),
        (
            lambda: comparable_transactions(
                [Comparable("y", 1.0, weight=-1.0)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables.0.weight",
        ),
        (
            lambda: comparable_transactions(
                [Comparable("y", 1.0, weight=0.0)],
                subject_scale=1.0,
                c_min=0.5,
                c_max=1.5,
                min_count=1,
            ),
            "comparables",
        ),
        (
            lambda: comparable_transactions([A, B, C], subject_scale=1.0, max_weight=0.3, **BOUNDS),  # type: ignore[arg-type]
            "max_weight",
        ),
        (lambda: cap_weights(np.array([1.0, 1.0]), 0.0), "max_weight"),
        (lambda: quality_ratio_value([], [], 1.0), "comparable_values"),
        (lambda: quality_ratio_value([1.0, 2.0], [1.0], 1.0), "comparable_quality"),
        (lambda: quality_ratio_value([-1.0], [1.0], 1.0), "comparable_values"),
        (lambda: quality_ratio_value([1.0], [0.0], 1.0), "comparable_quality"),
        (lambda: quality_ratio_value([1.0], [1.0], 0.0), "subject_quality"),
    ],
)
def test_bad_input(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert err.value.field == field
