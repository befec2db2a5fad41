"""PatentsView importer: published quoting, orphans reported, bad files give clean errors."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from tests.analytics.conftest import MINI

from ipvalue.analytics import import_source, open_duckdb
from ipvalue.core.errors import InputError


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "pv"
    shutil.copytree(MINI, d)
    return d


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def test_fixture_loads_with_doubled_quotes_and_all_tables() -> None:
    con = open_duckdb(":memory:")
    report = import_source(con, MINI, "patentsview")
    assert (report.n_publications, report.n_citations, report.issues) == (6, 12, ())
    title = con.execute("SELECT title FROM publication WHERE source_id = '1000001'").fetchall()[0][
        0
    ]
    assert title == 'Battery "cell" electrode'  # "" inside a quoted field is one quote
    # 10 US patent + 1 application + 1 foreign citation rows
    assert _count(con, "citation") == 12
    assert _count(con, "classification") == 9 + 1  # 9 CPC + 1 IPC
    ext = con.execute(
        "SELECT term_extension_days FROM publication WHERE source_id='1000001'"
    ).fetchall()
    assert ext == [(100,)]


def test_zip_tables_and_reimport_replaces(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    with zipfile.ZipFile(d / "g_patent.tsv.zip", "w") as zf:
        zf.write(d / "g_patent.tsv", "g_patent.tsv")
    (d / "g_patent.tsv").unlink()
    con = open_duckdb(":memory:")
    import_source(con, d, "patentsview")
    import_source(con, d, "patentsview")  # same patents again: replaced, not duplicated
    assert _count(con, "publication") == 6
    assert _count(con, "citation") == 12


def test_orphans_and_bad_values_are_reported_with_file_and_line(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    with (d / "g_us_patent_citation.tsv").open("a") as fh:
        fh.write("9999999\t0\t1000001\t2010-01-05\tX\tB2\tcited by examiner\n")  # line 12
    with (d / "g_application.tsv").open("a") as fh:
        fh.write("x\t1000001\t12\tnot-a-date\t12\t0\n")  # line 8
    con = open_duckdb(":memory:")
    report = import_source(con, d, "patentsview")
    rules = {(Path(i.file).name, i.line, i.rule) for i in report.issues}
    assert ("g_us_patent_citation.tsv", 12, "patent_id not in g_patent; row not loaded") in rules
    assert (
        "g_application.tsv",
        8,
        "filing_date must be a date (YYYY-MM-DD); loaded as empty",
    ) in rules
    assert _count(con, "citation") == 12  # the orphan was not loaded
    assert _count(con, "import_issue") == len(report.issues)


def test_strict_mode_rolls_back(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    with (d / "g_patent.tsv").open("a") as fh:
        fh.write("1000009\tutility\t2015-13-45\tBad date\tx\tB2\t1\t0\tf\n")
    con = open_duckdb(":memory:")
    with pytest.raises(InputError, match=r"g_patent.tsv:8.*patent_date must be a date"):
        import_source(con, d, "patentsview", strict=True)
    assert _count(con, "publication") == 0  # nothing stored half-way
    assert _count(con, "import_run") == 0


def test_wrong_columns(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "g_cpc_current.tsv").write_text("patent_id\tfoo\n1000001\tbar\n")
    con = open_duckdb(":memory:")
    with pytest.raises(
        InputError, match=r"g_cpc_current.tsv.*missing required column\(s\) cpc_sequence"
    ):
        import_source(con, d, "patentsview")
    assert _count(con, "publication") == 0


def test_wrong_encoding_and_malformed_rows(tmp_path: Path) -> None:
    d = _copy(tmp_path)
    (d / "g_wipo_technology.tsv").write_bytes(
        "patent_id\twipo_field_sequence\twipo_field_id\n".encode("utf-16")
    )
    con = open_duckdb(":memory:")
    with pytest.raises(InputError, match=r"g_wipo_technology.tsv:1.*UTF-8"):
        import_source(con, d, "patentsview")
    d2 = _copy(tmp_path / "b")
    with (d2 / "g_cpc_current.tsv").open("a") as fh:
        fh.write("1000002\t2\tH\n")  # too few fields: line 11
    report = import_source(con, d2, "patentsview")
    assert any(
        Path(i.file).name == "g_cpc_current.tsv" and i.line == 11 and "malformed row" in i.rule
        for i in report.issues
    )


def test_missing_g_patent(tmp_path: Path) -> None:
    con = open_duckdb(":memory:")
    with pytest.raises(InputError, match="must contain g_patent"):
        import_source(con, tmp_path, "patentsview")
    with pytest.raises(InputError, match="does not exist"):
        import_source(con, tmp_path / "nope", "patentsview")
    with pytest.raises(InputError, match="must be one of"):
        import_source(con, tmp_path, "csv")


def test_older_database_file_gains_new_columns(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    old = duckdb.connect(str(db))
    old.execute("CREATE TABLE publication (pub_id VARCHAR, doc_id VARCHAR)")
    old.close()
    con = open_duckdb(db)
    cols = {r[0] for r in con.execute("DESCRIBE publication").fetchall()}
    assert {"citations_listed", "family_size_reported", "grant_date"} <= cols
    assert import_source(con, MINI, "patentsview").n_publications == 6
