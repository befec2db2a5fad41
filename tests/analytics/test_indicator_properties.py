"""Properties of the indicators on generated citation graphs (hypothesis over generator seeds)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipvalue.analytics import IndicatorOptions, compute_indicators, import_source, open_duckdb
from ipvalue.analytics._generator import generate, write_tables


def _indicators(tmp: Path, seed: int, cpp: float, **kw: object) -> dict[str, np.ndarray]:
    folder = tmp / f"g{seed}-{cpp}"
    db = folder / "p.duckdb"
    if not db.exists():
        write_tables(generate(150, seed=seed, citations_per_patent=cpp), folder, "parquet")
        con = open_duckdb(db)
        import_source(con, folder, "patentsview")
        con.close()
    t = compute_indicators(db, IndicatorOptions(valuation_date=date(2025, 1, 1), **kw))  # type: ignore[arg-type]
    return {c: t[c].to_numpy(zero_copy_only=False) for c in t.column_names}


def _defined(a: np.ndarray) -> np.ndarray:
    return np.array(
        [v for v in a if v is not None and not (isinstance(v, float) and np.isnan(v))], dtype=float
    )


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), cpp=st.sampled_from([4.0, 12.0, 30.0]))
def test_bounds_and_relations(tmp_path: Path, seed: int, cpp: float) -> None:
    r = _indicators(tmp_path, seed, cpp)
    for name in ("generality", "originality"):
        v = _defined(r[name])
        assert ((v >= 0) & (v < 1)).all(), name  # 1 − Σs², Σs = 1 → [0, 1)
    rad = _defined(r["radicalness"])
    assert ((rad >= 0) & (rad <= 1)).all()
    q = _defined(r["quality_index"])
    assert ((q >= 0) & (q <= 1)).all()
    assert (_defined(r["patent_scope"]) >= 1).all()
    assert (_defined(r["tct"]) >= 0).all()  # generated cited dates never follow the citing grant
    fwd = _defined(r["fwd_cits5"])
    assert (fwd >= 0).all() and len(fwd) == 150  # PatentsView lists citations: always known
    # breakthrough patents have at least as many citations as any non-breakthrough in the cohort
    bt = r["breakthrough"]
    for cohort in set(r["cohort"]) - {None}:
        m = r["cohort"] == cohort
        hits = [f for f, b in zip(r["fwd_cits5"][m], bt[m], strict=True) if b == 1]
        rest = [f for f, b in zip(r["fwd_cits5"][m], bt[m], strict=True) if b == 0]
        if hits and rest:
            assert min(hits) >= max(rest)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000))
def test_bias_correction_scales_by_n_over_n_minus_1(tmp_path: Path, seed: int) -> None:
    plain = _indicators(tmp_path, seed, 12.0, generality="hjt")
    corrected = _indicators(tmp_path, seed, 12.0, generality="hjt", bias_correction=True)
    for g, c in zip(plain["generality"], corrected["generality"], strict=True):
        if c is not None and not np.isnan(c):
            assert g is not None and c >= g - 1e-15  # N/(N−1) > 1
        # the correction only removes values (N < 2), never adds them
        if g is None or np.isnan(g):
            assert c is None or np.isnan(c)
