"""Seam with analytics: the cycle-time file written by ``ipvalue patents cycle-time`` feeds
Model I directly (CSV and Parquet), on the hand-computed PatentsView fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipvalue.analytics import cycle_times, import_source, open_duckdb, write_table
from ipvalue.frameworks import kr

MINI = Path(__file__).resolve().parents[1] / "data" / "patentsview_mini"


@pytest.fixture(scope="module")
def cycle_table(tmp_path_factory: pytest.TempPathFactory) -> object:
    db = tmp_path_factory.mktemp("ct") / "mini.duckdb"
    con = open_duckdb(db)
    import_source(con, MINI, "patentsview")
    con.close()
    return cycle_times(db)


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_model_i_from_analytics_output(cycle_table: object, tmp_path: Path, ext: str) -> None:
    path = write_table(cycle_table, tmp_path / f"ct.{ext}")
    frame = cycle_table.to_pandas()  # type: ignore[attr-defined]
    row = frame[(frame.scheme == "CPC") & (frame.code == "H01M")].iloc[0]
    q = kr.read_cycle_time_quartiles(path, scheme="CPC", code="H01M")
    assert (q.q1, q.q2, q.q3) == pytest.approx((row.q1, row.q2, row.q3))
    # S = 80: L = Q2 + (Q3 − Q2)·(80 − 60)/40
    life = kr.model_i_life(q, 80).life_years
    assert life == pytest.approx(row.q2 + (row.q3 - row.q2) * 0.5)
    wipo = kr.read_cycle_time_quartiles(path, scheme="WIPO", code="1")
    assert wipo.q1 <= wipo.q2 <= wipo.q3
