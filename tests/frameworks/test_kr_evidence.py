"""Patent-indicator evidence beside the KR strength items and SMART5 sub-indicators."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import require_shared_data

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.evidence import read_indicators
from ipvalue.frameworks import get
from ipvalue.frameworks._kr_evidence import STRENGTH_ITEM_INDICATORS, item_evidence
from ipvalue.frameworks.scoring import score_case
from ipvalue.model.case import ValuationCase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/jurisdictions/kr_technology_contribution.yaml"
USPTO_XML = ROOT.parent / "shared/data/patents/uspto-xml"

# five patents, two cohorts; P3 is the subject (cohort "2020 field 1": P1, P2, P3)
HAND = (
    "patent_id,fwd_cits5,claims,radicalness,tct,cohort,quality_index\n"
    "P1,2,10,0.5,8.0,2020 field 1,0.4\n"
    "P2,6,20,,12.0,2020 field 1,0.5\n"
    "P3,6,15,0.25,10.0,2020 field 1,0.6\n"
    "P4,0,30,0.75,,2020 field 6,0.7\n"
    "P5,9,15,0.1,4.0,2020 field 6,0.8\n"
)


def _file(tmp_path: Path, text: str = HAND) -> Path:
    f = tmp_path / "ind.csv"
    f.write_text(text, encoding="utf-8")
    return f


def test_hand_percentiles(tmp_path: Path) -> None:
    table = read_indicators(_file(tmp_path), "quality_index")
    ev = {e.item: e for e in item_evidence(table, 2, STRENGTH_ITEM_INDICATORS)}
    spill = {s.indicator: s for s in ev["spillover"].indicators}
    # fwd_cits5 = 6; cohort values 2, 6, 6: (1 below + 0.5·2 equal) / 3 = 2/3
    # file values 2, 6, 6, 0, 9: (2 below + 0.5·2) / 5 = 0.6
    f = spill["fwd_cits5"]
    assert (f.value, f.cohort_n, f.file_n) == (6.0, 3, 5)
    assert f.cohort_percentile == pytest.approx(2 / 3) and f.file_percentile == pytest.approx(0.6)
    assert "generality" not in spill  # not in the file: left out, not shown as empty
    # radicalness 0.25: cohort non-empty 0.5, 0.25 -> (0 + 0.5)/2 = 0.25;
    # file 0.5, 0.25, 0.75, 0.1 -> (1 + 0.5)/4 = 0.375
    r = ev["innovativeness"].indicators[0]
    assert (r.cohort_n, r.file_n) == (2, 4)
    assert (r.cohort_percentile, r.file_percentile) == (0.25, 0.375)
    # tct 10 among 8, 12, 10 | 8, 12, 10, 4 -> 0.5 | (2 + 0.5)/4 = 0.625
    t = ev["obsolescence_risk"].indicators[0]
    assert (t.cohort_percentile, t.file_percentile) == (0.5, 0.625)
    assert set(ev) <= set(STRENGTH_ITEM_INDICATORS)
    assert "market_entry" not in ev  # family_size absent


def test_empty_subject_value_has_no_percentile(tmp_path: Path) -> None:
    table = read_indicators(_file(tmp_path), "quality_index")
    (ev,) = item_evidence(table, 1, {"differentiation": ("radicalness",)})  # P2: empty
    s = ev.indicators[0]
    assert s.value is None and s.file_percentile is None and s.cohort_percentile is None
    assert (s.cohort_n, s.file_n) == (2, 4)  # the group still counts its non-empty values


def test_empty_subject_cohort_gives_no_cohort_statistics(tmp_path: Path) -> None:
    # P6 has no cohort: it must not be grouped with the other empty cells (or with anything)
    text = HAND + "P6,6,12,0.3,9.0,,0.5\nP7,1,11,0.2,7.0,,0.3\n"
    table = read_indicators(_file(tmp_path, text), "quality_index")
    (ev,) = item_evidence(table, 5, {"spillover": ("fwd_cits5",)})
    s = ev.indicators[0]
    assert s.cohort_percentile is None and s.cohort_n == 0
    # file: 2, 6, 6, 0, 9, 6, 1 -> (3 below + 0.5·3 equal) / 7
    assert s.file_percentile == pytest.approx(4.5 / 7) and s.file_n == 7


def _data(ind: Path | None, patent: str = "P3") -> dict[str, Any]:
    data = copy.deepcopy(dict(read_case_data(EXAMPLE)))
    if ind is not None:
        data["patent_evidence"] = {"indicators_file": str(ind), "patent_id": patent}
    return data


def _case(data: dict[str, Any]) -> ValuationCase:
    case = ipvalue.load_case(data)
    assert isinstance(case, ValuationCase)
    return case


def test_kr_resolution_shows_evidence_and_changes_nothing(tmp_path: Path) -> None:
    plain = get("KR").resolve(_case(_data(None)))
    res = get("KR").resolve(_case(_data(_file(tmp_path))))
    p = {x.name: x for x in res.parameters}
    line = p["strength_evidence.spillover"].value
    assert line == "fwd_cits5 6 (cohort p 0.67 of 3; file p 0.60 of 5)"
    assert "not a score" in p["strength_evidence.spillover"].source
    assert all(x.path is None for x in res.parameters if x.name.startswith("strength_evidence"))
    # the valuation inputs are the same with and without the evidence
    assert res.patches() == plain.patches()
    assert {x.name for x in plain.parameters if x.name.startswith("strength_evidence")} == set()


def test_smart_score_carries_separate_evidence(tmp_path: Path) -> None:
    out = score_case(_case(_data(_file(tmp_path))), "smart", base_dir=tmp_path)
    plain = score_case(_case(_data(None)), "smart", base_dir=tmp_path)
    assert out["score"] == plain["score"] and "evidence" not in plain
    rows = {(r["item"], r["indicator"]): r for r in out["evidence"]["rows"]}
    lead = rows[("technology_leadership", "fwd_cits5")]
    assert lead["file_percentile"] == pytest.approx(0.6) and lead["cohort_n"] == 3
    assert ("commercialisability", "family_size") not in rows
    json.dumps(out, allow_nan=False)  # JSON-ready, no NaN


def test_bad_files_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        get("KR").resolve(_case(_data(_file(tmp_path), patent="P9")))
    assert e.value.field == "patent_evidence.patent_id"
    bad = _file(tmp_path, "patent_id,claims,quality_index\nP3,many,0.5\n")
    with pytest.raises(InputError, match="claims must be numeric") as e:
        get("KR").resolve(_case(_data(bad)))
    assert e.value.field == "patent_evidence.indicators_file"
    dup = _file(tmp_path, "patent_id,claims,quality_index\nP3,1,0.5\nP3,2,0.5\n")
    with pytest.raises(InputError, match="appears 2 times"):
        get("KR").resolve(_case(_data(dup)))


def test_real_indicators_from_uspto_xml(tmp_path: Path, run_cli: Any) -> None:
    src = require_shared_data(USPTO_XML)
    out = tmp_path / "ind.parquet"
    code, _, _ = run_cli(
        "patents", "indicators", "--source", str(src), "--format", "uspto-xml", "--out", str(out)
    )
    assert code == 0
    import pandas as pd

    frame = pd.read_parquet(out)
    pid = str(frame.patent_id.iloc[0])
    res = get("KR").resolve(_case(_data(out, pid)))
    line = res.parameter("strength_evidence.right_stability").value
    # cross-check against pandas: mid-rank percentile of bwd_cits in the whole file
    x = frame.bwd_cits.dropna()
    v = float(frame.bwd_cits.iloc[0])
    p = ((x < v).sum() + 0.5 * (x == v).sum()) / len(x)
    assert f"file p {p:.2f} of {len(x)}" in str(line)


def test_smart_sector_from_the_concordance(tmp_path: Path) -> None:
    data = _data(None)
    del data["framework_inputs"]["KR"]["smart"]["sector"]
    out = score_case(_case(data), "smart", base_dir=tmp_path)
    # asset class IPC H01M 10/0562 -> field 1 Electrical machinery, apparatus, energy
    assert out["detail"]["sector"] == "electrical_engineering"
    assert "field 1 Electrical machinery" in out["sector_source"]
    data["asset"]["classes"] = [
        {"scheme": "CPC", "code": "Y02E 60/10"},
        {"scheme": "IPC", "code": "A61K 31/44"},
    ]
    out = score_case(_case(data), "smart", base_dir=tmp_path)
    assert out["detail"]["sector"] == "chemistry"  # Y02E has no field; A61K -> 16
    data["asset"]["classes"] = [{"scheme": "KSIC", "code": "C28"}]
    with pytest.raises(InputError) as e:
        score_case(_case(data), "smart", base_dir=tmp_path)
    assert e.value.field == "framework_inputs.KR.smart.sector"
