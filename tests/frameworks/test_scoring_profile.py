"""Profiles' indicator weights in KR/CN/JP/IPscore scoring (case > profile > scoring default)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

import ipvalue
from ipvalue.api_python import read_case_data
from ipvalue.core.errors import InputError
from ipvalue.frameworks.profiles import parse_profile
from ipvalue.frameworks.scoring import score_case

EX = Path(__file__).resolve().parents[2] / "examples/jurisdictions"
PROFILE = {
    "name": "Bank A policy",
    "scope": "organisation",
    "organisation": "Bank A",
    "rationale": "credit committee 2025/03",
    "indicator_weights": {
        "smart": {"rights": 0.5, "technology": 0.3, "usability": 0.2},
        "gbt42748": {"legal": 0.4, "technical": 0.3, "economic": 0.3},
        "jp-bank": {
            "validity": 0.3,
            "exclusivity": 0.3,
            "detectability": 0.1,
            "market_fit": 0.2,
            "contribution": 0.1,
        },
    },
}


def _data(name: str) -> dict[str, Any]:
    return copy.deepcopy(dict(read_case_data(EX / name)))


def test_smart_group_weights_from_the_profile(tmp_path: Path) -> None:
    data = _data("kr_technology_contribution.yaml")
    del data["framework_inputs"]["KR"]["smart"]["group_weights"]
    res = score_case(
        ipvalue.load_case(data), "smart", base_dir=tmp_path, profile=parse_profile(PROFILE)
    )
    # group fractions of the example: rights 0.625, technology 0.8125, usability 0.625
    # 50·0.625 + 30·0.8125 + 20·0.625 = 31.25 + 24.375 + 12.5 = 68.125 (preset 35/35/30: 69.0625)
    assert res["score"] == pytest.approx(68.125, rel=1e-12)
    assert res["profile_weights"]["applied"] is True
    (w,) = [a for a in res["detail"]["assumptions"] if a["name"] == "smart.group_weights"]
    assert "Bank A policy" in w["source"] and "credit committee" in w["source"]


def test_smart_without_weights_or_profile_is_an_input_error(tmp_path: Path) -> None:
    data = _data("kr_technology_contribution.yaml")
    del data["framework_inputs"]["KR"]["smart"]["group_weights"]
    with pytest.raises(InputError) as exc:
        score_case(ipvalue.load_case(data), "smart", base_dir=tmp_path)
    assert exc.value.field == "framework_inputs.KR.smart.group_weights"


def test_case_weights_win_over_the_profile_and_the_result_says_so(tmp_path: Path) -> None:
    case = ipvalue.load_case(_data("kr_technology_contribution.yaml"))  # preset 35/35/30
    res = score_case(case, "smart", base_dir=tmp_path, profile=parse_profile(PROFILE))
    assert res["score"] == pytest.approx(69.0625, rel=1e-12)
    assert res["profile_weights"]["applied"] is False
    assert "take precedence" in res["profile_weights"]["note"]


def test_gbt42748_dimension_weights_from_an_inline_profile(tmp_path: Path) -> None:
    data = _data("cn_split_rate.yaml")
    base = score_case(ipvalue.load_case(data), "gbt42748", base_dir=tmp_path)
    dims = base["detail"]["dimensions"]
    data["profile"] = PROFILE  # the case's own profile is used without --profile
    res = score_case(ipvalue.load_case(data), "gbt42748", base_dir=tmp_path)
    expected = 0.4 * dims["legal"] + 0.3 * dims["technical"] + 0.3 * dims["economic"]
    assert res["score"] == pytest.approx(expected, rel=1e-12)
    assert res["detail"]["dimension_weights"] == {"legal": 0.4, "technical": 0.3, "economic": 0.3}
    (w,) = [a for a in res["detail"]["assumptions"] if a["name"] == "gbt42748.weights"]
    assert "Bank A policy" in w["source"]


def test_jp_bank_dimension_weights_from_the_profile(tmp_path: Path) -> None:
    data = _data("jp_bank_assessment.yaml")
    data["framework_inputs"]["JP"]["bank"]["dimensions"]["contribution"]["rating"] = 1
    case = ipvalue.load_case(data)
    # ratings 4, 4, 3, 4, 1 — equal weights: 16/5 = 3.2
    assert score_case(case, "jp-bank", base_dir=tmp_path)["score"] == pytest.approx(3.2)
    res = score_case(case, "jp-bank", base_dir=tmp_path, profile=parse_profile(PROFILE))
    # 0.3·4 + 0.3·4 + 0.1·3 + 0.2·4 + 0.1·1 = 1.2 + 1.2 + 0.3 + 0.8 + 0.1 = 3.6
    assert res["score"] == pytest.approx(3.6, rel=1e-12)
    (w,) = [a for a in res["detail"]["assumptions"] if a["name"] == "jp_bank.weights"]
    assert "validity 0.3" in w["value"] and "Bank A policy" in w["source"]


def test_profile_weights_that_do_not_fit_the_tree_name_the_profile(tmp_path: Path) -> None:
    bad = copy.deepcopy(PROFILE)
    bad["indicator_weights"]["jp-bank"] = {"validity": 0.5, "exclusivity": 0.5}
    case = ipvalue.load_case(_data("jp_bank_assessment.yaml"))
    with pytest.raises(InputError) as exc:
        score_case(case, "jp-bank", base_dir=tmp_path, profile=parse_profile(bad))
    assert exc.value.field == "profile.indicator_weights.jp-bank"


def test_profile_weights_must_sum_to_one() -> None:
    bad = copy.deepcopy(PROFILE)
    bad["indicator_weights"]["smart"] = {"rights": 0.5, "technology": 0.3, "usability": 0.3}
    with pytest.raises(InputError, match="sum to 1") as exc:
        parse_profile(bad)
    assert exc.value.field == "profile.indicator_weights"
