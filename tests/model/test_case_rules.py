"""Every bad-input rule of a case file: exit code 2 and a message naming the field path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

BASE: dict[str, Any] = {
    "id": "t-1",
    "title": "test",
    "purpose": "licensing",
    "valuation_date": "2025-06-30",
    "currency": "USD",
    "asset": {
        "type": "patent",
        "name": "widget",
        "legal_status": {
            "status": "granted",
            "filing_date": "2015-01-10",
            "grant_date": "2017-05-02",
            "expiry_date": "2035-01-10",
        },
    },
    "approaches": [
        {
            "method": "relief_from_royalty",
            "revenue": [100.0, 110.0, 120.0],
            "royalty_rate": 0.05,
            "tax_rate": 0.25,
            "discount_rate": 0.12,
            "terminal_growth": 0.02,
        }
    ],
}


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    keys = path.split(".")
    node: Any = out
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return out


_DELETE = object()

CASES = [
    # (id, path, value, field in message, rule in message)
    ("unknown top key", "colour", "blue", "colour", "Extra inputs are not permitted"),
    ("unknown nested key", "approaches.0.royalty", 0.05, "royalty", "Extra inputs"),
    ("wrong type rate", "approaches.0.royalty_rate", "five", "royalty_rate", "must be a number"),
    ("bool as number", "approaches.0.discount_rate", True, "discount_rate", "must be a number"),
    ("negative discount rate", "approaches.0.discount_rate", -0.1, "discount_rate", ">= 0"),
    ("negative royalty", "approaches.0.royalty_rate", -0.01, "royalty_rate", ">= 0"),
    ("royalty above 1", "approaches.0.royalty_rate", 1.5, "royalty_rate", "<= 1"),
    ("tax rate 1", "approaches.0.tax_rate", 1.0, "tax_rate", "< 1"),
    ("g equals r", "approaches.0.terminal_growth", 0.12, "terminal_growth", "must be < discount"),
    ("g above r", "approaches.0.terminal_growth", 0.2, "terminal_growth", "must be < discount"),
    ("empty forecast", "approaches.0.revenue", [], "revenue", "at least 1"),
    ("negative revenue", "approaches.0.revenue", [100.0, -5.0], "revenue", ">= 0"),
    ("unknown method", "approaches.0.method", "magic", "approaches.0", "does not match any"),
    ("no approaches", "approaches", [], "approaches", "at least 1"),
    ("bad currency", "currency", "usd", "currency", "pattern"),
    ("bad purpose", "purpose", "fun", "purpose", "Input should be"),
    ("bad ip type", "asset.type", "gadget", "asset.type", "Input should be"),
    ("bad jurisdiction", "asset.jurisdictions", ["Korea"], "asset.jurisdictions.0", "pattern"),
    (
        "grant before filing",
        "asset.legal_status.grant_date",
        "2014-01-01",
        "legal_status",
        "grant_date must not be before filing_date",
    ),
    (
        "expiry before grant",
        "asset.legal_status.expiry_date",
        "2016-01-01",
        "legal_status",
        "expiry_date must not be before grant_date",
    ),
    (
        "filing after valuation date",
        "asset.legal_status",
        {"status": "pending", "filing_date": "2025-07-01"},
        "asset.legal_status.filing_date",
        "must not be after valuation_date",
    ),
    (
        "evidence after valuation date",
        "evidence",
        [{"description": "later report", "date": "2025-07-01"}],
        "evidence.0.date",
        "must not be after valuation_date",
    ),
    ("bad date", "valuation_date", "2025-13-01", "valuation_date", "date"),
    ("ref malformed", "approaches.0.tax_rate", {"ref": "nope"}, "tax_rate", "pattern"),
    ("ref extra key", "approaches.0.tax_rate", {"ref": "a/b/c", "x": 1}, "tax_rate", "Extra"),
    (
        "distribution bad",
        "approaches.0.royalty_rate",
        {"dist": "normal", "mean": 0.05, "sd": -1},
        "royalty_rate",
        "greater than 0",
    ),
    (
        "distribution unknown",
        "approaches.0.royalty_rate",
        {"dist": "cauchy"},
        "royalty_rate",
        "dist",
    ),
    (
        "negative legal term",
        "asset.remaining_legal_term_years",
        -1.0,
        "remaining_legal_term_years",
        "greater than or equal to 0",
    ),
    ("zero tab period", "approaches.0.tab", {"period_years": 0}, "tab", "greater than or equal"),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_exits_2_naming_field(
    run_cli: Any, tmp_path: Path, path: str, value: Any, field: str, rule: str
) -> None:
    f = tmp_path / "case.json"
    f.write_text(json.dumps(_set(BASE, path, value)))
    code, out, err = run_cli("value", f, "--json")
    assert code == 2, (out, err)
    assert out == ""
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if field in ln and rule in ln]
    assert lines, err


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    f = tmp_path / "case.json"
    f.write_text(json.dumps(doc))
    return f


def test_nan_and_inf_refused(run_cli: Any, tmp_path: Path) -> None:
    for token in ("NaN", "Infinity", "-Infinity"):
        text = json.dumps(BASE).replace('"royalty_rate": 0.05', f'"royalty_rate": {token}')
        f = tmp_path / "case.json"
        f.write_text(text)
        code, _, err = run_cli("value", f)
        assert code == 2
        assert "royalty_rate" in err and "finite" in err


def test_yaml_nan_refused(run_cli: Any, tmp_path: Path) -> None:
    import yaml

    text = yaml.safe_dump(BASE).replace("royalty_rate: 0.05", "royalty_rate: .nan")
    f = tmp_path / "case.yaml"
    f.write_text(text)
    code, _, err = run_cli("value", f)
    assert code == 2 and "royalty_rate" in err and "finite" in err


def test_weights_must_sum_to_one(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    second = {**doc["approaches"][0], "id": "rfr_low", "royalty_rate": 0.03}
    doc["approaches"] = [{**doc["approaches"][0], "weight": 0.5}, {**second, "weight": 0.3}]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2
    assert "approaches.*.weight" in err and "must sum to 1" in err and "0.8" in err


def test_weights_all_or_none(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    second = {**doc["approaches"][0], "id": "rfr_low"}
    doc["approaches"] = [{**doc["approaches"][0], "weight": 1.0}, second]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "approaches.1.weight" in err and "every approach or none" in err


def test_duplicate_approach_ids(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["approaches"] = [doc["approaches"][0], doc["approaches"][0]]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "approaches.1.id" in err and "used twice" in err


def test_comparable_dated_after_valuation_date(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["approaches"] = [
        {
            "method": "market_comparables",
            "comparables": [{"name": "deal", "unit_price": 10.0, "date": "2026-01-01"}],
        }
    ]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "approaches.0.comparables.0.date" in err


def test_lifecycle_stage_order(run_cli: Any, tmp_path: Path) -> None:
    stages = [
        {"stage": "maturity", "years": 2, "growth": 0.0},
        {"stage": "growth", "years": 2, "growth": 0.2},
    ]
    doc = _set(BASE, "approaches.0.revenue", {"model": "lifecycle", "base": 100, "stages": stages})
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "revenue" in err and "order" in err


def test_missing_royalty_rate_is_required(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    del doc["approaches"][0]["royalty_rate"]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "approaches.0.royalty_rate: is required" in err


def test_missing_tax_rate_without_jurisdiction(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    del doc["approaches"][0]["tax_rate"]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "approaches.0.tax_rate: is required" in err and "jurisdiction" in err


def test_unknown_reference(run_cli: Any, tmp_path: Path) -> None:
    ref = "country_parameters/XX/cit_statutory_combined_pct"
    doc = _set(BASE, "approaches.0.tax_rate", {"ref": ref})
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "country_parameters" in err


def test_probability_length_must_match(run_cli: Any, tmp_path: Path) -> None:
    doc = _set(BASE, "approaches.0.probability", [1.0, 0.9])
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "probability" in err and "one value per forecast year" in err


def test_working_capital_earns_return_on_only(run_cli: Any, tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["approaches"] = [
        {
            "method": "excess_earnings",
            "revenue": [100.0],
            "ebita_margin": 0.3,
            "tax_rate": 0.2,
            "discount_rate": 0.1,
            "contributory_assets": [
                {
                    "name": "wc",
                    "kind": "working_capital",
                    "balance_share": 0.1,
                    "return_on": 0.05,
                    "return_of": 0.01,
                }
            ],
        }
    ]
    code, _, err = run_cli("value", _write(tmp_path, doc))
    assert code == 2 and "contributory_assets.0" in err and "return on only" in err


def test_missing_file_and_bad_yaml(run_cli: Any, tmp_path: Path) -> None:
    code, _, err = run_cli("value", tmp_path / "nope.yaml")
    assert code == 2 and "file not found" in err
    f = tmp_path / "bad.yaml"
    f.write_text("id: [unclosed\n")
    code, _, err = run_cli("value", f)
    assert code == 2 and "invalid YAML" in err and "bad.yaml:" in err
    f.write_text("- just\n- a list\n")
    code, _, err = run_cli("value", f)
    assert code == 2 and "top level must be a mapping" in err


def test_bad_paths_and_seed_options(run_cli: Any, tmp_path: Path) -> None:
    f = _write(tmp_path, BASE)
    code, _, err = run_cli("value", f, "--paths", "0")
    assert code == 2 and "--paths" in err
    code, _, err = run_cli("value", f, "--seed", "-1")
    assert code == 2 and "--seed" in err


def test_yaml_exponent_floats_are_numbers(tmp_path: Path) -> None:
    from ipvalue import load_case

    f = tmp_path / "c.yaml"
    import yaml

    text = yaml.safe_dump(BASE).replace("- 100.0", "- 1.0e2")
    f.write_text(text)
    case = load_case(f)
    assert case.approaches[0].revenue.values[0] == 100.0  # type: ignore[union-attr]
