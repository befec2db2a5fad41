"""A case with ``patent_evidence`` valued end to end: assumptions, trace, warnings, legal term,
cycle time, errors with exit code 2."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ipvalue import load_case, value
from ipvalue.core.errors import InputError

CASE: dict[str, Any] = {
    "id": "ev-1",
    "title": "evidence test",
    "purpose": "licensing",
    "valuation_date": "2024-12-31",
    "currency": "USD",
    "asset": {
        "type": "patent",
        "name": "cell",
        "classes": [{"scheme": "IPC", "code": "H01M 10/0525"}],
    },
    "patent_evidence": {
        "indicators_file": "ind.csv",
        "patent_id": "P1",
        "cycle_time_file": "ct.csv",
    },
    "approaches": [
        {
            "method": "relief_from_royalty",
            "revenue": [100.0] * 10,
            "royalty_rate": 0.1,
            "tax_rate": 0.25,
            "discount_rate": 0.1,
            "tab": False,
        }
    ],
}
# P1 expiry 2033-01-10; 2024-12-31 → 2032-12-31 is 8 × 365 + 2 leap days (2028, 2032) = 2922
# days, + 10 = 2932 days → 2932 / 365.25 years.
LEGAL = 2932 / 365.25


def _case(tmp: Path, doc: dict[str, Any] | None = None, **changes: Any) -> Path:
    d = copy.deepcopy(doc or CASE)
    for k, v in changes.items():
        node: Any = d
        *head, last = k.split("__")
        for h in head:
            node = node[h]
        if v is None:
            node.pop(last, None)
        else:
            node[last] = v
    f = tmp / "case.json"
    f.write_text(json.dumps(d))
    return f


def _codes(v: Any) -> list[str]:
    return [w.code for w in v.warnings]


def test_assumptions_trace_and_filled_legal_term(evidence_dir: Path) -> None:
    v = value(load_case(_case(evidence_dir)))
    a = {x.name: x for x in v.assumptions}
    assert a["patent.fwd_cits5"].value == 4.0 and a["patent.claims"].value == 20.0
    assert a["patent.quality_index"].value == 0.6
    assert a["patent.bwd_cits"].value == 10.0
    src = a["patent.claims"].source
    assert "ind.csv" in src and "P1" in src and "sha256" in src and "uspto-xml" in src
    assert a["patent.claims"].source_date == "2024-10-01"  # the data cutoff
    # legal term filled from the file, replacing the engine's own entry
    legal = [x for x in v.assumptions if x.name == "asset.remaining_legal_term_years"]
    assert len(legal) == 1 and legal[0].value == pytest.approx(LEGAL, rel=1e-15)
    assert "expiry_date 2033-01-10" in legal[0].source
    # cycle time H01M: IPC row chosen (the class is IPC), not the CPC one
    assert a["patent.cycle_time.q3"].value == 10.0 and a["patent.cycle_time.q1"].value == 4.0
    step = v.trace[0]
    assert step.step == "patent_evidence"
    rows = {r["indicator"]: r for r in step.rows}
    # claims cohort 2015 H: 20, 10, 15, 30 → (2 + 0.5) / 4; file → 3.5 / 6 (test_evidence_peers)
    assert rows["claims"]["cohort_percentile"] == pytest.approx(0.625)
    assert rows["claims"]["file_percentile"] == pytest.approx(3.5 / 6)
    assert rows["quality_index"]["cohort_percentile"] == pytest.approx(3.5 / 4)
    assert "tct" not in rows and "patent.tct" not in a  # not in the file: listed as absent
    assert step.detail["absent_indicators"] == (
        "patent_scope, grant_lag, generality, originality, radicalness, tct, family_size"
    )
    assert step.detail["cycle_time.code"] == "H01M" and step.detail["cycle_time.scheme"] == "IPC"
    assert step.detail["indicators.data_cutoff"] == "2024-10-01"
    # legal term 8.03 y < Q3 10 y: no life warning; provenance known, cutoff before the date
    assert _codes(v) == ["life_cap"]


def test_value_uses_the_filled_legal_term(evidence_dir: Path) -> None:
    v = value(load_case(_case(evidence_dir)))
    # 8 full years of 100 × 0.1 × 0.75 = 7.5 at 1.1^-t, then 2932/365.25 − 8 of year 9's flow
    # at t = 2932/365.25 (partial final year, end timing)
    f = LEGAL - 8
    expected = sum(7.5 / 1.1**t for t in range(1, 9)) + f * 7.5 / 1.1**LEGAL
    assert v.value == pytest.approx(expected, rel=1e-12)
    # the same as writing the term in the case
    explicit = _case(evidence_dir, patent_evidence=None, asset__remaining_legal_term_years=LEGAL)
    assert value(load_case(explicit)).value == pytest.approx(v.value, rel=1e-15)


def test_case_legal_values_win_and_mismatch_warns(evidence_dir: Path) -> None:
    ls = {"status": "granted", "filing_date": "2013-01-11", "expiry_date": "2034-01-10"}
    v = value(load_case(_case(evidence_dir, asset__legal_status=ls)))
    msgs = [w.message for w in v.warnings if w.code == "legal_term_mismatch"]
    assert len(msgs) == 2
    assert any("2034-01-10" in m and "2033-01-10" in m for m in msgs)
    assert any("filing_date = 2013-01-11" in m and "2013-01-10" in m for m in msgs)
    legal = next(a for a in v.assumptions if a.name == "asset.remaining_legal_term_years")
    assert "legal_status.expiry_date 2034-01-10" in legal.source  # the case's, not replaced


def test_case_term_within_half_year_is_quiet(evidence_dir: Path) -> None:
    v = value(load_case(_case(evidence_dir, asset__remaining_legal_term_years=LEGAL + 0.49)))
    assert "legal_term_mismatch" not in _codes(v)
    v = value(load_case(_case(evidence_dir, asset__remaining_legal_term_years=LEGAL + 0.51)))
    assert "legal_term_mismatch" in _codes(v)


def test_life_beyond_cycle_time(evidence_dir: Path) -> None:
    # economic life 12 y, legal 8.03 y → income period 8.03 < Q3 10: quiet
    v = value(load_case(_case(evidence_dir, asset__economic_life_years=12.0)))
    assert "economic_life_beyond_cycle_time" not in _codes(v)
    # case legal term 15 y, economic life 11 y → 11 > Q3 10
    v = value(
        load_case(
            _case(
                evidence_dir,
                asset__economic_life_years=11.0,
                asset__remaining_legal_term_years=15.0,
            )
        )
    )
    w = [x.message for x in v.warnings if x.code == "economic_life_beyond_cycle_time"]
    assert w and "11.00 years" in w[0] and "H01M" in w[0] and "10.00" in w[0]


def test_window_incomplete_and_look_ahead(evidence_dir: Path) -> None:
    v = value(load_case(_case(evidence_dir, patent_evidence__patent_id="P4")))
    assert "citation_window_incomplete" in _codes(v)
    fwd = next(a for a in v.assumptions if a.name == "patent.fwd_cits5")
    assert fwd.value is None  # empty stays empty, never 0
    v = value(load_case(_case(evidence_dir, valuation_date="2024-06-30")))
    msgs = [w.message for w in v.warnings if w.code == "evidence_look_ahead"]
    # indicators: data cutoff and own valuation date; cycle times: data cutoff
    assert len(msgs) == 2 and "data cutoff 2024-10-01" in msgs[0]
    assert "indicators valuation date 2024-11-30" in msgs[0]


def test_grant_after_valuation_date_is_look_ahead(evidence_dir: Path) -> None:
    v = value(
        load_case(
            _case(
                evidence_dir,
                valuation_date="2015-12-31",
                patent_evidence__patent_id="P5",
                patent_evidence__cycle_time_file=None,
            )
        )
    )
    assert any(
        "granted on 2016-01-01" in w.message for w in v.warnings if w.code == "evidence_look_ahead"
    )


def test_provenance_unknown_and_mismatch(evidence_dir: Path) -> None:
    (evidence_dir / "ind.csv.meta.json").unlink()
    v = value(load_case(_case(evidence_dir)))
    assert "evidence_provenance_unknown" in _codes(v)
    q = next(a for a in v.assumptions if a.name == "patent.quality_index")
    assert q.confidence == "low: provenance unknown" and q.source_date is None
    with open(evidence_dir / "ct.csv", "a") as f:
        f.write("IPC,Z99Z,1,1,1,1,1,1\n")
    v = value(load_case(_case(evidence_dir)))
    assert "evidence_provenance_mismatch" in _codes(v)


def test_cycle_time_only(evidence_dir: Path) -> None:
    v = value(
        load_case(
            _case(
                evidence_dir,
                patent_evidence={"cycle_time_file": "ct.csv", "cycle_time_code": "G06N"},
            )
        )
    )
    a = {x.name: x.value for x in v.assumptions}
    assert a["patent.cycle_time.q2"] == 3.0 and "patent.claims" not in a
    # no legal term, no economic life, no terminal value: nothing to compare with Q3
    assert "economic_life_beyond_cycle_time" not in _codes(v)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"patent_evidence__patent_id": "P9"}, "patent_evidence.patent_id", "'P9' is not"),
        (
            {"patent_evidence__indicators_file": "nope.csv"},
            "patent_evidence.indicators_file",
            "file not found",
        ),
        (
            {"patent_evidence__indicators_file": "ind.txt"},
            "patent_evidence.indicators_file",
            "file not found",
        ),
        (
            {"patent_evidence__quality_indicator": "pai"},
            "patent_evidence.indicators_file",
            "required column pai is missing",
        ),
        (
            {"patent_evidence__cycle_time_code": "B65D"},
            "patent_evidence.cycle_time_code",
            "'B65D' is not a code",
        ),
        (
            {"patent_evidence__cycle_time_code": "A01B"},
            "patent_evidence.cycle_time_code",
            "q1 is empty",
        ),
        (
            {"asset__classes": [{"scheme": "IPC", "code": "B65D 1/00"}]},
            "patent_evidence.cycle_time_code",
            "no subclass of asset.classes (B65D)",
        ),
    ],
)
def test_bad_evidence_exits_2(
    run_cli: Any, evidence_dir: Path, changes: dict[str, Any], field: str, rule: str
) -> None:
    code, out, err = run_cli("value", _case(evidence_dir, **changes), "--json")
    assert code == 2 and out == "" and "Traceback" not in err
    assert field in err and rule in err, err


def test_duplicate_subject(evidence_dir: Path) -> None:
    with open(evidence_dir / "ind.csv", "a") as f:
        f.write("P1,2015-03-03,2013-01-10,4,10,20,2015 H,true,2033-01-10,8.0,0.6\n")
    with pytest.raises(InputError, match="appears 2 times") as e:
        value(load_case(_case(evidence_dir)))
    assert e.value.field == "patent_evidence.patent_id"


def test_non_numeric_column(evidence_dir: Path) -> None:
    text = (evidence_dir / "ind.csv").read_text().replace(",20,2015 H", ",many,2015 H", 1)
    (evidence_dir / "ind.csv").write_text(text)
    with pytest.raises(InputError, match="column claims must be numeric"):
        value(load_case(_case(evidence_dir)))


def test_wrong_kind_sidecar(evidence_dir: Path) -> None:
    side = evidence_dir / "ind.csv.meta.json"
    side.write_text(side.read_text().replace('"indicators"', '"cycle_time"'))
    with pytest.raises(InputError, match="its provenance says kind 'cycle_time'") as e:
        value(load_case(_case(evidence_dir)))
    assert e.value.field == "patent_evidence.indicators_file"


def test_broken_sidecar(evidence_dir: Path) -> None:
    (evidence_dir / "ind.csv.meta.json").write_text("{not json")
    with pytest.raises(InputError, match="is not valid JSON"):
        value(load_case(_case(evidence_dir)))


def test_portfolio_refuses_a_header_patent_id(run_cli: Any, evidence_dir: Path) -> None:
    # a portfolio's patents are named per asset (tests/evidence/test_evidence_portfolio.py)
    doc = {k: v for k, v in CASE.items() if k not in ("asset", "approaches")}
    doc["assets"] = [{"asset": CASE["asset"], "approaches": CASE["approaches"]}]
    code, _, err = run_cli("value", _case(evidence_dir, doc))
    assert code == 2 and "assets.<i>.patent_evidence.patent_id" in err


def test_cli_prints_evidence_table(run_cli: Any, evidence_dir: Path) -> None:
    code, out, _ = run_cli("value", _case(evidence_dir))
    assert code == 0
    assert "Evidence: patent P1 (cohort 2015 H)" in out
    line = next(ln for ln in out.splitlines() if "claims" in ln)
    assert "62%" in line and "17.5" in line  # cohort 62.5 % → "62%" (format rounds half even)
    assert "Cycle time IPC H01M" in out
    code, out, _ = run_cli("value", _case(evidence_dir), "--json")
    data = json.loads(out)
    assert data["trace"][0]["step"] == "patent_evidence"
    assert any(a["name"] == "patent.claims" for a in data["assumptions"])
