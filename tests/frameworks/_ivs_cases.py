"""Case builders shared by the IVS-family framework tests (not a test module)."""

from __future__ import annotations

from typing import Any

from ipvalue.model.case import ValuationCase


def case_dict(**over: Any) -> dict[str, Any]:
    """A licensing-free RFR case with every framework-resolvable field left open."""
    d: dict[str, Any] = {
        "schema_version": 1,
        "id": "fw-test",
        "title": "framework test",
        "purpose": "transaction",
        "valuation_date": "2025-06-30",
        "currency": "SGD",
        "jurisdiction": "SG",
        "asset": {
            "type": "patent",
            "name": "p",
            "jurisdictions": ["SG"],
            "remaining_legal_term_years": 12.0,
        },
        "framework_inputs": {"common": {"asset_risk_premium": 0.06}},
        "approaches": [
            {"method": "relief_from_royalty", "revenue": [100.0], "royalty_rate": 0.05},
        ],
    }
    d.update(over)
    return d


def make_case(**over: Any) -> ValuationCase:
    return ValuationCase.model_validate(case_dict(**over))


def two_approaches(**over: Any) -> ValuationCase:
    aps = [
        {"method": "relief_from_royalty", "revenue": [100.0, 110.0], "royalty_rate": 0.05},
        {
            "method": "profit_split",
            "revenue": [100.0, 110.0],
            "operating_margin": 0.2,
            "split_rate": 0.25,
        },
        {"method": "market_comparables", "comparables": [{"name": "c", "unit_price": 30.0}]},
    ]
    return make_case(approaches=aps, **over)
