"""Reading indicator and cycle-time files: CSV and Parquet, provenance, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from tests.evidence.conftest import CYCLE_CSV, INDICATORS_CSV

from ipvalue.analytics._provenance import build_provenance, embed, sha256_file
from ipvalue.core.errors import InputError
from ipvalue.evidence import find_row, read_cycle_times, read_indicators


def _csv(tmp: Path, text: str, name: str = "ind.csv") -> Path:
    f = tmp / name
    f.write_text(text)
    return f


def test_csv_columns_rows_and_empty_cells(tmp_path: Path) -> None:
    d = read_indicators(_csv(tmp_path, INDICATORS_CSV), "quality_index")
    assert d.n == 6 and d.info.provenance is None and d.info.sha256 == sha256_file(d.info.path)
    r = find_row(d, " P4 ", "f")  # ids compared without surrounding spaces
    assert d.patent_id_at(r) == "P4" and d.numbers["fwd_cits5"].at(r) is None
    assert d.numbers["claims"].at(r) == 30.0 and d.window_at(r) is False
    assert d.date_at("expiry_date", r) == dt.date(2033, 4, 1) and d.date_at("nope", r) is None
    assert d.cohort_at(r) == "2015 H"
    assert list(d.cohort_mask(r)) == [True] * 4 + [False] * 2  # type: ignore[arg-type]
    assert set(d.numbers) == {"fwd_cits5", "bwd_cits", "claims", "remaining_life", "quality_index"}


def test_empty_cohort_cells_are_unknown_not_one_group(tmp_path: Path) -> None:
    text = "patent_id,quality_index,cohort\nA,0.1,2015 H\nB,0.2,\nC,0.3,\n"
    d = read_indicators(_csv(tmp_path, text), "quality_index")
    assert d.cohort_at(1) is None and d.cohort_mask(1) is None  # B is not grouped with C
    assert list(d.cohort_mask(0)) == [True, False, False]  # type: ignore[arg-type]


def test_parquet_with_embedded_provenance(tmp_path: Path) -> None:
    table = pacsv.read_csv(
        _csv(tmp_path, INDICATORS_CSV),
        convert_options=pacsv.ConvertOptions(column_types={"patent_id": "string"}),
    )
    prov = build_provenance("indicators", table, source=["/x"], fmt="lens", engine="spark")
    f = tmp_path / "ind.parquet"
    pq.write_table(embed(table, prov), f)
    d = read_indicators(f, "quality_index")
    assert d.info.provenance is not None and d.info.provenance.engine == "spark"
    assert d.info.provenance.data_cutoff == "2016-02-02"  # latest grant date of the table
    assert "Parquet metadata" in d.info.provenance_from
    assert d.numbers["quality_index"].at(find_row(d, "P5", "f")) == 0.9


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("id,quality_index\n1,0.5\n", "required column patent_id is missing"),
        ("patent_id,claims\n1,3\n", "required column quality_index is missing"),
        ("patent_id,quality_index\n1,high\n", "column quality_index must be numeric"),
        ("patent_id,quality_index\n1,inf\n", "row 1 is not a finite number"),
        ("patent_id,quality_index\n1,0.5\n ,0.4\n", "patent_id is empty in row 2"),
        ("patent_id,quality_index,expiry_date\n1,0.5,soon\n", "expiry_date"),
        ("patent_id,quality_index,window_complete\n1,0.5,maybe\n", "window_complete"),
    ],
)
def test_bad_indicator_files(tmp_path: Path, text: str, rule: str) -> None:
    with pytest.raises(InputError, match=rule) as e:
        read_indicators(_csv(tmp_path, text), "quality_index")
    assert e.value.field == "patent_evidence.indicators_file"
    assert "ind.csv" in e.value.rule


def test_not_a_table(tmp_path: Path) -> None:
    f = tmp_path / "ind.parquet"
    f.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable parquet table"):
        read_indicators(f, "quality_index")
    g = _csv(tmp_path, "patent_id,quality_index\n1,0.5\n", "ind.tsv")
    with pytest.raises(InputError, match=r"must end in \.csv or \.parquet"):
        read_indicators(g, "quality_index")


def test_cycle_time_file(tmp_path: Path) -> None:
    ct = read_cycle_times(_csv(tmp_path, CYCLE_CSV, "ct.csv"))
    assert len(ct.rows) == 4 and ct.rows[0] == {
        "scheme": "IPC",
        "code": "H01M",
        "n_patents": 3.0,
        "n_ages": 120.0,
        "q1": 4.0,
        "q2": 7.5,
        "q3": 10.0,
    }
    assert ct.rows[3]["q1"] is None  # empty stays empty
    with pytest.raises(InputError, match=r"required column\(s\) q3 missing") as e:
        read_cycle_times(_csv(tmp_path, "scheme,code,n_patents,n_ages,q1,q2\n", "b.csv"))
    assert e.value.field == "patent_evidence.cycle_time_file"
