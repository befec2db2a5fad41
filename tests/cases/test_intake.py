"""Reading case text as given, and profiling cases for similarity and checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipvalue.cases import parse_source, profile_case, read_source
from ipvalue.core.errors import InputError

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "relief_from_royalty_patent.yaml"


def test_yaml_12_floats_and_dates_become_json_values() -> None:
    src = parse_source("revenue: [12.0e9]\nvaluation_date: 2025-06-30\n", "c.yaml")
    assert src.format == "yaml"
    assert src.data == {"revenue": [12.0e9], "valuation_date": "2025-06-30"}


def test_json_is_detected() -> None:
    assert parse_source('{"a": 1}', "c.txt").format == "json"


@pytest.mark.parametrize(
    "text, name, field, rule",
    [
        ("a: [1, 2\n", "c.yaml", "c.yaml:2", "invalid YAML"),
        ('{"a": ', "c.json", "c.json:1", "invalid JSON"),
        ("- 1\n- 2\n", "c.yaml", "c.yaml", "mapping"),
        ("x: .nan\n", "c.yaml", "c.yaml:x", "finite"),
    ],
)
def test_bad_text_is_an_input_error(text: str, name: str, field: str, rule: str) -> None:
    with pytest.raises(InputError) as e:
        parse_source(text, name)
    assert e.value.field == field and rule in e.value.rule


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_source(tmp_path / "nope.yaml")


def test_profile_of_the_example_case() -> None:
    src = read_source(EXAMPLE)
    p = profile_case(src.data)
    assert (p.ip_type, p.jurisdiction, p.tech_class, p.purpose) == (
        "patent",
        "KR",
        "H01M4/04",
        "licensing",
    )
    assert p.params == {
        "royalty_rate": 0.04,
        "discount_rate": 0.12,
        "economic_life": 8.0,
        "growth": None,
        "contribution": None,
    }
    assert "Dry electrode coating" in p.description


def test_result_assumptions_win_over_case_values() -> None:
    case = {"approaches": [{"royalty_rate": 0.04}]}
    result = {
        "value": 5.0,
        "assumptions": [
            {"name": "approaches.0.royalty_rate", "value": 0.045, "source": "refdata"},
            {"name": "approaches.0.terminal_growth", "value": 0.02},
        ],
    }
    p = profile_case(case, result)
    assert p.params["royalty_rate"] == 0.045 and p.params["growth"] == 0.02
    assert p.value == 5.0


def test_distribution_counts_by_its_point_and_missing_stays_none() -> None:
    p = profile_case(
        {"approaches": [{"discount_rate": {"dist": "pert", "low": 0.1, "mode": 0.13, "high": 0.2}}]}
    )
    assert p.params["discount_rate"] == 0.13
    assert p.params["royalty_rate"] is None and p.value is None
