"""Bad-input rules of the KR formulas not covered elsewhere: each names its field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipvalue.core.errors import InputError
from ipvalue.frameworks import kr
from ipvalue.frameworks._kcj import finite, in_range, weights_summing_to_one

SCORES = dict.fromkeys(kr.STRENGTH_ITEMS, 3.0)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: finite("x", "3"), "x"),  # type: ignore[arg-type]
        (lambda: finite("x", True), "x"),
        (lambda: in_range("x", 2.0, 0.0, 1.0, high_open=True), "x"),
        (lambda: weights_summing_to_one("w", {}), "w"),
        (lambda: weights_summing_to_one("w", {"a": 0.5, "b": 0.6}), "w"),
        (
            lambda: kr.individual_strength({**SCORES, "usability": "4"}, "equal"),  # type: ignore[dict-item]
            "strength.scores.usability",
        ),
        (lambda: kr.individual_strength(SCORES, "heavy"), "strength.weights"),  # type: ignore[arg-type]
        (lambda: kr.Quartiles(1, 2, 3, source=" "), "kr.life.quartiles_source"),
        (lambda: kr.Quartiles(-1, 2, 3, source="s"), "kr.life.q1"),
        (
            lambda: kr.business_value(
                [1.0], rate=-1.0, life_years=1, final_year="prorate", timing="end"
            ),
            "kr.discount_rate",
        ),
        (
            lambda: kr.business_value(
                [1.0], rate=0.1, life_years=0, final_year="prorate", timing="end"
            ),
            "kr.economic_life",
        ),
        (
            lambda: kr.business_value(
                [1.0],
                rate=0.1,
                life_years=1,
                final_year="round",  # type: ignore[arg-type]
                timing="end",
            ),
            "kr.final_year",
        ),
        (
            lambda: kr.business_value(
                [1.0], rate=0.1, life_years=1, final_year="whole", timing="start"
            ),
            "kr.timing",
        ),  # type: ignore[arg-type]
        (
            lambda: kr.technology_value(
                [1.0], rate=0.1, life_years=1, contribution=1.5, final_year="whole", timing="end"
            ),
            "kr.contribution",
        ),
        (
            lambda: kr.adjusted_reproduction_cost(
                [], roa_median=0.1, roa_source="s", obsolescence=0
            ),
            "kr.cost.costs",
        ),
        (
            lambda: kr.adjusted_reproduction_cost(
                [kr.RdCost("labour", 1)], roa_median=-1.0, roa_source="s", obsolescence=0
            ),
            "kr.cost.roa_median",
        ),
        (
            lambda: kr.trp_from_items({**dict.fromkeys(kr.TRP_ITEMS, 3), "extra": 1}),
            "kr.trp.items.extra",
        ),
    ],
)
def test_rule_names_field(call: Callable[[], Any], field: str) -> None:
    with pytest.raises(InputError) as e:
        call()
    assert e.value.field == field


def test_cycle_time_file_rules(tmp_path: Path) -> None:
    f = tmp_path / "ct.csv"
    f.write_text(
        "scheme,code,n_patents,n_ages,q1,q2,q3,mean\n"
        "ipc,H01M,5,0,1,2,3,2\nipc,G06F,5,9,1,2,3,2\nipc,G06F,5,9,1,2,3,2\n"
    )
    with pytest.raises(InputError, match=">= 1") as e:
        kr.read_cycle_time_quartiles(f, scheme="ipc", code="H01M")
    assert e.value.field.endswith("H01M.n_ages")
    with pytest.raises(InputError, match="2 rows"):
        kr.read_cycle_time_quartiles(f, scheme="ipc", code="G06F")
    bad = tmp_path / "ct.parquet"
    bad.write_text("not parquet")
    with pytest.raises(InputError, match="cannot be read"):
        kr.read_cycle_time_quartiles(bad, scheme="ipc", code="H01M")


def test_smart_config_rules() -> None:
    w = {"rights": 35.0, "technology": 35.0, "usability": 30.0}
    with pytest.raises(InputError, match="group must be one of"):
        kr.SmartConfig(
            group_weights=w, group_weights_source="s", points={**kr.IPM_POINTS, "x": ("legal", 5.0)}
        )
    only_neg = {k: v for k, v in kr.IPM_POINTS.items() if v[0] != "rights"}
    only_neg["patent_stability"] = ("rights", -20.0)
    with pytest.raises(InputError, match="'rights' needs a positive allocation"):
        kr.SmartConfig(group_weights=w, group_weights_source="s", points=only_neg)
    with pytest.raises(InputError, match="exactly 9 labels"):
        kr.SmartConfig(group_weights=w, group_weights_source="s", grade_labels=("A", "B"))
    cfg = kr.SmartConfig(group_weights=w, group_weights_source="s")
    ratings = dict.fromkeys(kr.IPM_POINTS, 3.0)
    with pytest.raises(InputError) as e:
        kr.smart_grade(
            ratings,
            config=cfg,
            sector="chemistry",
            population=[("chemistry", 1.0)] * 9 + [("mars", 1.0)],
        )
    assert e.value.field == "smart.population.9"
