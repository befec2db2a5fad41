"""Landscapes of aggregate counts (WIPO statistics): hand-computed figures and the real table."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import SHARED_DATA, require_shared_data

from ipvalue.analytics.landscape_aggregate import (
    aggregate_counts,
    build_aggregate_landscape,
    emergence_from_counts,
    read_wipo_stats,
)
from ipvalue.core.errors import InputError

HEADER = "office,origin,technology_number,technology,year,count\n"


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "w.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_read_and_count(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "Asia,Resident,6,Computer technology,2010,30\n"
        "Asia,Non-Resident,6,Computer technology,2010,10\n"
        "Asia,Resident,0,Unknown,2010,5\n"
        "Europe,Resident,1,Electrical machinery,2012,60\n",
    )
    frame = read_wipo_stats(p)
    assert frame["field"].iloc[0] == "06 Computer technology"
    assert pd.isna(frame["field"].iloc[2]) and frame["field"].iloc[3] == "01 Electrical machinery"
    years = aggregate_counts(frame, "year")
    assert years["year"].tolist() == [2010, 2011, 2012] and years["n"].tolist() == [45, 0, 60]
    fields = aggregate_counts(frame, "field").set_index("field")
    # unknown field (5) is left out of the field table: shares over 100
    assert fields.loc["01 Electrical machinery", "share"] == pytest.approx(0.6)
    agg = build_aggregate_landscape(frame)
    # office shares: Asia 45/105, Europe 60/105 -> HHI = (45² + 60²) / 105²
    assert agg.office_concentration is not None
    assert agg.office_concentration.hhi == pytest.approx((45**2 + 60**2) / 105**2)
    assert agg.growth is not None
    assert agg.growth.cagr == pytest.approx(math.sqrt(60 / 45) - 1)
    assert any("unknown field" in w for w in agg.warnings)


def test_emergence_from_counts_hand_computed() -> None:
    wide = pd.DataFrame({"A": [10, 10, 10, 10], "B": [0, 2, 8, 10]}, index=[2010, 2011, 2012, 2013])
    t = emergence_from_counts(wide, base=(2010, 2011), recent=(2012, 2013)).set_index("item")
    # N_B = 22, N_R = 38; B: n_B = 2, n_R = 18 -> ln(19/39) - ln(3/23)
    assert t.loc["B", "emergence"] == pytest.approx(math.log(19 / 39) - math.log(3 / 23))
    assert t.loc["A", "emergence"] == pytest.approx(math.log(21 / 39) - math.log(21 / 23))
    assert t.index[0] == "B"
    with pytest.raises(InputError, match="before"):
        emergence_from_counts(wide, base=(2010, 2012), recent=(2012, 2013))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("Asia,Resident,6,Computer technology,20x0,30\n", "integer"),
        ("Asia,Resident,6,Computer technology,2010,-3\n", "count must be >= 0"),
        ("Asia,Resident,6,Computer technology,2010,1.5\n", "integer"),
    ],
)
def test_bad_rows(tmp_path: Path, body: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        read_wipo_stats(write(tmp_path, body))


def test_missing_columns(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("office,year\nAsia,2010\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_wipo_stats(p)


def test_wipo_table_end_to_end(run_cli, tmp_path: Path) -> None:
    src = require_shared_data(SHARED_DATA / "patents" / "wipo_tech_region.csv")
    code, out, err = run_cli(
        "patents",
        "landscape",
        "--source",
        src,
        "--format",
        "wipo-stats",
        "--out",
        tmp_path / "o",
        "--charts",
        "svg",
    )
    assert code == 0, err
    raw = pd.read_csv(src)
    years = pd.read_csv(tmp_path / "o" / "filings_by_year.csv")
    assert years["n"].sum() == raw["count"].sum()  # every count is in the yearly totals
    assert years["year"].tolist() == list(range(1980, 2014))
    fields = pd.read_csv(tmp_path / "o" / "filings_by_field.csv")
    assert len(fields) == 20  # --top default; 35 fields exist
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    y = years.set_index("year")["n"]
    assert summary["growth"]["cagr"] == pytest.approx((y[2013] / y[2008]) ** (1 / 5) - 1)
    assert (tmp_path / "o" / "landscape.html").exists()
    assert "CR4" in out
