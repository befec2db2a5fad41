"""KR app auto-scores (U): every band edge, properties, and how the framework applies them."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks import get
from ipvalue.frameworks._kr_autoscore import (
    auto_item,
    auto_score,
    economic_life_score,
    obsolescence_score,
    preparation_score,
)
from ipvalue.model.case import ValuationCase

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples/jurisdictions/kr_technology_contribution.yaml"
)


# -- band edges --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("years", "score"),
    [
        (0, 1),
        (3.999, 1),
        (4, 2),
        (5.999, 2),
        (6, 3),
        (7.999, 3),
        (8, 4),
        (9.999, 4),
        (10, 5),
        (40, 5),
    ],
)
def test_economic_life_edges_lower_closed(years: float, score: int) -> None:
    assert economic_life_score(years) == score


@pytest.mark.parametrize(
    ("q2", "score"),
    [
        (0, 1),
        (6, 1),
        (6.001, 2),
        (7, 2),
        (8, 2),
        (8.001, 3),
        (9, 3),
        (9.001, 4),
        (10, 4),
        (10.001, 5),
        (30, 5),
    ],
)
def test_obsolescence_edges_upper_closed(q2: float, score: int) -> None:
    assert obsolescence_score(q2) == score


@pytest.mark.parametrize(
    ("months", "score"),
    [(0, 5), (0.5, 4), (5.999, 4), (6, 3), (11.999, 3), (12, 2), (23.999, 2), (24, 1), (60, 1)],
)
def test_preparation_edges(months: float, score: int) -> None:
    assert preparation_score(months) == score


@given(st.floats(0, 200), st.floats(0, 200))
def test_scores_monotone(a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    # longer life and slower fields score higher; longer preparation scores lower
    assert economic_life_score(lo) <= economic_life_score(hi)
    assert obsolescence_score(lo) <= obsolescence_score(hi)
    assert preparation_score(lo) >= preparation_score(hi)
    assert 1 <= economic_life_score(a) <= 5 and 1 <= preparation_score(a) <= 5


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_bad_inputs(bad: float) -> None:
    with pytest.raises(InputError):
        economic_life_score(bad)
    with pytest.raises(InputError):
        preparation_score(bad)


def test_names_and_rule_text() -> None:
    assert auto_item("경제적수명") == "economic_life"
    assert auto_item("commercialisation_lead_time") == "commercialisation_lead_time"
    with pytest.raises(InputError, match="innovativeness"):
        auto_item("innovativeness")
    a = auto_score("obsolescence_risk", 9.0)
    assert a.score == 3 and "8 < Q2 ≤ 9 → 3" in a.rule


# -- in the framework --------------------------------------------------------------------
def _data() -> dict[str, Any]:
    return copy.deepcopy(dict(read_case_data(EXAMPLE)))


def _resolve(data: dict[str, Any]) -> Any:
    case = ipvalue.load_case(data)
    assert isinstance(case, ValuationCase)
    return get("KR").resolve(case)


def _auto(data: dict[str, Any], items: list[str], months: float | None = None) -> None:
    kr = data["framework_inputs"]["KR"]
    for item in items:
        kr["contribution"]["strength_scores"].pop(auto_item(item), None)
    kr["strength"] = {"auto_scores": items}
    if months is not None:
        kr["strength"]["preparation_months"] = months


def test_framework_fills_auto_scores_labelled_u() -> None:
    data = _data()
    _auto(data, ["경제적수명", "obsolescence_risk", "사업화준비기간"], months=0)
    res = _resolve(data)
    p = {x.name: x for x in res.parameters}
    # Model I life = 8.0 y (example) -> band [8, 10) -> 4; Q2 = 7 -> (6, 8] -> 2; 0 months -> 5
    assert p["strength_auto_score.economic_life"].value == 4.0
    assert p["strength_auto_score.obsolescence_risk"].value == 2.0
    assert p["strength_auto_score.commercialisation_lead_time"].value == 5.0
    assert all(
        p[f"strength_auto_score.{k}"].evidence == "U"
        for k in ("economic_life", "obsolescence_risk", "commercialisation_lead_time")
    )
    # example scores: economic_life 4, obsolescence_risk 3, lead time 4 (sum 70 of 100);
    # auto: 4, 2, 5 -> sum 70 − 3 + 2 − 4 + 5 = 70 -> strength 0.70 unchanged
    assert p["individual_technology_strength"].value == pytest.approx(0.70)
    unconfirmed = [w.message for w in res.warnings() if w.code == "unconfirmed_parameter"]
    assert any(
        "strength_auto_score.obsolescence_risk" in m and "Q2 ≤ 6 → 1" in m for m in unconfirmed
    )


def test_strength_changes_with_auto_score() -> None:
    data = _data()
    _auto(data, ["commercialisation_lead_time"], months=30)  # ≥ 24 -> 1 (valuer had 4)
    p = {x.name: x for x in _resolve(data).parameters}
    assert p["individual_technology_strength"].value == pytest.approx((70 - 4 + 1) / 100)


def test_valuer_score_wins_with_warning() -> None:
    data = _data()
    data["framework_inputs"]["KR"]["strength"] = {"auto_scores": ["economic_life"]}
    res = _resolve(data)  # the example keeps its economic_life score 4
    names = {x.name for x in res.parameters}
    assert "strength_auto_score.economic_life" not in names
    msgs = [w.message for w in res.warnings() if w.code == "KR_AUTO_SCORE_NOT_USED"]
    assert len(msgs) == 1 and "valuer's score 4 is used" in msgs[0]


def test_missing_inputs_name_the_field() -> None:
    data = _data()
    _auto(data, ["commercialisation_lead_time"])
    with pytest.raises(InputError) as e:
        _resolve(data)
    assert e.value.field == "framework_inputs.KR.strength.preparation_months"
    data = _data()
    del data["framework_inputs"]["KR"]["life"]
    _auto(data, ["obsolescence_risk"])
    with pytest.raises(InputError, match=r"patent_evidence\.cycle_time_file"):
        _resolve(data)
    data = _data()
    _auto(data, ["economic_life", "경제적수명"])
    with pytest.raises(InputError, match="twice"):
        _resolve(data)
    data = _data()
    data["framework_inputs"]["KR"]["contribution"]["strength_scores"].pop("economic_life")
    with pytest.raises(InputError, match="economic_life"):
        _resolve(data)  # not auto-scored and not given
