"""Lens CSV exports: Lens's own cited counts and family sizes survive the import exactly."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics import IndicatorOptions, compute_indicators, import_source, open_duckdb
from ipvalue.core.errors import InputError

LENS = SHARED_DATA / "patents" / "lens"
FILES = [
    ("pizza_lens_1000.csv", "mac_roman"),
    ("drones_tac_1606.csv", "mac_roman"),
    ("drones_families_5884.csv", "utf-8"),
]


def _records(path: Path, encoding: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(("name", "encoding"), FILES)
def test_totals_match_lens(name: str, encoding: str, tmp_path: Path) -> None:
    path = require_shared_data(LENS / name)
    recs = _records(path, encoding)
    db = tmp_path / "lens.duckdb"
    con = open_duckdb(db)
    report = import_source(con, path, "lens", encoding=encoding)
    assert report.n_publications == len(recs) and report.issues == ()
    total_cited, total_family = con.execute(
        "SELECT sum(cited_by_reported), sum(family_size_reported) FROM publication"
    ).fetchall()[0]
    assert total_cited == sum(int(r["Cited Count"]) for r in recs)
    assert total_family == sum(int(r["Simple Family Size"]) for r in recs)
    con.close()
    out = compute_indicators(db, IndicatorOptions(valuation_date=date(2025, 1, 1))).to_pylist()
    by_id = {r["patent_id"]: r for r in out}
    for r in recs[:200]:
        row = by_id[r["Publication Number"]]
        assert row["family_size"] == int(r["Simple Family Size"])
        assert row["fwd_cits5"] is None and row["bwd_cits"] is None  # Lens lists no references


def test_dates_and_numbers() -> None:
    path = require_shared_data(LENS / "pizza_lens_1000.csv")
    con = open_duckdb(":memory:")
    import_source(con, path, "lens", encoding="mac_roman")
    # row 3: US 3982033 A, published 21/09/76, filed 24/08/71, granted patent, CPC A21D13/007 first
    row = con.execute(
        "SELECT pub_id, pub_date, filing_date, grant_date, priority_date FROM publication "
        "WHERE source_id = 'US 3982033 A'"
    ).fetchall()
    assert row == [
        (
            "US-3982033-A",
            date(1976, 9, 21),
            date(1971, 8, 24),
            date(1976, 9, 21),
            date(1969, 11, 28),
        )
    ]
    first = con.execute(
        "SELECT code_full, subclass4 FROM classification WHERE pub_id='US-3982033-A' "
        "AND scheme='CPC' AND first"
    ).fetchall()
    assert first == [("A21D13/007", "A21D")]


def test_wipo_landscape_family_size_is_recomputed_from_members() -> None:
    path = require_shared_data(LENS / "ritonavir_804.csv")
    con = open_duckdb(":memory:")
    import_source(con, path, "lens")
    # AU2007202956 B2: members AU2003254711A1 | AU2007202943A1 | AU2003254711B2, and itself:
    # one office
    n = con.execute(
        "SELECT count(DISTINCT country) FROM family WHERE family_id = 'WIPO-AU-2007202956'"
    ).fetchall()
    assert n == [(1,)]


def test_wrong_encoding_and_columns(tmp_path: Path) -> None:
    path = require_shared_data(LENS / "pizza_lens_1000.csv")
    con = open_duckdb(":memory:")
    with pytest.raises(InputError, match=r"pizza_lens_1000.csv:308: must be utf-8 encoded"):
        import_source(con, path, "lens")
    bad = tmp_path / "bad.csv"
    bad.write_text("Jurisdiction,Kind,Title\nUS,A,x\n")
    with pytest.raises(InputError, match=r"missing required column.*Publication Number"):
        import_source(con, bad, "lens")
    assert con.execute("SELECT count(*) FROM publication").fetchall() == [(0,)]
