"""`ipvalue patents …` end to end: outputs, exit codes, messages naming field and rule."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from tests.analytics.conftest import MINI
from tests.conftest import SHARED_DATA, require_shared_data


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipvalue", "patents", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_indicators_and_cycle_time_csv(tmp_path: Path) -> None:
    out = tmp_path / "ind.csv"
    r = _run(
        "indicators",
        "--source",
        str(MINI),
        "--format",
        "patentsview",
        "--out",
        str(out),
        "--valuation-date",
        "2025-01-01",
    )
    assert r.returncode == 0, r.stderr
    rows = {row["patent_id"]: row for row in csv.DictReader(out.open())}
    assert rows["1000001"]["fwd_cits5"] == "4" and rows["1000001"]["generality"] == "0.78125"
    assert rows["1000001"]["originality"] == ""  # undefined stays empty, never 0
    assert list(rows["1000001"])[:10] == [
        "patent_id",
        "pub_id",
        "grant_date",
        "filing_date",
        "fwd_cits5",
        "bwd_cits",
        "patent_scope",
        "claims",
        "grant_lag",
        "generality",
    ]
    db = tmp_path / "p.duckdb"
    assert (
        _run("import", "--source", str(MINI), "--format", "patentsview", "--db", str(db)).returncode
        == 0
    )
    ct = tmp_path / "ct.parquet"
    r = _run("cycle-time", "--db", str(db), "--out", str(ct))
    assert r.returncode == 0, r.stderr
    import pyarrow.parquet as pq

    t = pq.read_table(ct)
    assert t.column_names == ["scheme", "code", "n_patents", "n_ages", "q1", "q2", "q3", "mean"]


def test_real_uspto_xml_indicators(tmp_path: Path) -> None:
    src = require_shared_data(SHARED_DATA / "patents" / "uspto-xml")
    out = tmp_path / "x.csv"
    r = _run("indicators", "--source", str(src), "--format", "uspto-xml", "--out", str(out))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 421
    tct = [float(row["tct"]) for row in rows if row["tct"]]
    assert len(tct) > 400 and min(tct) > 0  # nearly all grants cite dated US patents
    assert all(row["fwd_cits5"] == "0" for row in rows)  # the sample does not cite itself (README)


def test_bad_input_exit_code_2(tmp_path: Path) -> None:
    r = _run(
        "indicators",
        "--source",
        str(MINI),
        "--format",
        "patentsview",
        "--out",
        str(tmp_path / "x.txt"),
    )
    assert r.returncode == 2 and "--out: must end in .csv or .parquet" in r.stderr
    r = _run("indicators", "--source", str(MINI), "--out", str(tmp_path / "x.csv"))
    assert r.returncode == 2 and "--format: is required with --source" in r.stderr
    r = _run(
        "indicators",
        "--source",
        str(MINI),
        "--format",
        "patentsview",
        "--out",
        str(tmp_path / "x.csv"),
        "--valuation-date",
        "2025-13-01",
    )
    assert r.returncode == 2 and "--valuation-date: must be a date YYYY-MM-DD" in r.stderr
    r = _run(
        "cycle-time", "--db", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "c.csv")
    )
    assert r.returncode == 2 and "does not exist" in r.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "g_patent.tsv").write_text("patent_id\tnope\n1\t2\n")
    r = _run(
        "import",
        "--source",
        str(bad),
        "--format",
        "patentsview",
        "--db",
        str(tmp_path / "b.duckdb"),
    )
    assert r.returncode == 2 and "g_patent.tsv: missing required column(s) patent_type" in r.stderr
    assert "Traceback" not in r.stderr
