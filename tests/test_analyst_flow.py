"""Issue 4 end to end: real patent data → indicators, cycle times, landscape, similar patents,
comparables → a valuation case that uses them as its evidence.

One chain of CLI calls on the real USPTO grant XML samples (../shared/data), as an analyst runs
it; every later step reads what an earlier step wrote, and the final valuation is checked against
the files by hand (not against figures copied from a previous run).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import require_shared_data

ROOT = Path(__file__).resolve().parents[1]
XML = ROOT.parent / "shared/data/patents/uspto-xml"
DEALS = ROOT / "examples/data/patent_deals_illustrative.csv"
VDATE = "2015-06-30"
SUBJECT = "US-8089078-B2"


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {r["patent_id"]: r for r in csv.DictReader(f)}


@pytest.mark.slow
def test_analyst_flow_from_uspto_xml_to_valuation(tmp_path: Path, run_cli: Any) -> None:
    require_shared_data(XML)
    db = tmp_path / "patents.duckdb"

    # 1. import once into the analytics database
    code, _, err = run_cli(
        "patents", "import", "--source", XML, "--format", "uspto-xml", "--db", db
    )
    assert code == 0, err

    # 2. indicators and cycle times, each with its provenance sidecar
    ind, ct = tmp_path / "indicators.csv", tmp_path / "cycle_time.csv"
    code, _, err = run_cli(
        "patents", "indicators", "--db", db, "--out", ind, "--valuation-date", VDATE
    )
    assert code == 0, err
    code, _, err = run_cli("patents", "cycle-time", "--db", db, "--out", ct)
    assert code == 0, err
    meta = json.loads(Path(f"{ind}.meta.json").read_text())
    assert meta["kind"] == "indicators" and meta["valuation_date"] == VDATE
    rows = _rows(ind)
    subject_id = "8089078"
    subject = rows[subject_id]
    assert int(subject["claims"]) > 0 and subject["expiry_date"]

    # 3. a landscape with charts
    land = tmp_path / "landscape"
    code, _, err = run_cli("patents", "landscape", "--db", db, "--out", land)
    assert code == 0, err
    charts = [p.suffix for p in land.rglob("*") if p.suffix in (".png", ".svg", ".html")]
    assert ".png" in charts and ".html" in charts

    # 4. similar patents of the subject
    code, out, err = run_cli("patents", "similar", "--db", db, "--patent", SUBJECT, "--json")
    assert code == 0, err
    hits = json.loads(out)["results"]
    assert hits and all(0 <= h["similarity"] <= 1 for h in hits)
    assert SUBJECT not in {h["patent_id"] for h in hits}  # the subject is not its own peer

    # 5. comparables from deal records of similar patents, quality from the indicators
    block = tmp_path / "market.yaml"
    code, out, err = run_cli(
        "patents", "comparables", "--deals", DEALS, "--patent", SUBJECT, "--db", db,
        "--indicators", ind, "--as-of", VDATE, "--currency", "USD", "--min-count", "3",
        "--out", block,
    )  # fmt: skip
    assert code == 0, err
    approach = yaml.safe_load(block.read_text())
    if isinstance(approach, list):
        approach = approach[0]
    assert approach["method"] == "market_comparables"
    assert approach["quality_adjustment"] == "ratio"

    # 6. the valuation case: RFR + the proposed comparables, with the patent data as evidence
    case = {
        "schema_version": 1,
        "id": "analyst-flow-001",
        "title": "US 8,089,078 — analyst flow",
        "purpose": "transaction",
        "valuation_date": VDATE,
        "currency": "USD",
        "asset": {
            "type": "patent",
            "name": "US 8,089,078",
            "jurisdictions": ["US"],
            "classes": [{"scheme": "IPC", "code": "H01L 23/00"}],
        },
        "patent_evidence": {
            "indicators_file": str(ind),
            "patent_id": subject_id,
            "cycle_time_file": str(ct),
        },
        "approaches": [
            {
                "method": "relief_from_royalty",
                "revenue": [1.0e7] * 30,
                "royalty_rate": 0.03,
                "tax_rate": 0.21,
                "discount_rate": 0.12,
                "tab": False,
                "weight": 0.5,
            },
            {**approach, "weight": 0.5},
        ],
    }
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False))
    code, out, err = run_cli("value", case_file, "--json")
    assert code == 0, err
    result = json.loads(out)

    # every indicator relied on is an assumption naming the file; values equal the file's
    assumptions = {a["name"]: a for a in result["assumptions"]}
    claims = assumptions["patent.claims"]
    assert claims["value"] == float(subject["claims"]) and "indicators.csv" in claims["source"]
    assert {"patent.cycle_time.q1", "patent.cycle_time.q3"} <= set(assumptions)
    assert any(t["step"] == "patent_evidence" for t in result["trace"])

    # the legal term comes from the file's expiry date and caps the RFR income period:
    # 30 forecast years, but only (expiry − valuation date) / 365.25 of them are valued
    expiry = dt.date.fromisoformat(subject["expiry_date"])
    term = (expiry - dt.date.fromisoformat(VDATE)).days / 365.25
    assert 0 < term < 30
    rfr = next(a for a in result["approaches"] if a["method"] == "relief_from_royalty")
    full, frac = int(term), term - int(term)
    flow = 1.0e7 * 0.03 * (1 - 0.21)
    # end-year timing; the partial final year earns its fraction, received at its end (t = term)
    by_hand = sum(flow / 1.12**t for t in range(1, full + 1)) + frac * flow / 1.12**term
    assert rfr["value"] == pytest.approx(by_hand, rel=1e-9)

    # the market approach applied Q / Q_i with Q from the subject's row
    q_subject = float(subject["quality_index"])
    assert assumptions[next(k for k in assumptions if k.endswith("subject_quality"))][
        "value"
    ] == pytest.approx(q_subject)
    assert result["value"] > 0
