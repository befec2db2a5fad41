"""Cost approach, activity-based R&D cost and multi-country filing cost."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue.core.errors import InputError
from ipvalue.valuation.cost import (
    CountryFees,
    RDActivity,
    activity_based_rd_cost,
    cost_approach,
    filing_maintenance_cost,
)

REL = 1e-12
COST = dict(
    direct=800.0,
    indirect=200.0,
    developer_profit=150.0,
    entrepreneurial_incentive=50.0,
    basis="reproduction",
)


def test_multiplicative_obsolescence_by_hand() -> None:
    # RC = 800 + 200 + 150 + 50 = 1200
    # V = 1200 x (1 - 0) x (1 - 0.2) x (1 - 0.1) = 1200 x 0.72 = 864
    # amounts: physical 0; functional 1200 x 0.2 = 240; economic (1200 - 240) x 0.1 = 96
    res = cost_approach(
        **COST,
        obsolescence_mode="multiplicative",  # type: ignore[arg-type]
        physical=0.0,
        functional=0.2,
        economic=0.1,
    )
    assert res.cost_new == pytest.approx(1200.0, rel=REL)
    assert res.value == pytest.approx(864.0, rel=REL)
    assert (res.physical, res.functional, res.economic) == (0.0, 240.0, pytest.approx(96.0))
    assert res.obsolescence == pytest.approx(336.0, rel=REL)


def test_amounts_obsolescence_by_hand() -> None:
    # V = 1200 - (0 + 200 + 100) = 900
    res = cost_approach(
        **COST,
        obsolescence_mode="amounts",  # type: ignore[arg-type]
        physical=0.0,
        functional=200.0,
        economic=100.0,
    )
    assert res.value == pytest.approx(900.0, rel=REL)


def test_vectorised_cost() -> None:
    res = cost_approach(
        np.array([100.0, 200.0]),
        0.0,
        developer_profit=0.0,
        entrepreneurial_incentive=0.0,
        basis="replacement",
        obsolescence_mode="multiplicative",
        physical=0.0,
        functional=np.array([0.5, 0.25]),
        economic=0.0,
    )
    assert res.value == pytest.approx([50.0, 150.0], rel=REL)
    assert res.basis == "replacement"


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1e7), st.floats(0, 1e7), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_multiplicative_value_between_zero_and_cost_new(
    direct: float, indirect: float, p: float, f: float, e: float
) -> None:
    res = cost_approach(
        direct,
        indirect,
        developer_profit=0.0,
        entrepreneurial_incentive=0.0,
        basis="reproduction",
        obsolescence_mode="multiplicative",
        physical=p,
        functional=f,
        economic=e,
    )
    assert 0.0 <= res.value <= res.cost_new * (1 + 1e-15)
    assert res.value == pytest.approx(
        res.cost_new * (1 - p) * (1 - f) * (1 - e), rel=1e-12, abs=1e-9
    )


def test_nan_mode_marks_invalid_draws() -> None:
    # a drawn functional obsolescence above 1 and amounts above the cost new are rejected per path
    res = cost_approach(
        100.0,
        0.0,
        developer_profit=0.0,
        entrepreneurial_incentive=0.0,
        basis="replacement",
        obsolescence_mode="multiplicative",
        physical=0.0,
        functional=np.array([0.2, 1.2]),
        economic=0.0,
        invalid="nan",
    )
    assert res.valid.tolist() == [True, False]
    assert res.value[0] == pytest.approx(80.0) and np.isnan(res.value[1])
    amounts = cost_approach(
        100.0,
        0.0,
        developer_profit=0.0,
        entrepreneurial_incentive=0.0,
        basis="replacement",
        obsolescence_mode="amounts",
        physical=0.0,
        functional=np.array([20.0, 120.0]),
        economic=0.0,
        invalid="nan",
    )
    assert amounts.valid.tolist() == [True, False]
    rd = activity_based_rd_cost(
        [RDActivity("a", "r", 0.0, 100.0, {"engineer": np.array([10.0, -1.0])})],
        role_rates=ROLES,
        valuation_index=100.0,
        opportunity_rate=0.0,
        completion_time=0.0,
        basis="reproduction",
        invalid="nan",
    )
    assert rd.valid.tolist() == [True, False]
    assert rd.restated_total[0] == pytest.approx(800.0) and np.isnan(rd.restated_total[1])
    fees = filing_maintenance_cost(
        [CountryFees("KR", "KRW", np.array([0.001, -0.001]), {2025: 1000.0}, {2025: 1.0})],
        valuation_year=2025,
        invalid="nan",
    )
    assert fees.valid.tolist() == [True, False]
    assert fees.value[0] == pytest.approx(1.0) and np.isnan(fees.value[1])


ROLES = {"engineer": 80.0, "technician": 40.0}
ACTIVITIES = [
    RDActivity(
        "concept",
        "research",
        0.0,
        100.0,
        {"engineer": 100, "technician": 50},
        materials=1000.0,
        equipment=500.0,
    ),
    RDActivity(
        "prototype", "development", 1.0, 104.0, {"engineer": 200}, materials=3000.0, external=2000.0
    ),
    RDActivity(
        "legacy test", "development", 1.5, 105.0, {"technician": 100}, needed_for_replacement=False
    ),
]


def test_activity_based_rd_cost_by_hand() -> None:
    # concept:   100 h x 80 + 50 h x 40 + 1000 + 500 = 11,500; restated x 110/100 = 12,650
    # prototype: 200 h x 80 + 3000 + 2000 = 21,000; restated x 110/104 = 22,211.538
    # legacy:    100 h x 40 = 4,000; restated x 110/105 = 4,190.476
    # OC (r_oc 3 %, completion at 2): 11,500 x (1.03^2 - 1) = 700.35; 21,000 x 0.03 = 630;
    #    4,000 x (1.03^0.5 - 1) = 59.5566
    res = activity_based_rd_cost(
        ACTIVITIES,
        role_rates=ROLES,
        valuation_index=110.0,
        opportunity_rate=0.03,
        completion_time=2.0,
        basis="reproduction",
    )
    assert [float(a.nominal) for a in res.activities] == [11500.0, 21000.0, 4000.0]
    assert res.nominal_total == pytest.approx(36500.0, rel=REL)
    assert res.restated_total == pytest.approx(39052.01465201465, rel=REL)
    assert res.opportunity_cost == pytest.approx(1389.9066260368872, rel=1e-11)
    assert res.by_stage["research"] == pytest.approx(12650.0, rel=REL)
    assert res.by_stage["development"] == pytest.approx(26402.01465201465, rel=REL)


def test_replacement_basis_drops_unneeded_work_and_feeds_cost_approach() -> None:
    res = activity_based_rd_cost(
        ACTIVITIES,
        role_rates=ROLES,
        valuation_index=110.0,
        opportunity_rate=0.03,
        completion_time=2.0,
        basis="replacement",
    )
    assert res.excluded == ("legacy test",)
    assert res.restated_total == pytest.approx(12650.0 + 22211.53846153846, rel=REL)
    assert res.opportunity_cost == pytest.approx(700.35 + 630.0, rel=1e-11)
    value = cost_approach(
        res.restated_total,
        0.0,
        developer_profit=0.0,
        entrepreneurial_incentive=res.opportunity_cost,
        basis="replacement",
        obsolescence_mode="multiplicative",
        physical=0,
        functional=0,
        economic=0,
    )
    assert value.value == pytest.approx(34861.53846153846 + 1330.35, rel=1e-12)


def test_filing_and_maintenance_cost_by_hand() -> None:
    # KR: 1,000,000 x 115/100 + 500,000 x 115/110 = 1,672,727.27 KRW x 0.00075 = 1,254.545 USD
    # US: 2,000 x 115/100 + 1,500 x 115/112 = 3,840.179 USD; total 5,094.724 USD
    kr = CountryFees(
        "KR",
        "KRW",
        0.00075,
        {2020: 1_000_000.0, 2023: 500_000.0},
        {2020: 100.0, 2023: 110.0, 2025: 115.0},
    )
    us = CountryFees(
        "US", "USD", 1.0, {2021: 2000.0, 2024: 1500.0}, {2021: 100.0, 2024: 112.0, 2025: 115.0}
    )
    res = filing_maintenance_cost([kr, us], valuation_year=2025)
    assert res.countries[0].restated_local == pytest.approx(1672727.2727272727, rel=REL)
    assert res.countries[0].value == pytest.approx(1254.5454545454545, rel=REL)
    assert res.countries[1].value == pytest.approx(3840.1785714285716, rel=REL)
    assert res.value == pytest.approx(5094.7240259740265, rel=REL)


def _fees(**kw: object) -> CountryFees:
    args: dict[str, object] = dict(
        country="KR",
        currency="KRW",
        fx_rate=1.0,
        fees={2020: 10.0},
        price_index={2020: 100.0, 2025: 110.0},
    )
    args.update(kw)
    return CountryFees(**args)  # type: ignore[arg-type]


def _rd(acts: list[RDActivity], **kw: object) -> object:
    args: dict[str, object] = dict(
        role_rates=ROLES,
        valuation_index=110.0,
        opportunity_rate=0.03,
        completion_time=2.0,
        basis="reproduction",
    )
    args.update(kw)
    return activity_based_rd_cost(acts, **args)  # type: ignore[arg-type]


def _cost(**kw: object) -> object:
    args: dict[str, object] = dict(
        COST, obsolescence_mode="multiplicative", physical=0.0, functional=0.0, economic=0.0
    )
    args.update(kw)
    return cost_approach(**args)  # type: ignore[arg-type]


A0 = ACTIVITIES[0]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: _cost(direct=-1.0), "direct"),
        (lambda: _cost(indirect=-1.0), "indirect"),
        (lambda: _cost(developer_profit=-1.0), "developer_profit"),
        (lambda: _cost(entrepreneurial_incentive=-1.0), "entrepreneurial_incentive"),
        (lambda: _cost(basis="historical"), "basis"),
        (lambda: _cost(obsolescence_mode="additive"), "obsolescence_mode"),
        (lambda: _cost(functional=1.2), "functional"),
        (lambda: _cost(physical=-0.1), "physical"),
        (lambda: _cost(obsolescence_mode="amounts", economic=-5.0), "economic"),
        (lambda: _cost(obsolescence_mode="amounts", functional=1000.0, economic=300.0), "economic"),
        (
            lambda: _cost(direct=np.array([1.0, 2.0]), functional=np.array([0.1, 0.2, 0.3])),
            "functional",
        ),
        (lambda: _rd([]), "activities"),
        (lambda: _rd([A0, A0]), "activities"),
        (lambda: _rd([A0], basis="historical"), "basis"),
        (lambda: _rd([A0], valuation_index=0.0), "valuation_index"),
        (lambda: _rd([A0], opportunity_rate=-1.0), "opportunity_rate"),
        (
            lambda: _rd([A0], role_rates={"engineer": -1.0, "technician": 1.0}),
            "role_rates.engineer",
        ),
        (lambda: _rd([A0], role_rates={"engineer": 80.0}), "activities.0.hours.technician"),
        (
            lambda: _rd([RDActivity("x", "r", 0.0, 100.0, {"engineer": -1})]),
            "activities.0.hours.engineer",
        ),
        (lambda: _rd([RDActivity("x", "r", 0.0, 0.0)]), "activities.0.price_index"),
        (lambda: _rd([RDActivity("x", "r", 3.0, 100.0)]), "activities.0.time"),
        (lambda: _rd([RDActivity("x", "r", 0.0, 100.0, materials=-1.0)]), "activities.0.materials"),
        (
            lambda: _rd(
                [RDActivity("x", "r", 0.0, 100.0, needed_for_replacement=False)],
                basis="replacement",
            ),
            "activities",
        ),
        (lambda: filing_maintenance_cost([], valuation_year=2025), "countries"),
        (lambda: filing_maintenance_cost([_fees(), _fees()], valuation_year=2025), "countries"),
        (
            lambda: filing_maintenance_cost([_fees(fees={})], valuation_year=2025),
            "countries.0.fees",
        ),
        (
            lambda: filing_maintenance_cost([_fees(fx_rate=0.0)], valuation_year=2025),
            "countries.0.fx_rate",
        ),
        (
            lambda: filing_maintenance_cost([_fees()], valuation_year=2024),
            "countries.0.price_index.2024",
        ),
        (
            lambda: filing_maintenance_cost(
                [_fees(fees={2026: 1.0}, price_index={2025: 1.0, 2026: 1.0})], valuation_year=2025
            ),
            "countries.0.fees.2026",
        ),
        (
            lambda: filing_maintenance_cost([_fees(fees={2019: 1.0})], valuation_year=2025),
            "countries.0.price_index.2019",
        ),
        (
            lambda: filing_maintenance_cost([_fees(fees={2020: -1.0})], valuation_year=2025),
            "countries.0.fees.2020",
        ),
    ],
)
def test_bad_input(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InputError) as err:
        call()
    assert err.value.field == field
