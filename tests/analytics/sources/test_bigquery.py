"""BigQuery ``publications`` exports (JSON lines / Parquet) with the nested schema.

tests/data/bigquery/publications_sample.jsonl is written in the export's schema (three members of
one family: US grant, KR grant, CN application); values are illustrative, not downloaded.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest
from tests.analytics.conftest import DATA, assert_keys_consistent

from ipvalue.analytics import IndicatorOptions, compute_indicators, import_source, open_duckdb
from ipvalue.core.errors import InputError

SAMPLE = DATA / "bigquery" / "publications_sample.jsonl"


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_export_maps_to_canonical_tables(fmt: str, tmp_path: Path) -> None:
    src = SAMPLE
    if fmt == "parquet":
        src = tmp_path / "pubs.parquet"
        pq.write_table(pajson.read_json(SAMPLE), src)
    db = tmp_path / "bq.duckdb"
    con = open_duckdb(db)
    report = import_source(con, src, "bigquery")
    assert (report.n_publications, report.n_citations, report.issues) == (3, 5, ())
    origins = dict(con.execute("SELECT origin, count(*) FROM citation GROUP BY 1").fetchall())
    assert origins == {"us_patent": 2, "us_application": 1, "foreign": 1, "npl": 1}
    cn = con.execute(
        "SELECT grant_date, filing_date FROM publication WHERE pub_id = 'CN-1234567-A'"
    ).fetchall()
    assert cn == [(None, date(2005, 6, 17))]  # grant_date 0 = not granted
    # keys: 3 publications numbered 1..3; KR's citation of US-7650331 resolves to the US grant
    assert_keys_consistent(con)
    cited = con.execute(
        "SELECT p.pub_id FROM citation c JOIN publication p ON p.pub_key = c.cited_key"
    ).fetchall()
    assert cited == [("US-7650331-B1",)]
    con.close()
    rows = {
        r["pub_id"]: r
        for r in compute_indicators(
            db, IndicatorOptions(valuation_date=date(2025, 1, 1))
        ).to_pylist()
    }
    us = rows["US-7650331-B1"]
    # KR-101234567-B1 (granted 2013-01-25) cites it: 1,102 days after 2010-01-19 → inside 5 years
    assert us["fwd_cits5"] == 1
    assert us["bwd_cits"] == 3  # US patent + US application + JP; the NPL reference is not counted
    assert us["family_size"] == 3  # US, KR, CN members present in the import
    assert us["patent_scope"] == 1  # G06F9/5066 and G06F16/24532 share G06F


def test_bad_exports(tmp_path: Path) -> None:
    con = open_duckdb(":memory:")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"publication_number": "US-1-B1", "country_code": "US"}) + "\n")
    with pytest.raises(InputError, match=r"missing required column.*publication_date"):
        import_source(con, bad, "bigquery")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"publication_number": "US-1-B1", \n')
    with pytest.raises(
        InputError, match=r"broken.jsonl: must be a BigQuery JSON-lines or Parquet export"
    ):
        import_source(con, broken, "bigquery")
    odd = tmp_path / "odd.jsonl"
    odd.write_text(
        "\n".join(
            json.dumps(
                {"publication_number": n, "country_code": "US", "publication_date": 20200101}
            )
            for n in ("US-123-B1", "not a number")
        )
        + "\n"
    )
    report = import_source(con, odd, "bigquery")
    assert report.n_publications == 1
    assert [(i.line, i.rule) for i in report.issues] == [
        (2, "publication_number 'not a number' is not CC-NUMBER-KIND; record not loaded")
    ]
