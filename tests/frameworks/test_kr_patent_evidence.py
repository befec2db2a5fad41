"""KR Model I life from ``patent_evidence.cycle_time_file`` (seam 1 of issue 4)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import require_shared_data

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks import get
from ipvalue.model.case import ValuationCase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/jurisdictions/kr_technology_contribution.yaml"
USPTO_XML = ROOT.parent / "shared/data/patents/uspto-xml"

HAND = (
    '"scheme","code","n_patents","n_ages","q1","q2","q3","mean"\n'
    '"IPC","H01M",3,120,5.0,9.0,13.0,9.5\n'
    '"CPC","H01M",3,118,4.0,8.0,12.0,8.5\n'
    '"IPC","G06F",7,47,3.0,6.0,8.0,6.2\n'
    '"WIPO","1",9,300,6.0,10.0,14.0,10.1\n'
)


def _data(tmp: Path, ct: Path | None, code: str | None = None) -> dict[str, Any]:
    data = copy.deepcopy(dict(read_case_data(EXAMPLE)))
    life = data["framework_inputs"]["KR"]["life"]
    del life["quartiles"]  # S = 68 stays
    data["approaches"][0]["cash_flows"] += [2.5e9] * 10  # room for lives up to 20 y
    if ct is not None:
        pe: dict[str, Any] = {"cycle_time_file": str(ct)}
        if code is not None:
            pe["cycle_time_code"] = code
        data["patent_evidence"] = pe
    return data


def _resolve(data: dict[str, Any]) -> Any:
    case = ipvalue.load_case(data)
    assert isinstance(case, ValuationCase)
    return get("KR").resolve(case)


def _hand(tmp_path: Path) -> Path:
    f = tmp_path / "ct.csv"
    f.write_text(HAND, encoding="utf-8")
    return f


def test_default_code_is_first_asset_subclass_under_its_scheme(tmp_path: Path) -> None:
    res = _resolve(_data(tmp_path, _hand(tmp_path)))
    p = {x.name: x for x in res.parameters}
    # asset class IPC "H01M 10/0562" -> IPC H01M row: Q 5/9/13; S = 68 ≥ 60:
    # L = 9 + (13 − 9)·(68 − 60)/40 = 9.8 y
    assert p["economic_life_years"].value == pytest.approx(9.8)
    assert p["economic_life_years"].path == "asset.economic_life_years"
    assert "ct.csv, IPC H01M (n_ages=120" in p["economic_life_years"].source
    assert p["cycle_time_row"].value == "IPC H01M"
    assert "first subclass of asset.classes" in p["cycle_time_row"].source
    assert "provenance unknown" in p["economic_life_years"].source  # no sidecar


def test_named_code_and_wipo_field(tmp_path: Path) -> None:
    p = {x.name: x for x in _resolve(_data(tmp_path, _hand(tmp_path), "G06F")).parameters}
    assert p["economic_life_years"].value == pytest.approx(6 + (8 - 6) * 8 / 40)  # 6.4
    p = {x.name: x for x in _resolve(_data(tmp_path, _hand(tmp_path), "1")).parameters}
    assert p["economic_life_years"].value == pytest.approx(10 + (14 - 10) * 8 / 40)  # 10.8
    assert p["cycle_time_row"].value == "WIPO 1"


def test_framework_file_wins_over_patent_evidence(tmp_path: Path) -> None:
    data = _data(tmp_path, _hand(tmp_path))
    data["framework_inputs"]["KR"]["life"]["quartiles"] = {
        "q1": 4.0,
        "q2": 7.0,
        "q3": 12.0,
        "source": "valuer",
    }
    p = {x.name: x for x in _resolve(data).parameters}
    assert p["economic_life_years"].value == pytest.approx(8.0)
    assert "cycle_time_row" not in p


def test_n_ages_must_back_the_quartiles(tmp_path: Path) -> None:
    f = tmp_path / "ct.csv"
    f.write_text(HAND.replace('"IPC","H01M",3,120', '"IPC","H01M",3,0'), encoding="utf-8")
    with pytest.raises(InputError) as e:
        _resolve(_data(tmp_path, f))
    assert e.value.field == "patent_evidence.cycle_time_file:IPC/H01M.n_ages"


def test_errors_name_patent_evidence(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        _resolve(_data(tmp_path, _hand(tmp_path), "A61K"))
    assert e.value.field == "patent_evidence.cycle_time_code"
    data = _data(tmp_path, _hand(tmp_path))
    data["asset"]["classes"] = [{"scheme": "IPC", "code": "A61K 31/00"}]
    with pytest.raises(InputError) as e:
        _resolve(data)
    assert e.value.field == "patent_evidence.cycle_time_code" and "A61K" in e.value.rule
    with pytest.raises(InputError) as e:
        _resolve(_data(tmp_path, None))
    assert e.value.field == "framework_inputs.KR.life.quartiles"
    with pytest.raises(InputError) as e:
        _resolve(_data(tmp_path, tmp_path / "missing.csv"))
    assert e.value.field == "patent_evidence.cycle_time_file"


def test_real_cycle_time_file_from_uspto_xml(tmp_path: Path, run_cli: Any) -> None:
    src = require_shared_data(USPTO_XML)
    out = tmp_path / "ct.csv"
    code, _, _ = run_cli(
        "patents", "cycle-time", "--source", str(src), "--format", "uspto-xml", "--out", str(out)
    )
    assert code == 0
    import pandas as pd

    frame = pd.read_csv(out, dtype={"code": str})
    row = frame[(frame.scheme == "IPC") & (frame.code == "H01M")].iloc[0]
    res = _resolve(_data(tmp_path, out))
    # S = 68: L = Q2 + (Q3 − Q2)·8/40, capped at Q3 (cannot bind for S ≤ 100)
    expected = row.q2 + (row.q3 - row.q2) * 0.2
    assert res.parameter("economic_life_years").value == pytest.approx(expected)
    src = res.parameter("economic_life_years").source
    assert f"n_ages={int(row.n_ages)}" in src
    # the sidecar written by the command is cited: kind, version, time, data cutoff
    assert "cycle_time by ipvalue" in src and "data cutoff 20" in src


def test_patent_evidence_example_by_hand() -> None:
    import math

    from ipvalue.frameworks._valuate import value_under

    ex = ROOT / "examples/jurisdictions/kr_patent_evidence.yaml"
    case = ipvalue.load_case(ex)
    assert isinstance(case, ValuationCase)
    run = value_under(case, "KR")
    p = {x.name: x for x in run.resolved.parameters}
    # IPC H01L row of the packaged cycle-time file (real USPTO XML samples)
    q1, q2, q3 = 2.6119096509240247, 5.025325119780972, 9.156741957563312
    life = q2 + (q3 - q2) * (68 - 60) / 40  # 5.8516 y
    assert p["economic_life_years"].value == pytest.approx(life, rel=1e-12)
    assert q1 < q2 and "IPC H01L (n_ages=86" in p["economic_life_years"].source
    # auto-scores: 5.85 y in [4, 6) -> 2; Q2 5.03 ≤ 6 -> 1; immediate -> 5; 59 given points
    assert [
        p[f"strength_auto_score.{k}"].value
        for k in ("economic_life", "obsolescence_risk", "commercialisation_lead_time")
    ] == [2, 1, 5]
    cc = 0.55 * 0.8 * (59 + 2 + 1 + 5) / 100
    assert p["technology_contribution"].value == pytest.approx(cc)
    trp = -0.0709 * math.log(32 / 10 - 1) + 0.1001
    r = 0.06 * 0.3 + (0.115 + 0.035) * 0.7 + trp
    fcf = [1.2e9, 2.4e9, 3.6e9, 4.2e9, 4.5e9, 4.6e9]
    expected = sum(fcf[t - 1] * cc / (1 + r) ** t for t in range(1, 6))
    expected += (life - 5) * fcf[5] * cc / (1 + r) ** life  # final fraction at t = L
    assert run.valuation.value == pytest.approx(expected, rel=1e-12)
    assert "strength_evidence.right_stability" in p  # bwd_cits percentile shown beside it
