"""Provenance sidecars of analytics outputs: written by the CLI, read back, hashed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics._provenance import (
    PROVENANCE_KEY,
    Provenance,
    build_provenance,
    embed,
    read_provenance,
    sha256_file,
    sidecar_path,
    wipo_concordance_of_db,
    write_sidecar,
)
from ipvalue.analytics.sources._tech_fields import concordance_version
from ipvalue.core.errors import InputError


def _table() -> pa.Table:
    t = pa.table(
        {
            "patent_id": ["1", "2"],
            "grant_date": pa.array([dt.date(2010, 1, 5), dt.date(2012, 3, 1)]),
        }
    )
    return t.replace_schema_metadata({b"ipvalue.generality": b"oecd", b"ipvalue.engine": b"duckdb"})


def test_sha256_known_value(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes(b"abc")
    # FIPS 180-2 test vector for "abc"
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_build_write_read_round_trip(tmp_path: Path) -> None:
    now = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    prov = build_provenance(
        "indicators",
        _table(),
        source=[tmp_path],
        fmt="patentsview",
        engine="duckdb",
        valuation_date=dt.date(2024, 1, 1),
        now=now,
    )
    assert prov.created_at == "2024-05-06T07:08:09Z"
    assert prov.data_cutoff == "2012-03-01"  # the latest grant date of the table
    assert prov.options == {"generality": "oecd", "engine": "duckdb"}
    assert prov.rows == 2 and prov.source == (str(tmp_path.resolve()),)
    data = tmp_path / "ind.csv"
    data.write_text("patent_id\n1\n2\n")
    side = write_sidecar(data, prov)
    assert side == sidecar_path(data) == tmp_path / "ind.csv.meta.json"
    rec = json.loads(side.read_text())
    assert rec["sha256"] == sha256_file(data) and rec["valuation_date"] == "2024-01-01"
    back, where = read_provenance(data)
    assert where == str(side)
    assert back == Provenance(
        **{**prov.to_json_dict(), "source": prov.source, "sha256": sha256_file(data)}
    )


def test_parquet_metadata_without_sidecar(tmp_path: Path) -> None:
    prov = build_provenance(
        "cycle_time",
        _table(),
        source=["db.duckdb"],
        fmt=None,
        engine="duckdb",
        options={"min_ages": 1},
        data_cutoff="2013-04-16",
    )
    f = tmp_path / "ct.parquet"
    pq.write_table(embed(_table(), prov), f)
    assert PROVENANCE_KEY in pq.read_schema(f).metadata
    back, where = read_provenance(f)
    assert back is not None and back.kind == "cycle_time" and back.sha256 is None
    assert back.options == {"min_ages": 1} and "Parquet metadata" in where


def test_no_provenance(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("patent_id\n")
    assert read_provenance(f) == (None, "")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("[1]", "must be a JSON object"),
        ("{", "not valid JSON"),
        ('{"kind": "landscape"}', "'kind' must be"),
        ('{"kind": "indicators", "rows": -1}', "rows"),
        ('{"kind": "indicators", "data_cutoff": "2013-13-01"}', "'data_cutoff' must be a date"),
    ],
)
def test_bad_sidecar_names_file(tmp_path: Path, text: str, rule: str) -> None:
    f = tmp_path / "x.csv"
    f.write_text("patent_id\n")
    sidecar_path(f).write_text(text)
    with pytest.raises(InputError, match=rule) as e:
        read_provenance(f)
    assert e.value.field.endswith("x.csv.meta.json")


def test_cli_writes_sidecars_on_real_samples(run_cli: Any, tmp_path: Path) -> None:
    src = require_shared_data(SHARED_DATA / "patents" / "uspto-xml") / "ipg050104.small.xml"
    out = tmp_path / "ind.parquet"
    code, _, err = run_cli(
        "patents",
        "indicators",
        "--source",
        src,
        "--format",
        "uspto-xml",
        "--out",
        out,
        "--valuation-date",
        "2010-06-30",
    )
    assert code == 0, err
    rec = json.loads(sidecar_path(out).read_text())
    n = pq.read_metadata(out).num_rows
    assert rec["kind"] == "indicators" and rec["rows"] == n and n > 0
    assert rec["sha256"] == sha256_file(out) and rec["valuation_date"] == "2010-06-30"
    assert rec["source"] == [str(src.resolve())] and rec["format"] == "uspto-xml"
    grants = pq.read_table(out, columns=["grant_date"]).column("grant_date")
    assert rec["data_cutoff"] == max(d for d in grants.to_pylist() if d).isoformat()
    assert rec["options"]["generality"] == "oecd" and rec["engine"] == "duckdb"
    ct = tmp_path / "ct.csv"
    code, _, err = run_cli(
        "patents", "cycle-time", "--source", src, "--format", "uspto-xml", "--out", ct
    )
    assert code == 0, err
    rec2 = json.loads(sidecar_path(ct).read_text())
    assert rec2["kind"] == "cycle_time" and rec2["data_cutoff"] == rec["data_cutoff"]
    assert rec2["valuation_date"] is None and rec2["options"] == {"min_ages": 1, "unit": "years"}
    # USPTO XML carries no WIPO fields: both outputs name the concordance that derived them
    assert rec["wipo_concordance"] == rec2["wipo_concordance"] == concordance_version()
    assert Provenance.from_json_dict(rec2, "ct").wipo_concordance == concordance_version()


def test_patentsview_outputs_name_no_concordance(mini_db: Path) -> None:
    # PatentsView gives its own g_wipo_technology: no import of the database derived a field
    assert wipo_concordance_of_db(mini_db) is None
    assert wipo_concordance_of_db(mini_db.with_name("missing.duckdb")) is None
