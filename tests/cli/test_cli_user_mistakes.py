"""Mistakes a valuer makes in a case file: each exits 2 naming the field as written in the file
and the rule (no pydantic internals such as method tags or ``function-after[...]``), or, for a
rate above 100 % that may be legitimate, runs with a ``rate_above_one`` warning."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

BASE: dict[str, Any] = {
    "id": "mistakes",
    "title": "RFR written by hand",
    "purpose": "licensing",
    "valuation_date": "2025-06-30",
    "currency": "USD",
    "asset": {
        "type": "patent",
        "name": "Coil design",
        "legal_status": {
            "status": "granted",
            "filing_date": "2018-01-10",
            "expiry_date": "2038-01-10",
        },
        "economic_life_years": 5,
    },
    "approaches": [
        {
            "method": "relief_from_royalty",
            "revenue": [1000.0, 1000.0],
            "royalty_rate": 0.05,
            "tax_rate": 0.25,
            "discount_rate": 0.10,
        }
    ],
}


def _run(run_cli: Any, tmp_path: Path, edit: Any, *args: str) -> tuple[int, str, str]:
    case = copy.deepcopy(BASE)
    edit(case)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case, sort_keys=False), encoding="utf-8")
    code, out, err = run_cli("value", path, *args)
    return code, out, err


def _rfr(**changes: Any) -> Any:
    def edit(case: dict[str, Any]) -> None:
        for k, v in changes.items():
            if v is None:
                del case["approaches"][0][k]
            else:
                case["approaches"][0][k] = v

    return edit


def _setp(path: str, value: Any) -> Any:
    def edit(case: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = case
        for p in head:
            node = node[int(p)] if p.isdigit() else node[p]
        node[last] = value

    return edit


def _two_weights(case: dict[str, Any]) -> None:
    second = {**case["approaches"][0], "id": "second", "weight": 0.5}
    case["approaches"] = [{**case["approaches"][0], "weight": 0.6}, second]


def _late_evidence(case: dict[str, Any]) -> None:
    case["evidence"] = [{"description": "licence", "date": "2026-01-01", "source": "x"}]


CASES = [
    # whole-case rules lead with the field they name, not "(root)"
    (
        "weights_sum",
        _two_weights,
        "error: approaches.*.weight: weights must sum to 1 (they sum to 1.1)",
    ),
    ("look_ahead", _late_evidence, "error: evidence"),
    # typo in a key: the path is approaches.0.royalty (no `relief_from_royalty` tag inside it)
    (
        "typo",
        _rfr(royalty_rate=None, royalty=0.05),
        "error: approaches.0.royalty: Extra inputs are not permitted",
    ),
    # 5 meaning 5 %: royalty and tax rates cannot exceed 1
    ("royalty_percent", _rfr(royalty_rate=5), "error: approaches.0.royalty_rate: must be <= 1"),
    ("tax_percent", _rfr(tax_rate=25), "error: approaches.0.tax_rate: must be < 1"),
    (
        "dates_order",
        _setp("asset.legal_status.filing_date", "2039-01-01"),
        "error: asset.legal_status: expiry_date must not be before filing_date",
    ),
    ("date_format", _setp("valuation_date", "30-06-2025"), "error: valuation_date: "),
    (
        "missing_discount",
        _rfr(discount_rate=None),
        "error: approaches.0.discount_rate: is required",
    ),
    # `tab: {}` is neither a schedule nor false: one line, from the schedule branch
    (
        "tab_empty",
        _rfr(tab={}),
        "error: approaches.0.tab: give exactly one of period_years and declining_rate",
    ),
    (
        "timing_word",
        _rfr(timing="middle"),
        "error: approaches.0.timing: Input should be 'end' or 'mid'",
    ),
    (
        "g_equals_r",
        _rfr(terminal_growth=0.10),
        "error: approaches.0: terminal_growth (0.1) must be < discount_rate (0.1)",
    ),
    # forecast and distribution tags are not in the path either
    (
        "growth_years",
        _rfr(revenue={"model": "growth", "year1": 1000.0, "growth": 0.05, "years": 0}),
        "error: approaches.0.revenue.years: Input should be greater than or equal to 1",
    ),
    (
        "dist_order",
        _rfr(royalty_rate={"dist": "pert", "low": 0.03, "mode": 0.02, "high": 0.06}),
        "error: approaches.0.royalty_rate: mode must satisfy low <= mode <= high",
    ),
    (
        "growth_dist",
        _rfr(
            revenue={
                "model": "growth",
                "year1": 1000.0,
                "years": 3,
                "growth": {"dist": "uniform", "low": 0.2, "high": 0.1},
            }
        ),
        "error: approaches.0.revenue.growth: ",
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_mistake_exits_2_naming_field_and_rule(
    run_cli: Any, tmp_path: Path, edit: Any, expected: str
) -> None:
    code, out, err = _run(run_cli, tmp_path, edit)
    assert code == 2
    assert out == ""
    assert expected in err, err
    assert "Traceback" not in err and "function-after" not in err and "literal[" not in err
    assert "relief_from_royalty" not in err and "Value error" not in err
    assert "(root)" not in err


@pytest.mark.parametrize(
    ("field", "edit"),
    [
        ("approaches.0.discount_rate", _rfr(discount_rate=10)),
        (
            "approaches.0.revenue.growth",
            _rfr(revenue={"model": "growth", "year1": 1000.0, "growth": 8, "years": 2}),
        ),
    ],
)
def test_rate_above_one_warns(run_cli: Any, tmp_path: Path, field: str, edit: Any) -> None:
    code, out, err = _run(run_cli, tmp_path, edit, "--json")
    assert code == 0, err
    warnings = [w for w in json.loads(out)["warnings"] if w["code"] == "rate_above_one"]
    assert len(warnings) == 1
    assert warnings[0]["message"].startswith(f"{field} = ")
    assert "12 % is 0.12" in warnings[0]["message"]


def test_plausible_rates_do_not_warn(run_cli: Any, tmp_path: Path) -> None:
    code, out, _ = _run(run_cli, tmp_path, _rfr(discount_rate=0.35), "--json")
    assert code == 0
    assert not [w for w in json.loads(out)["warnings"] if w["code"] == "rate_above_one"]
