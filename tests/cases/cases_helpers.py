"""Test doubles and helpers for the case-store tests (importable by child processes too)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, text

from ipvalue.cases import CaseSource, Evaluation, parse_source


def fake_evaluator(case: Mapping[str, Any], seed: int | None = None) -> Evaluation:
    """A stand-in for the valuation engine with hand-checkable arithmetic.

    value = revenue × royalty_rate / discount_rate (a perpetuity), approach income / RfR,
    unless the case says ``fake_result`` (then that dict is the result, for rule tests).
    """
    if "fake_result" in case:
        return Evaluation({}, dict(case["fake_result"]), "test", "test-refdata")
    rate = float(case.get("royalty_rate", 0.03))
    r = float(case.get("discount_rate", 0.12))
    revenue = float(case.get("revenue", 1000.0))
    value = revenue * rate / r
    result = {
        "value": value,
        "currency": case.get("currency", "KRW"),
        "range": {"low": value, "high": value},
        "approaches": [
            {"approach": "income", "method": "relief_from_royalty", "value": value, "weight": 1.0}
        ],
        "assumptions": [
            {"name": "approaches.0.royalty_rate", "value": rate, "source": "case file"},
            {"name": "approaches.0.discount_rate", "value": r, "source": "case file"},
        ],
        "warnings": [],
        "trace": [],
    }
    return Evaluation({"royalty_rate": rate, "discount_rate": r}, result, "test", "test-refdata")


def case_text(i: int, *, royalty: float = 0.03, title: str | None = None, **extra: Any) -> str:
    """YAML of a small licensing case number ``i`` (fields the fake evaluator reads)."""
    lines = [
        f"title: {title or f'Coating patent {i}'}",
        "purpose: licensing",
        "valuation_date: 2025-06-30",
        "currency: KRW",
        "jurisdiction: KR",
        "asset:",
        "  type: patent",
        f"  name: Dry electrode coating process {i}",
        "  description: solvent-free coating of cathode active material",
        "  classes: [{scheme: IPC, code: 'H01M 4/04'}]",
        f"royalty_rate: {royalty}",
        "discount_rate: 0.12",
        "revenue: 1000",
    ]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def source(i: int, **kw: Any) -> CaseSource:
    return parse_source(case_text(i, **kw), f"case{i}.yaml")


def disable_append_only(engine: Engine, table: str) -> None:
    """Drop the append-only guard of ``table`` (what an attacker with DB access could do)."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(f"DROP TRIGGER {table}_no_update"))
            conn.execute(text(f"DROP TRIGGER {table}_no_delete"))
        else:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))


def execute(engine: Engine, sql: str, **params: Any) -> None:
    """Run raw SQL in its own transaction."""
    with engine.begin() as conn:
        conn.execute(text(sql), params)
