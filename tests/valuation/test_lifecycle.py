"""Lifecycle-staged forecasts: a worked example, vectorised paths, every bad-input rule."""

from __future__ import annotations

import numpy as np
import pytest

from ipvalue.core.errors import InputError
from ipvalue.valuation.income import dcf
from ipvalue.valuation.lifecycle import Stage, lifecycle_forecast

REL = 1e-12

STAGES = [
    Stage("introduction", 1, 2, growth=0.5, margin=0.05, probability=0.6),
    Stage("growth", 3, 4, growth=0.3, margin=0.15),
    Stage("maturity", 5, 7, growth=0.0, margin=0.2),
    Stage("decline", 8, 9, growth=-0.2, margin=0.1),
]


def test_lifecycle_by_hand() -> None:
    # revenue: 100*1.5 = 150, *1.5 = 225, *1.3 = 292.5, *1.3 = 380.25, flat x3, *0.8 = 304.2,
    #          *0.8 = 243.36
    # income:  150*0.05 = 7.5, 225*0.05 = 11.25, 292.5*0.15 = 43.875, 380.25*0.15 = 57.0375,
    #          380.25*0.2 = 76.05 (x3), 304.2*0.1 = 30.42, 243.36*0.1 = 24.336
    fc = lifecycle_forecast(100.0, STAGES, economic_life=10.0, legal_term=12.0)
    assert fc.years.tolist() == list(range(1, 10))
    assert fc.stage_of_year[:3] == ("introduction", "introduction", "growth")
    assert fc.revenue == pytest.approx(
        [150, 225, 292.5, 380.25, 380.25, 380.25, 380.25, 304.2, 243.36], rel=REL
    )
    assert fc.income == pytest.approx(
        [7.5, 11.25, 43.875, 57.0375, 76.05, 76.05, 76.05, 30.42, 24.336], rel=REL
    )
    assert fc.probability.tolist() == [0.6, 0.6, 1, 1, 1, 1, 1, 1, 1]


def test_lifecycle_feeds_dcf() -> None:
    fc = lifecycle_forecast(100.0, STAGES, economic_life=10.0, legal_term=None)
    res = dcf(fc.income, 0.1, timing="end", tab=None, probability=fc.probability)
    expected = sum(
        p * x / 1.1**t for t, (x, p) in enumerate(zip(fc.income, fc.probability, strict=True), 1)
    )
    assert res.value == pytest.approx(expected, rel=REL)
    # first weighted flow: 0.6 * 7.5 = 4.5 (discounted: 4.5/1.1 = 4.0909)
    assert res.cash_flows is not None
    assert res.cash_flows[0] == pytest.approx(4.5, rel=REL)


def test_lifecycle_vectorised() -> None:
    stages = [
        Stage("growth", 1, 2, growth=np.array([0.1, 0.2]), margin=0.1),
        Stage("decline", 3, 3, growth=-0.5, margin=np.array([0.1, 0.3])),
    ]
    fc = lifecycle_forecast(np.array([100.0, 10.0]), stages, economic_life=3, legal_term=20)
    assert fc.revenue.shape == (2, 3)
    assert fc.revenue[0] == pytest.approx([110, 121, 60.5], rel=REL)
    assert fc.income[1] == pytest.approx([1.2, 1.44, 7.2 * 0.3], rel=REL)


def test_lifecycle_nan_mode() -> None:
    stages = [Stage("growth", 1, 2, growth=np.array([0.1, -1.5]), margin=0.1)]
    fc = lifecycle_forecast(100.0, stages, economic_life=5, legal_term=None, invalid="nan")
    assert fc.valid.tolist() == [True, False]
    assert fc.revenue[0] == pytest.approx([110.0, 121.0]) and np.isnan(fc.income[1]).all()


def _stage(name: str = "growth", start: int = 1, end: int = 3, **kw: object) -> Stage:
    args: dict[str, object] = dict(growth=0.1, margin=0.2)
    args.update(kw)
    return Stage(name, start, end, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stages", "kw", "field"),
    [
        ([], {}, "stages"),
        ([_stage("boom")], {}, "stages.0.name"),
        ([_stage("maturity", 1, 2), _stage("growth", 3, 4)], {}, "stages.1.name"),
        ([_stage("growth", 1, 2), _stage("growth", 3, 4)], {}, "stages.1.name"),
        ([_stage(start=2)], {}, "stages.0.start"),
        ([_stage("growth", 1, 2), _stage("maturity", 4, 5)], {}, "stages.1.start"),
        ([_stage("growth", 1, 2), _stage("maturity", 2, 5)], {}, "stages.1.start"),
        ([_stage(start=1, end=0)], {}, "stages.0.end"),
        ([_stage(start=1.5)], {}, "stages.0.start"),  # type: ignore[arg-type]
        ([_stage(end=12)], {}, "stages.0.end"),
        ([_stage(end=9)], {"legal_term": 8.0}, "stages.0.end"),
        ([_stage(growth=-1.0)], {}, "stages.0.growth"),
        ([_stage(margin=1.5)], {}, "stages.0.margin"),
        ([_stage(probability=1.1)], {}, "stages.0.probability"),
        ([_stage()], {"base_revenue": -1.0}, "base_revenue"),
        ([_stage()], {"economic_life": 0.0}, "economic_life"),
        ([_stage()], {"legal_term": 0.0}, "legal_term"),
        (
            [_stage(growth=[0.1, 0.2]), _stage("decline", 4, 5, margin=[0.1, 0.2, 0.3])],
            {},
            "stages.1.margin",
        ),
    ],
)
def test_bad_input(stages: list[Stage], kw: dict[str, object], field: str) -> None:
    args: dict[str, object] = dict(base_revenue=100.0, economic_life=10.0, legal_term=None)
    args.update(kw)
    base = args.pop("base_revenue")
    with pytest.raises(InputError) as err:
        lifecycle_forecast(base, stages, **args)  # type: ignore[arg-type]
    assert err.value.field == field
