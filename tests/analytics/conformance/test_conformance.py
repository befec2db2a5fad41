"""The same checks on DuckDB and Spark, and identical results between them.

Integers, dates and strings must be equal; floats equal to 1e-12 relative (sums of fractional
shares and interpolated percentiles may round differently in the last bit between engines).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from tests.analytics.conformance.conftest import run


def _table(
    kind: str, engine: str, db: Path, request: pytest.FixtureRequest
) -> list[dict[str, Any]]:
    spark = request.getfixturevalue("spark") if engine == "spark" else None
    return run(kind, engine, db, spark).to_pylist()


def test_hand_values_on_each_engine(
    engine: str, conformance_db: Path, request: pytest.FixtureRequest
) -> None:
    rows = {r["patent_id"]: r for r in _table("indicators", engine, conformance_db, request)}
    p1, p2, p3 = rows["1000001"], rows["1000002"], rows["1000003"]
    assert (p1["fwd_cits5"], p2["fwd_cits5"], p2["bwd_cits"], p3["bwd_cits"]) == (4, 3, 4, 2)
    assert p1["generality"] == pytest.approx(0.78125, abs=1e-15)
    assert p3["originality"] == pytest.approx(82 / 144, rel=1e-14)
    assert p3["radicalness"] == pytest.approx(0.8, abs=1e-15)
    assert p3["tct"] == pytest.approx(1610 / 365.25, rel=1e-14)
    assert rows["1000005"]["patent_scope"] is None and rows["1000005"]["radicalness"] is None
    assert len(rows) == 306


def test_cycle_time_on_each_engine(
    engine: str, conformance_db: Path, request: pytest.FixtureRequest
) -> None:
    rows = {(r["scheme"], r["code"]): r for r in _table("cycle", engine, conformance_db, request)}
    assert {s for s, _ in rows} == {"CPC", "WIPO"}
    for r in rows.values():
        assert r["q1"] <= r["q2"] <= r["q3"] and r["n_ages"] >= r["n_patents"] >= 1


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        assert ra.keys() == rb.keys()
        for k, va in ra.items():
            vb = rb[k]
            if isinstance(va, float) and isinstance(vb, float):
                assert math.isclose(va, vb, rel_tol=1e-12, abs_tol=1e-15), (
                    ra["patent_id" if "patent_id" in ra else "code"],
                    k,
                    va,
                    vb,
                )
            else:
                assert va == vb, (k, va, vb)


@pytest.mark.integration
@pytest.mark.slow
def test_duckdb_and_spark_agree(conformance_db: Path, request: pytest.FixtureRequest) -> None:
    spark = request.getfixturevalue("spark")
    for kind in ("indicators", "cycle"):
        _same(
            run(kind, "duckdb", conformance_db).to_pylist(),
            run(kind, "spark", conformance_db, spark).to_pylist(),
        )
