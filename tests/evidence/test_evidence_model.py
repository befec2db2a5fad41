"""Seams 1 and 2: the ``patent_evidence`` case block and the market quality-ratio fields."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ipvalue.api_python import load_case
from ipvalue.model.approaches import MarketComparables
from ipvalue.model.case import PatentEvidence

BASE: dict[str, Any] = {
    "id": "t-1",
    "title": "test",
    "purpose": "licensing",
    "valuation_date": "2025-06-30",
    "currency": "USD",
    "asset": {"type": "patent", "name": "widget"},
    "approaches": [
        {
            "method": "relief_from_royalty",
            "revenue": [100.0],
            "royalty_rate": 0.05,
            "tax_rate": 0.25,
            "discount_rate": 0.12,
        }
    ],
}


def _market(**kw: Any) -> dict[str, Any]:
    comp = {"name": "deal", "unit_price": 10.0, **kw.pop("comp", {})}
    return {"method": "market_comparables", "comparables": [comp], **kw}


def test_patent_evidence_defaults() -> None:
    pe = PatentEvidence(indicators_file="ind.csv", patent_id="7654321")
    assert pe.quality_indicator == "quality_index"
    assert pe.cycle_time_file is None and pe.cycle_time_code is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"indicators_file": "ind.csv"}, "patent_id is required with indicators_file"),
        ({"patent_id": "1"}, "indicators_file is required with patent_id"),
        ({"cycle_time_file": "ct.csv", "cycle_time_code": ""}, "at least 1 character"),
        (
            {"indicators_file": "i.csv", "patent_id": "1", "cycle_time_code": "H01M"},
            "cycle_time_file is required with cycle_time_code",
        ),
        ({}, "give indicators_file or cycle_time_file"),
        ({"cycle_time_file": "ct.csv", "colour": "x"}, "Extra inputs"),
        ({"indicators_file": "i.csv", "patent_id": "1", "quality_indicator": "1; drop"}, "pattern"),
    ],
)
def test_patent_evidence_rules(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PatentEvidence(**fields)


def test_patent_evidence_is_frozen() -> None:
    pe = PatentEvidence(cycle_time_file="ct.csv")
    with pytest.raises(ValidationError):
        pe.cycle_time_file = "other.csv"  # type: ignore[misc]


def test_case_file_paths_anchored_to_case_folder(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["patent_evidence"] = {
        "indicators_file": "data/ind.csv",
        "patent_id": "7654321",
        "cycle_time_file": "/abs/ct.csv",
    }
    sub = tmp_path / "cases"
    sub.mkdir()
    f = sub / "case.json"
    f.write_text(json.dumps(doc))
    case = load_case(f)
    assert case.patent_evidence is not None
    assert case.patent_evidence.indicators_file == str(sub.resolve() / "data/ind.csv")
    assert case.patent_evidence.cycle_time_file == "/abs/ct.csv"
    assert case.patent_evidence.patent_id == "7654321"  # not a *_file key: untouched


def test_case_without_block_has_none() -> None:
    assert load_case(BASE).patent_evidence is None


def test_market_quality_fields_default() -> None:
    m = MarketComparables.model_validate(_market())
    assert m.quality_adjustment == "none" and m.subject_quality is None
    assert m.comparables[0].patent_id is None and m.comparables[0].quality_score is None


def test_market_quality_ratio_accepts_scores() -> None:
    m = MarketComparables.model_validate(
        _market(
            quality_adjustment="ratio",
            subject_quality=1.2,
            comp={"patent_id": "123", "quality_score": 0.8},
        )
    )
    assert m.comparables[0].quality_score == 0.8 and m.subject_quality == 1.2


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"quality_adjustment": "ratio", "subject_quality": 0.0}, "greater than 0"),
        ({"quality_adjustment": "ratio", "comp": {"quality_score": -1.0}}, "greater than 0"),
        ({"quality_adjustment": "ratio", "comp": {"quality_score": float("inf")}}, "finite"),
        ({"quality_adjustment": "scale"}, "'none' or 'ratio'"),
        ({"subject_quality": 1.0}, "subject_quality is used only with quality_adjustment"),
        (
            {"comp": {"quality_score": 1.0}},
            "comparables.0.quality_score is used only with quality_adjustment",
        ),
        ({"comp": {"patent_id": ""}}, "at least 1 character"),
    ],
)
def test_market_quality_rules(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MarketComparables.model_validate(_market(**kw))


def test_bad_patent_evidence_via_cli_exits_2(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["patent_evidence"] = {"indicators_file": "ind.csv"}
    f = tmp_path / "case.json"
    f.write_text(json.dumps(doc))
    code, out, err = run_cli("value", f)
    assert code == 2 and out == ""
    assert "patent_evidence" in err and "patent_id is required" in err
    assert "Traceback" not in err
