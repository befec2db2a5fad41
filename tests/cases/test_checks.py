"""Quality rules, one by one, on hand-made cases and results."""

from __future__ import annotations

import pytest

from ipvalue.cases._checks import (
    completeness,
    method_selection,
    recalculation,
    terminal_share,
)

COMPLETE_LICENSING = {
    "valuation_date": "2025-06-30",
    "currency": "KRW",
    "purpose": "licensing",
    "jurisdiction": "KR",
    "evidence": [{"description": "licence survey"}],
    "asset": {
        "type": "patent",
        "description": "coating process",
        "legal_status": {"status": "granted", "expiry_date": "2039-09-20"},
    },
    "approaches": [
        {
            "method": "relief_from_royalty",
            "royalty_rate": 0.04,
            "comparables": [{"name": "licence A", "unit_price": 0.04}],
        }
    ],
}


def codes(findings: list) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, f.field) for f in findings]


def test_complete_licensing_case_passes() -> None:
    assert completeness(COMPLETE_LICENSING) == []


def test_missing_essentials_are_errors_and_purpose_items_warnings() -> None:
    case = {k: v for k, v in COMPLETE_LICENSING.items() if k not in ("valuation_date",)}
    case["approaches"] = [{"method": "relief_from_royalty", "royalty_rate": 0.04}]
    assert codes(completeness(case)) == [
        ("Q-COMP-001", "error", "valuation_date"),
        ("Q-COMP-001", "warning", "approaches.comparables"),
    ]


def test_collateral_needs_registration_owner_term_life_valuer() -> None:
    case = {**COMPLETE_LICENSING, "purpose": "collateral"}
    fields = [f.field for f in completeness(case)]
    assert fields == [
        "asset.legal_status.registration_number",
        "asset.owner",
        "asset.economic_life_years",
        "valuer",
    ]
    assert "collateral" in completeness(case)[0].message


def test_unknown_purpose_gets_base_checklist_and_info() -> None:
    case = {**COMPLETE_LICENSING, "purpose": "curiosity"}
    assert codes(completeness(case)) == [("Q-COMP-002", "info", "purpose")]


INCOME_CASE = {"asset": {"type": "patent"}, "approaches": [{"method": "cost", "revenue": [1.0]}]}


def _result(*approaches: tuple[str, str, float, float]) -> dict:
    return {
        "approaches": [
            {"approach": a, "method": m, "value": v, "weight": w} for a, m, v, w in approaches
        ]
    }


def test_cost_primary_for_income_producing_patent_warns() -> None:
    res = _result(("cost", "cost", 100.0, 0.6), ("income", "dcf", 300.0, 0.4))
    (f,) = method_selection(INCOME_CASE, res, "patent")
    assert (f.code, f.detail["weight"]) == ("Q-METH-001", 0.6)
    assert "60%" in f.message


def test_cost_primary_is_fine_when_not_a_patent_or_no_income() -> None:
    res = _result(("cost", "cost", 100.0, 1.0))
    assert method_selection(INCOME_CASE, res, "trademark") == []
    assert method_selection({"approaches": [{"method": "cost"}]}, res, "patent") == []
    # income leads: no warning
    res = _result(("cost", "cost", 100.0, 0.3), ("income", "dcf", 300.0, 0.7))
    assert method_selection(INCOME_CASE, res, "patent") == []


def _rfr(source: str) -> dict:
    return {
        **_result(("income", "relief_from_royalty", 1.0, 1.0)),
        "assumptions": [{"name": "approaches.0.royalty_rate", "value": 0.04, "source": source}],
    }


def test_rfr_without_royalty_source_warns() -> None:
    (f,) = method_selection({}, _rfr("case file"), "patent")
    assert (f.code, f.field) == ("Q-METH-002", "royalty_rate")


@pytest.mark.parametrize(
    "case, src",
    [
        ({}, "refdata royalty_benchmarks/KR/H01M: KIPO royalty survey 2023"),
        ({"approaches": [{"royalty_rate": {"ref": "royalty/KR/x"}}]}, "case file"),
        ({"evidence": [{"description": "Licence agreement with X, 4 % of sales"}]}, "case file"),
        ({"approaches": [{"comparables": [{"name": "A"}]}]}, "case file"),
    ],
)
def test_rfr_with_a_royalty_source_passes(case: dict, src: str) -> None:
    assert method_selection(case, _rfr(src), "patent") == []


def test_terminal_value_above_75_percent_warns() -> None:
    # 80 / (20 + 80) = 0.8 > 0.75
    res = {
        "trace": [
            {
                "step": "approach",
                "detail": {"value": 100.0, "pv_explicit": 20.0, "pv_terminal": 80.0},
            }
        ]
    }
    (f,) = terminal_share(res)
    assert f.code == "Q-METH-003" and f.detail["share"] == pytest.approx(0.8)
    assert f.field == "trace.0.detail"


def test_terminal_value_at_75_percent_or_without_value_passes() -> None:
    at_limit = {"trace": [{"detail": {"value": 100.0, "pv_terminal": 75.0}}]}
    assert terminal_share(at_limit) == []
    # total from the parts when no value: 10 / (30 + 10) = 0.25
    assert terminal_share({"trace": [{"detail": {"pv_explicit": 30.0, "pv_terminal": 10.0}}]}) == []
    assert terminal_share({"trace": [{"detail": {"pv_terminal": 0.0, "value": 0.0}}]}) == []


def test_recalculation_compares_value_and_approaches() -> None:
    stored = _result(("income", "dcf", 100.0, 1.0)) | {"value": 100.0}
    same = _result(("income", "dcf", 100.0 * (1 + 1e-12), 1.0)) | {"value": 100.0}
    assert codes(recalculation(stored, same)) == [("Q-CALC-000", "info", "value")]
    moved = _result(("income", "dcf", 101.0, 1.0)) | {"value": 101.0}
    found = recalculation(stored, moved)
    assert codes(found) == [
        ("Q-CALC-001", "error", "value"),
        ("Q-CALC-001", "error", "approaches.0.value"),
    ]
    assert found[0].detail == {"stored": 100.0, "recomputed": 101.0, "rtol": 1e-9}
    assert codes(recalculation({"value": 1.0}, {})) == [("Q-CALC-001", "error", "value")]
