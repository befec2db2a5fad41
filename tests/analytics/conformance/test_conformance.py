"""The same checks on DuckDB and Spark, and identical results between them.

Integers, dates and strings must be equal; floats equal to 1e-12 relative (sums of fractional
shares and interpolated percentiles may round differently in the last bit between engines).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from tests.analytics.conformance.conftest import VDATE, run
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics import (
    IndicatorOptions,
    compute_indicators,
    cycle_times,
    import_source,
    open_duckdb,
)


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
    for kind in ("indicators", "indicators_min_cohort", "cycle"):
        _same(
            run(kind, "duckdb", conformance_db).to_pylist(),
            run(kind, "spark", conformance_db, spark).to_pylist(),
        )


@pytest.mark.integration
@pytest.mark.slow
def test_engines_agree_on_derived_wipo_fields(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """USPTO XML grants, whose WIPO fields are derived at import: cohorts and WIPO cycle times
    are the same on both engines."""
    xml = require_shared_data(SHARED_DATA / "patents" / "uspto-xml")
    spark = request.getfixturevalue("spark")
    db = tmp_path / "xml.duckdb"
    con = open_duckdb(db)
    import_source(con, xml, "uspto-xml")
    con.close()
    opts = IndicatorOptions(valuation_date=VDATE)
    duck = compute_indicators(db, opts, engine="duckdb").to_pylist()
    _same(duck, compute_indicators(db, opts, engine="spark", spark=spark).to_pylist())
    assert sum(1 for r in duck if (r["cohort"] or "").split(" ")[1:2] == ["field"]) == 200
    ct = cycle_times(db, engine="duckdb").to_pylist()
    _same(ct, cycle_times(db, engine="spark", spark=spark).to_pylist())
    assert "WIPO" in {r["scheme"] for r in ct}
