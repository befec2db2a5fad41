"""Cross-check: the Ibis pipeline equals the hand-written DuckDB SQL and the pandas versions
(benchmarks/bench_indicators.py) on generated PatentsView data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ipvalue.analytics import import_source, open_duckdb
from ipvalue.analytics._generator import generate, write_tables

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_indicators.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_indicators", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_indicators"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def gen_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xc")
    write_tables(generate(600, seed=11, citations_per_patent=12), root / "t", "parquet")
    db = root / "x.duckdb"
    con = open_duckdb(db)
    import_source(con, root / "t", "patentsview")
    con.close()
    return db


def test_ibis_equals_sql_and_pandas(gen_db: Path) -> None:
    bench = _bench()
    ibis_out = bench.ibis_indicators(gen_db)
    bench.compare(ibis_out, bench.sql_indicators(gen_db), "ibis vs sql")
    bench.compare(ibis_out, bench.pandas_indicators(gen_db), "ibis vs pandas")
    # the comparison is not vacuous: the generated graph has citations inside the data
    assert ibis_out.fwd_cits5.sum() > 100 and ibis_out.generality.notna().sum() > 50
    assert ibis_out.breakthrough.sum() >= 1


def test_compare_detects_a_difference(gen_db: Path) -> None:
    bench = _bench()
    a = bench.sql_indicators(gen_db)
    b = a.copy()
    b.loc[b.generality.notna().idxmax(), "generality"] += 1e-6
    with pytest.raises(AssertionError, match="generality differs"):
        bench.compare(a, b, "mutated")
