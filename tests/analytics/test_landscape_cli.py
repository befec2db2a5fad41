"""`ipvalue patents landscape` end to end on the real samples, and its bad-input exits."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from tests.conftest import SHARED_DATA, require_shared_data

PATENTS = SHARED_DATA / "patents"


@pytest.mark.slow
def test_landscape_on_uspto_sample(run_cli, tmp_path: Path) -> None:
    src = require_shared_data(PATENTS / "uspto_random_10000.csv.gz")
    # 2,000 real grants (a seeded random sample, 2005-2018) keep the test lean.
    sample = tmp_path / "uspto_2000.csv"
    pd.read_csv(src, dtype=str).sample(2000, random_state=0).to_csv(sample, index=False)
    code, _out, err = run_cli(
        "patents",
        "landscape",
        "--source",
        sample,
        "--format",
        "csv",
        "--out",
        tmp_path / "o",
        "--clusters",
        "4",
        "--min-recent-docs",
        "3",
    )
    assert code == 0, err
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["n_patents"] == 2000 and summary["date_basis"] == "publication"
    classes = pd.read_csv(tmp_path / "o" / "filings_by_class.csv")
    assert classes.iloc[0]["class"] == "G06F"  # the largest subclass of the sample
    years = pd.read_csv(tmp_path / "o" / "filings_by_year.csv")
    assert years["n"].sum() == 2000
    for f in (
        "landscape.html",
        "charts/coclassification_network.png",
        "emerging_terms.csv",
        "clusters.csv",
        "keywords.csv",
    ):
        assert (tmp_path / "o" / f).stat().st_size > 0, f
    assert "partial year" in err  # data end in May 2018


@pytest.mark.slow
def test_landscape_on_lens_export(run_cli, tmp_path: Path) -> None:
    src = require_shared_data(PATENTS / "lens" / "pizza_lens_1000.csv")
    code, out, err = run_cli(
        "patents",
        "landscape",
        "--source",
        src,
        "--format",
        "lens",
        "--encoding",
        "mac_roman",
        "--out",
        tmp_path / "o",
        "--clusters",
        "0",
        "--novelty-k",
        "0",
        "--by",
        "office,assignee",
        "--charts",
        "svg",
        "--no-html",
        "--count",
        "families",
    )
    assert code == 0, err
    offices = pd.read_csv(tmp_path / "o" / "filings_by_office.csv").set_index("office")["n"]
    # the data README counts KR 164, AU 101, JP 46 among the 1,000 records
    # (documents with the same priorities are one family: 3 of the 1,000 merge, none of these)
    assert offices["KR"] == 164 and offices["AU"] == 101 and offices["JP"] == 46
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["n_patents"] == 997
    assert 0 < summary["concentration"]["hhi"] < 1
    assert "CR4" in out


def test_landscape_on_patentsview_fixture(run_cli, tmp_path: Path) -> None:
    mini = Path(__file__).resolve().parents[1] / "data" / "patentsview_mini"
    code, _out, err = run_cli(
        "patents",
        "landscape",
        "--source",
        mini,
        "--format",
        "patentsview",
        "--out",
        tmp_path / "o",
        "--clusters",
        "0",
        "--min-recent-docs",
        "1",
        "--by",
        "year,assignee",
        "--charts",
        "svg",
        "--no-html",
    )
    assert code == 0, err
    conc = pd.read_csv(tmp_path / "o" / "concentration_assignees.csv")
    assert conc["share"].tolist() == pytest.approx([1 / 3] * 3)
    assert not (tmp_path / "o" / "landscape.html").exists()
    assert not list((tmp_path / "o" / "charts").glob("*.png"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--by", "year,colour"], "--by"),
        (["--window", "2018-2010"], "--window"),
        (["--window", "last decade"], "--window"),
        (["--charts", "gif"], "--charts"),
        (["--clusters", "1"], "--clusters"),
        (["--novelty-k", "-1"], "--novelty-k"),
        (["--format", "excel"], "--format"),
        (["--date-basis", "birth"], "--date-basis"),
        (["--community", "leiden"], "--community"),
        (["--count", "inventions"], "--count"),
    ],
)
def test_bad_options_exit_2(run_cli, tmp_path: Path, args, message) -> None:
    mini = Path(__file__).resolve().parents[1] / "data" / "patentsview_mini"
    code, _out, err = run_cli(
        "patents",
        "landscape",
        "--source",
        mini,
        "--format",
        "patentsview",
        "--out",
        tmp_path / "o",
        *args,
    )
    assert code == 2 and message in err
    assert "Traceback" not in err
    assert not (tmp_path / "o").exists()  # nothing written


def test_missing_source_and_file_as_out(run_cli, tmp_path: Path) -> None:
    code, _out, err = run_cli(
        "patents", "landscape", "--source", tmp_path / "nope.csv", "--out", tmp_path / "o"
    )
    assert code == 2 and "does not exist" in err
    f = tmp_path / "f"
    f.write_text("x")
    code, _out, err = run_cli("patents", "landscape", "--source", f, "--out", f)
    assert code == 2 and "--out" in err


def test_landscape_on_uspto_xml(run_cli, tmp_path: Path) -> None:
    src = require_shared_data(PATENTS / "uspto-xml")
    code, _out, err = run_cli(
        "patents",
        "landscape",
        "--source",
        src,
        "--format",
        "uspto-xml",
        "--out",
        tmp_path / "o",
        "--by",
        "year,class,country,assignee",
        "--clusters",
        "0",
        "--novelty-k",
        "0",
        "--charts",
        "svg",
        "--no-html",
        "--top",
        "40",
    )
    assert code == 0, err
    countries = pd.read_csv(tmp_path / "o" / "filings_by_country.csv").set_index("country")["n"]
    # patents per assignee country; the data README counts assignees: JP 75, KR 19, TW 13, CN 4
    assert list(countries.index[:4]) == ["US", "JP", "DE", "KR"]
    assert countries["JP"] == 74 and countries["KR"] == 18 and countries["TW"] == 13
    assert countries["CN"] == 4 and countries["SG"] == 1 and countries["AU"] == 1
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["n_patents"] == 421  # 225 utility + 196 design grants
    assert "patents have no class" in err  # the 196 design grants carry Locarno classes only
