"""The engine's tornado is :func:`ipvalue.valuation.sensitivity.tornado`, with the results the
engine's former own loop gave (recorded before the change, compared bit for bit)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ipvalue

RECORDED = json.loads((Path(__file__).parent / "tornado_before_refactor.json").read_text())["cases"]


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_bars_equal_the_recorded_engine_loop_exactly(name: str) -> None:
    rec: dict[str, Any] = RECORDED[name]
    v = ipvalue.value(ipvalue.load_case(rec["case"]))
    got = [[b.name, b.low_input, b.high_input, b.low_value, b.high_value] for b in v.sensitivity]
    assert v.value == rec["value"]
    assert got == rec["bars"]  # same order, same floats (no tolerance)


def test_every_bar_is_a_deterministic_rerun_of_its_scenario() -> None:
    # A valuer who sets an input to its p10 and reruns gets the bar's low value exactly.
    rec = RECORDED["relief_from_royalty_patent.yaml"]
    v = ipvalue.value(ipvalue.load_case(rec["case"]))
    bar = v.sensitivity[0]
    i, field = bar.name.split(".", 2)[1:]
    case = json.loads(json.dumps(rec["case"]))
    node = case["approaches"][int(i)]
    *path, last = field.split(".")
    for k in path:
        node = node[int(k)] if isinstance(node, list) else node[k]
    node[int(last) if isinstance(node, list) else last] = bar.low_input
    assert ipvalue.value(ipvalue.load_case(case)).value == bar.low_value


def test_an_unvaluable_scenario_drops_its_bar_with_a_warning() -> None:
    rec = RECORDED["invalid_scenario_and_zero_weight"]
    v = ipvalue.value(ipvalue.load_case(rec["case"]))
    # terminal growth ~ triangular(0, 0.02, 0.2): p90 = 0.2 − sqrt(0.1·0.2·0.18) = 0.14 > r = 0.13;
    # the cost approach has weight 0, so its uncertain direct cost is not moved.
    assert [b.name for b in v.sensitivity] == ["approaches.0.royalty_rate"]
    w = [w for w in v.warnings if w.code == "tornado_scenario_invalid"]
    assert len(w) == 1
    assert "approaches.0.terminal_growth at its high value 0.14" in w[0].message
