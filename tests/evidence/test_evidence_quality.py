"""Market quality ratio ``V_i · Q/Q_i`` (DB1304/T 432-2023): Q from the case or the indicators
file, values by hand and against the kernel ``quality_ratio_value``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipvalue import load_case, value
from ipvalue.core.errors import InputError
from ipvalue.evidence import quality_ratios
from ipvalue.valuation.market import quality_ratio_value

THIRD = 1 / 3
MARKET: dict[str, Any] = {
    "method": "market_comparables",
    "quality_adjustment": "ratio",
    "comparables": [
        {"name": "A", "unit_price": 100.0, "patent_id": "P2", "weight": THIRD},
        {"name": "B", "unit_price": 150.0, "patent_id": "P3", "weight": THIRD},
        {"name": "C", "unit_price": 90.0, "quality_score": 0.9, "weight": THIRD},
    ],
}
CASE: dict[str, Any] = {
    "id": "q-1",
    "title": "quality ratio",
    "purpose": "transaction",
    "valuation_date": "2024-12-31",
    "currency": "USD",
    "asset": {"type": "patent", "name": "cell"},
    "patent_evidence": {"indicators_file": "ind.csv", "patent_id": "P1"},
    "approaches": [MARKET],
}


def _run(tmp: Path, doc: dict[str, Any]) -> Any:
    f = tmp / "case.json"
    f.write_text(json.dumps(doc))
    return value(load_case(f))


def test_equal_weights_reproduce_db1304(evidence_dir: Path) -> None:
    # Q = 0.6 (P1); Q_A = 0.3 (P2), Q_B = 0.5 (P3), Q_C = 0.9 (case)
    # V_A = 100 · 0.6/0.3 = 200; V_B = 150 · 0.6/0.5 = 180; V_C = 90 · 0.6/0.9 = 60
    # V = (200 + 180 + 60) / 3 = 146.666…
    v = _run(evidence_dir, CASE)
    assert v.value == pytest.approx(440 / 3, rel=1e-12)
    kernel = quality_ratio_value([100.0, 150.0, 90.0], [0.3, 0.5, 0.9], 0.6)
    assert v.value == pytest.approx(float(kernel.value), rel=1e-12)
    assert (v.range.low, v.range.high) == (pytest.approx(60.0), pytest.approx(200.0))
    a = {x.name: x for x in v.assumptions}
    assert a["approaches.0.subject_quality"].value == 0.6
    assert "quality_index of patent_id P1" in a["approaches.0.subject_quality"].source
    assert a["approaches.0.comparables.0.quality_score"].value == 0.3
    assert "patent_id P2" in a["approaches.0.comparables.0.quality_score"].source
    assert a["approaches.0.comparables.2.quality_score"].source == "case file"
    step = next(t for t in v.trace if t.approach == "market_comparables")
    assert step.detail["comparable.A.quality_ratio"] == pytest.approx(2.0)
    assert step.detail["comparable.C.quality_ratio"] == pytest.approx(2 / 3)


def test_weights_and_coefficients_combine(evidence_dir: Path) -> None:
    doc = copy.deepcopy(CASE)
    comps = doc["approaches"][0]["comparables"]
    for c, w in zip(comps, (0.5, 0.3, 0.2), strict=True):
        c["weight"] = w
    comps[0]["coefficients"] = {"technology_stage": 1.1}
    # V_A = 100 · 1.1 · 2 = 220; V = 0.5·220 + 0.3·180 + 0.2·60 = 110 + 54 + 12 = 176
    assert _run(evidence_dir, doc).value == pytest.approx(176.0, rel=1e-12)


def test_case_given_q_needs_no_file(tmp_path: Path) -> None:
    doc = copy.deepcopy(CASE)
    del doc["patent_evidence"]
    m = doc["approaches"][0]
    m["subject_quality"] = 1.2
    for c, q in zip(m["comparables"], (0.6, 1.2, 2.4), strict=True):
        c["quality_score"] = q
    # 100 · 2 + 150 · 1 + 90 · 0.5 = 200 + 150 + 45 = 395; / 3
    assert _run(tmp_path, doc).value == pytest.approx(395 / 3, rel=1e-12)


def test_none_leaves_prices_alone(evidence_dir: Path) -> None:
    doc = copy.deepcopy(CASE)
    m = doc["approaches"][0]
    m["quality_adjustment"] = "none"
    m["comparables"][2].pop("quality_score")
    assert _run(evidence_dir, doc).value == pytest.approx(340 / 3, rel=1e-12)


@pytest.mark.parametrize(
    ("edit", "field", "rule"),
    [
        (
            lambda d: d.pop("patent_evidence"),
            "approaches.0.subject_quality",
            "is required with quality_adjustment: ratio",
        ),
        (
            lambda d: d["approaches"][0]["comparables"][2].pop("quality_score"),
            "approaches.0.comparables.2.quality_score",
            "give it, or patent_id",
        ),
        (
            lambda d: d["approaches"][0]["comparables"][0].update(patent_id="P9"),
            "approaches.0.comparables.0.patent_id",
            "'P9' is not a patent_id",
        ),
        (
            lambda d: d["approaches"][0]["comparables"][0].update(patent_id="P6"),
            "approaches.0.comparables.0.patent_id",
            "needs Q > 0",
        ),
        (
            lambda d: d["patent_evidence"].update(quality_indicator="bwd_cits"),
            "approaches.0.comparables.1.patent_id",
            "bwd_cits of patent P3 is empty",
        ),
    ],
)
def test_open_q_errors_name_the_field(evidence_dir: Path, edit: Any, field: str, rule: str) -> None:
    doc = copy.deepcopy(CASE)
    edit(doc)
    with pytest.raises(InputError, match=rule) as e:
        _run(evidence_dir, doc)
    assert e.value.field == field


def test_portfolio_ratio_with_case_q(tmp_path: Path) -> None:
    m = copy.deepcopy(MARKET)
    m["subject_quality"] = 0.6
    for c, q in zip(m["comparables"], (0.3, 0.5, 0.9), strict=True):
        c["quality_score"] = q
        c.pop("patent_id", None)
    doc = {k: v for k, v in CASE.items() if k not in ("asset", "approaches", "patent_evidence")}
    doc["assets"] = [{"asset": CASE["asset"], "approaches": [m]}]
    assert _run(tmp_path, doc).value == pytest.approx(440 / 3, rel=1e-12)
    del m["subject_quality"]
    with pytest.raises(InputError, match="is required with quality_adjustment") as e:
        _run(tmp_path, doc)
    assert e.value.field == "assets.0.approaches.0.subject_quality"


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=8), st.floats(0.01, 100))
def test_ratios_match_kernel(qs: list[float], q: float) -> None:
    r = quality_ratios(q, qs)
    assert np.allclose(r, q / np.asarray(qs), rtol=1e-15)
    prices = np.linspace(1, 2, len(qs))
    assert float(np.mean(prices * r)) == pytest.approx(
        float(quality_ratio_value(prices, qs, q).value), rel=1e-12
    )


def test_ratio_under_monte_carlo(evidence_dir: Path) -> None:
    doc = copy.deepcopy(CASE)
    # X_A uniform on [80, 120]: V = (X_A · 2 + 180 + 60) / 3, so E[V] = (200 + 240) / 3 and
    # V ranges over [(160 + 240) / 3, (240 + 240) / 3]
    doc["approaches"][0]["comparables"][0]["unit_price"] = {
        "dist": "uniform",
        "low": 80.0,
        "high": 120.0,
    }
    doc["simulation"] = {"paths": 20_000, "seed": 3}
    v = _run(evidence_dir, doc)
    d = v.distribution
    assert d is not None and d.mean == pytest.approx(440 / 3, rel=2e-3)
    assert 400 / 3 <= d.p5 < d.p95 <= 160
