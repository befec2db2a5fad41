"""score_case adapter: blocks, population files, custom SMART configuration, JSON safety."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks.scoring import SCORE_FRAMEWORKS, score_case

EX = Path(__file__).resolve().parents[2] / "examples/jurisdictions"


def _kr() -> dict[str, Any]:
    return copy.deepcopy(dict(read_case_data(EX / "kr_technology_contribution.yaml")))


def _smart(tmp_path: Path, **over: Any) -> dict[str, Any]:
    data = _kr()
    data["framework_inputs"]["KR"]["smart"].update(over)
    return score_case(ipvalue.load_case(data), "smart", base_dir=tmp_path)


def test_frameworks_listed() -> None:
    assert SCORE_FRAMEWORKS == ("smart", "gbt42748", "ipscore", "jp-bank")


def test_inline_population_and_json_safe(tmp_path: Path) -> None:
    pop = [["chemistry", float(v)] for v in range(50)] + [
        ["electrical_engineering", float(v)] for v in range(60, 80)
    ]
    res = _smart(tmp_path, population=pop)
    # 69.0625 among electrical scores 60..79: 10 below -> 50 % -> stanine 5
    assert res["stanine"] == 5 and res["detail"]["population_size"] == 20
    json.dumps(res, allow_nan=False)


@pytest.mark.parametrize(
    ("content", "field", "rule"),
    [
        ("sector,value\nchemistry,1\n", "framework_inputs.KR.smart.population", "columns"),
        ("sector,score\nchemistry,1\nchemistry,abc\n", "pop.csv:3", "finite"),
        ("sector,score\nchemistry,1\nchemistry,inf\n", "pop.csv:3", "finite"),
    ],
)
def test_bad_population_file(tmp_path: Path, content: str, field: str, rule: str) -> None:
    (tmp_path / "pop.csv").write_text(content)
    with pytest.raises(InputError) as e:
        _smart(tmp_path, population="pop.csv")
    assert e.value.field == field and rule in e.value.rule


def test_missing_population_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        _smart(tmp_path, population="none.csv")


def test_custom_group_weights_need_source(tmp_path: Path) -> None:
    w = {"rights": 40, "technology": 30, "usability": 30}
    with pytest.raises(InputError) as e:
        _smart(tmp_path, group_weights=w)
    assert e.value.field == "framework_inputs.KR.smart.group_weights_source"
    res = _smart(tmp_path, group_weights=w, group_weights_source="bank policy")
    # 40·0.625 + 30·0.8125 + 30·0.625 = 25 + 24.375 + 18.75
    assert res["score"] == pytest.approx(68.125)


def test_bad_smart_values_name_case_fields(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        _smart(
            tmp_path,
            group_weights={"rights": 50, "technology": 30, "usability": 30},
            group_weights_source="x",
        )
    assert e.value.field == "framework_inputs.KR.smart.group_weights"
    with pytest.raises(InputError) as e:
        _smart(tmp_path, unknown_key=1)
    assert e.value.field == "framework_inputs.KR.smart.unknown_key"
    with pytest.raises(InputError) as e:
        _smart(tmp_path, sector="space")
    assert e.value.field == "framework_inputs.KR.smart.sector"


def test_gbt_custom_config_relative_to_case(tmp_path: Path) -> None:
    from ipvalue.frameworks.cn import SHIPPED_CONFIG

    text = SHIPPED_CONFIG.read_text(encoding="utf-8").replace('version: "1"', 'version: "7"')
    (tmp_path / "tree.yaml").write_text(text, encoding="utf-8")
    data = copy.deepcopy(dict(read_case_data(EX / "cn_split_rate.yaml")))
    data["framework_inputs"]["CN"]["gbt42748"]["config"] = "tree.yaml"
    res = score_case(ipvalue.load_case(data), "gbt42748", base_dir=tmp_path)
    assert res["detail"]["config_version"] == "7"
