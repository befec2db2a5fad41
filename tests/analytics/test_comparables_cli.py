"""`ipvalue patents comparables` end to end on the real USPTO XML samples with the illustrative
deals file; the emitted block pasted into a case values without error and to the same figure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from tests.conftest import SHARED_DATA, require_shared_data

ROOT = Path(__file__).resolve().parents[2]
DEALS = ROOT / "examples" / "data" / "patent_deals_illustrative.csv"
SUBJECT = "US-8089078-B2"  # "Light emitting device" (2012), a grant of the samples
CASE_HEAD = """\
schema_version: 1
id: comparables-round-trip
title: Light emitting device, market approach from deals of similar patents
purpose: transaction
valuation_date: 2015-06-30
currency: USD
jurisdiction: US
asset:
  type: patent
  name: US 8,089,078 light emitting device
  jurisdictions: [US]
"""


@pytest.fixture(scope="module")
def xml() -> Path:
    return require_shared_data(SHARED_DATA / "patents" / "uspto-xml")


@pytest.fixture(scope="module")
def indicators(xml: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Indicators of the 421 sample grants, written once by the CLI."""
    from ipvalue.cli import main

    out = tmp_path_factory.mktemp("comparables") / "indicators.csv"
    try:
        main(
            [
                "patents",
                "indicators",
                "--source",
                str(xml),
                "--format",
                "uspto-xml",
                "--valuation-date",
                "2015-06-30",
                "--out",
                str(out),
            ]
        )
    except SystemExit as exc:
        assert not exc.code
    return out


def base_args(xml: Path, *extra: Any) -> list[Any]:
    return [
        "patents",
        "comparables",
        "--deals",
        DEALS,
        "--patent",
        SUBJECT,
        "--source",
        xml,
        "--format",
        "uspto-xml",
        "--as-of",
        "2015-06-30",
        *extra,
    ]


def test_end_to_end_with_quality_ratio(
    run_cli: Any, xml: Path, indicators: Path, tmp_path: Path
) -> None:
    out = tmp_path / "approach.yaml"
    code, stdout, err = run_cli(*base_args(xml, "--indicators", indicators, "--out", out, "--json"))
    assert code == 0, err
    data = json.loads(stdout)
    rows = data["candidates"]
    # ILL-005 is a design patent (no quality index), ILL-007 is dated after --as-of, ILL-009
    # is not in the samples, ILL-012 is too dissimilar
    assert [r["name"] for r in rows] == [
        "ILL-001",
        "ILL-002",
        "ILL-003",
        "ILL-004",
        "ILL-006",
        "ILL-008",
        "ILL-010",
        "ILL-011",
    ]
    # four comment lines and the header: ILL-00k is on file line k + 5
    reasons = {e["where"]: e["reason"] for e in data["excluded"]}
    assert reasons["patent_deals_illustrative.csv:10"] == "quality score missing or not > 0"
    assert "look-ahead" in reasons["patent_deals_illustrative.csv:12"]
    assert reasons["patent_deals_illustrative.csv:14"] == "patent not in the corpus"
    assert reasons["patent_deals_illustrative.csv:17"] == "similarity below 0.1"
    assert len(reasons) == 4
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0)
    assert max(r["weight"] for r in rows) <= 0.4
    for r in rows:  # each weight's factors, recomputed from the recorded inputs
        assert r["recency"] == pytest.approx(0.5 ** (r["age_years"] / 5))
        days = (dt.date(2015, 6, 30) - dt.date.fromisoformat(r["date"])).days
        assert r["age_years"] == pytest.approx(days / 365.25)
        assert r["raw_weight"] == pytest.approx(r["similarity"] * r["recency"] * r["data_quality"])
    # Q and Q_i as written in the indicators file, read here independently
    ind = pd.read_csv(indicators, dtype={"patent_id": str}).set_index("pub_id")
    q = ind.loc[SUBJECT, "quality_index"]
    assert data["subject"]["quality"] == q
    for r in rows:
        assert r["quality_score"] == ind.loc[r["corpus_id"], "quality_index"]
        assert r["quality_ratio"] == pytest.approx(q / r["quality_score"])
        assert r["quality_patent_id"] == ind.loc[r["corpus_id"], "patent_id"]
    # FX recorded: 95,000,000 JPY on Monday 2014-02-10 at that day's ECB rates (USD 1.3638,
    # JPY 139.26 per EUR): USD per JPY = 1.3638 / 139.26 = 0.00979319, so USD 930,353.30
    ill2 = rows[1]
    assert ill2["fx"]["rate"] == pytest.approx(1.3638 / 139.26, rel=1e-15)
    assert ill2["fx"]["reference_date"] == "2014-02-10"
    assert ill2["unit_price"] == pytest.approx(930_353.29599, rel=1e-10)
    assert not any(w.startswith("JPY→USD") for w in data["warnings"])  # the deal's own date
    # the block on stdout is the block in the file
    written = yaml.safe_load(out.read_text(encoding="utf-8"))[0]
    assert written["quality_adjustment"] == "ratio" and written["subject_quality"] == q
    assert [c["name"] for c in written["comparables"]] == [r["name"] for r in rows]
    assert written == {
        **data["approach"],
        "comparables": [
            {**c, "date": dt.date.fromisoformat(c["date"])} for c in data["approach"]["comparables"]
        ],
    }
    assert data["indicative_value"] == pytest.approx(
        sum(r["weight"] * r["unit_price"] * r["quality_ratio"] for r in rows)
    )


def _value_case(path: Path) -> float:
    from ipvalue import load_case, value

    return float(value(load_case(path)).value)


def test_round_trip_block_values_in_a_case(run_cli: Any, xml: Path, tmp_path: Path) -> None:
    out = tmp_path / "approach.yaml"
    code, stdout, err = run_cli(*base_args(xml, "--out", out, "--json"))
    assert code == 0, err
    data = json.loads(stdout)
    assert data["approach"]["comparables"][0]["patent_id"] == "7863661"  # the source id
    case = tmp_path / "case.yaml"
    case.write_text(CASE_HEAD + "approaches:\n" + out.read_text(encoding="utf-8"), encoding="utf-8")
    # the engine recomputes the weights from similarity, recency, quality and max_weight
    assert _value_case(case) == pytest.approx(data["indicative_value"], rel=1e-12)


def test_round_trip_with_quality_ratio_and_patent_evidence(
    run_cli: Any, xml: Path, indicators: Path, tmp_path: Path
) -> None:
    out = tmp_path / "approach.yaml"
    code, stdout, err = run_cli(*base_args(xml, "--indicators", indicators, "--out", out, "--json"))
    assert code == 0, err
    data = json.loads(stdout)
    block = out.read_text(encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(CASE_HEAD + "approaches:\n" + block, encoding="utf-8")
    assert _value_case(case) == pytest.approx(data["indicative_value"], rel=1e-12)
    # the same block with Q left to the case's patent_evidence: same value
    items = yaml.safe_load(block)
    items[0].pop("subject_quality")
    for c in items[0]["comparables"]:
        c.pop("quality_score")
    evidence = {"patent_evidence": {"indicators_file": str(indicators), "patent_id": "8089078"}}
    head = yaml.safe_load(CASE_HEAD)
    case.write_text(yaml.safe_dump({**head, **evidence, "approaches": items}), encoding="utf-8")
    assert _value_case(case) == pytest.approx(data["indicative_value"], rel=1e-12)


def test_table_output_and_text_subject(run_cli: Any, xml: Path) -> None:
    code, stdout, err = run_cli(
        "patents",
        "comparables",
        "--deals",
        DEALS,
        "--text",
        "light emitting diode semiconductor device package",
        "--classes",
        "H01L,H01L33/00",
        "--source",
        xml,
        "--format",
        "uspto-xml",
        "--as-of",
        "2015-06-30",
        "--min-count",
        "2",
    )
    assert code == 0, err
    assert "Comparables for text: light emitting diode" in stdout
    assert "- method: market_comparables" in stdout  # the block, printed without --out
    assert "indicative value before correction coefficients" in stdout
    assert "look-ahead" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--as-of", "30/06/2015"], "--as-of: must be a date"),
        (["--max-weight", "0"], "--max-weight"),
        (["--min-count", "20"], "--min-count: must not exceed --top"),
        (["--currency", "dollars"], "--currency"),
        (["--recency-half-life", "-1"], "--recency-half-life"),
        (["--subject-quality", "0"], "--subject-quality"),
        (["--min-count", "10"], "only 9 deals qualify"),
        (["--max-weight", "0.1"], "0.1 × 9 comparables < 1"),
        (["--text", "x"], "--text/--patent"),
        (["--classes", "H01L"], "--classes"),
        (["--indicators", "missing.csv"], "--indicators"),
        (["--indicators", "BAD"], "has no patent_id column"),
        (["--quality-indicator", "nope", "--indicators", "BAD"], "has no patent_id column"),
    ],
)
def test_bad_options_exit_2(
    run_cli: Any, xml: Path, tmp_path: Path, extra: list[Any], message: str
) -> None:
    out = tmp_path / "approach.yaml"
    bad = tmp_path / "bad.csv"
    bad.write_text("patent,quality_index\n1,0.5\n", encoding="utf-8")
    extra = [bad if x == "BAD" else x for x in extra]
    code, _out, err = run_cli(*base_args(xml, "--out", out, *extra))
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists()  # nothing half-written


def test_bad_deals_file_exit_2_names_every_row(run_cli: Any, xml: Path, tmp_path: Path) -> None:
    bad = tmp_path / "deals.csv"
    bad.write_text(
        "patent_id,unit_price,currency,date,basis\n"
        "US-7863661-B2,1000,USD,2013-05-20,price\n"
        "US-8089085-B2,-3,USD,2013-05-20,price\n"
        "US-7863599-B2,1000,USD,2013-13-01,price\n",
        encoding="utf-8",
    )
    out = tmp_path / "approach.yaml"
    code, _out, err = run_cli(
        "patents",
        "comparables",
        "--deals",
        bad,
        "--patent",
        SUBJECT,
        "--source",
        xml,
        "--format",
        "uspto-xml",
        "--out",
        out,
    )
    assert code == 2 and "Traceback" not in err
    assert "deals.csv:3: column unit_price: must be > 0" in err
    assert "deals.csv:4: column date: must be a date YYYY-MM-DD" in err
    assert not out.exists()


def test_mixed_bases_exit_2(run_cli: Any, xml: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "deals.csv"
    text = DEALS.read_text(encoding="utf-8").replace(
        "ILL-003,US-7863599-B2,780000,USD,2012-09-14,price",
        "ILL-003,US-7863599-B2,0.045,,2012-09-14,royalty_rate",
    )
    mixed.write_text(text, encoding="utf-8")
    code, _out, err = run_cli(*base_args(xml)[:3], mixed, *base_args(xml)[4:])
    assert code == 2 and "deals.csv:8 (royalty_rate)" in err and "--basis" in err
    code, stdout, err = run_cli(
        *base_args(xml)[:3], mixed, *base_args(xml)[4:], "--basis", "price", "--json"
    )
    assert code == 0, err
    assert "ILL-003" not in [r["name"] for r in json.loads(stdout)["candidates"]]


def test_indicators_newer_than_as_of_warn(run_cli: Any, xml: Path, indicators: Path) -> None:
    # the samples run to 2013-04-16: quality scores computed on them look ahead of 2013-01-01
    args = base_args(xml, "--indicators", indicators, "--json")
    args[args.index("2015-06-30")] = "2013-01-01"
    code, stdout, err = run_cli(*args)
    assert code == 0, err
    data = json.loads(stdout)
    assert [r["name"] for r in data["candidates"]] == ["ILL-003", "ILL-004", "ILL-008", "ILL-010"]
    assert any(
        "holds data up to 2013-04-16, after --as-of 2013-01-01" in w for w in data["warnings"]
    )


def test_from_an_analytics_database(run_cli: Any, xml: Path, tmp_path: Path) -> None:
    db = tmp_path / "analytics.duckdb"
    code, _out, err = run_cli(
        "patents", "import", "--source", xml, "--format", "uspto-xml", "--db", db
    )
    assert code == 0, err
    args = base_args(xml, "--json")
    i = args.index("--source")
    code, from_db, err = run_cli(*args[:i], "--db", db, *args[i + 4 :])
    assert code == 0, err
    code, from_xml, err = run_cli(*args)
    assert code == 0, err
    a, b = json.loads(from_db), json.loads(from_xml)
    assert a["provenance"]["corpus"]["source"] == str(db)
    assert [r["name"] for r in a["candidates"]] == [r["name"] for r in b["candidates"]]
    assert [r["weight"] for r in a["candidates"]] == pytest.approx(
        [r["weight"] for r in b["candidates"]], rel=1e-12
    )
