"""``ipvalue score CASE --framework …``: JSON output, exit codes, bad input named by field."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipvalue import cli
from ipvalue.api_python import read_case_data

EX = Path(__file__).resolve().parents[2] / "examples/jurisdictions"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


_REGISTERED: list[bool] = []


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``ipvalue score …`` in process through ``cli.main`` (its exit-code mapping).

    Commands are registered once per process, as in a real run; main's re-registration is
    skipped so that repeated calls do not pile up duplicate commands.
    """
    if not _REGISTERED:
        cli._register_all()
        _REGISTERED.append(True)
    monkeypatch.setattr(cli, "_register_all", lambda: None)

    def _run(*args: str) -> Run:
        capsys.readouterr()
        try:
            cli.main(["score", *args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return _run


def _write(tmp_path: Path, data: dict[str, Any], name: str = "case.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


def test_jp_bank_json(run: Any) -> None:
    out = run(str(EX / "jp_bank_assessment.yaml"), "--framework", "jp-bank", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    # ratings 4, 4, 3, 4, 5 -> mean 4.0 -> A
    assert res["score"] == pytest.approx(4.0) and res["grade"] == "A"
    assert [d["grade"] for d in res["detail"]["dimensions"]] == ["A", "A", "B", "A", "S"]
    assert res["detail"]["value_order_of_magnitude"] == 8
    tmf = res["technology_market_finance"]
    # TRL 8 -> 87.5; superiority 4 -> 75; protection 4 -> 75: (87.5 + 75 + 75)/3
    assert tmf["axes"]["technology"] == pytest.approx(237.5 / 3)
    assert "platform model" in tmf["model_label"]


def test_gbt42748_and_ipscore_json(run: Any) -> None:
    gbt = json.loads(
        run(str(EX / "cn_split_rate.yaml"), "--framework", "gbt42748", "--json").stdout
    )
    legal = (80 + 70 + 75 + 60 + 85 + 40 + 50) / 7
    technical = (80 + 75 + 70 + 60 + 65 + 70) / 6
    economic = (70 + 80 + 55 + 50 + 85) / 5
    assert gbt["score"] == pytest.approx((legal + technical + economic) / 3)
    codes = {w["code"] for w in gbt["detail"]["warnings"]}
    assert "GBT42748_WEIGHTS_NOT_STANDARD" in codes
    ips = json.loads(
        run(str(EX / "jp_bank_assessment.yaml"), "--framework", "ipscore", "--json").stdout
    )
    assert len(ips["detail"]["ratings"]) == 40
    # A2: 13.9 years within limits 2..15 -> 1 + 4·11.9/13
    assert ips["detail"]["ratings"]["A2"] == pytest.approx(1 + 4 * 11.9 / 13)
    assert len(ips["detail"]["radar"]) == 5


def test_smart_with_population_file(run: Any, tmp_path: Path) -> None:
    data = copy.deepcopy(dict(read_case_data(EX / "kr_technology_contribution.yaml")))
    (tmp_path / "pop.csv").write_text(
        "sector,score\n"
        + "".join(f"electrical_engineering,{v}\n" for v in range(0, 100))
        + "chemistry,99\n"
    )
    data["framework_inputs"]["KR"]["smart"]["population"] = "pop.csv"
    out = run(str(_write(tmp_path, data)), "--framework", "smart", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    # ratings give rights 25/40, technology 16.25/20, usability 25/40:
    # 35·0.625 + 35·0.8125 + 30·0.625 = 69.0625 -> 70 of 100 below -> 70 % in (60, 77]
    assert res["score"] == pytest.approx(69.0625)
    assert res["stanine"] == 6 and res["grade"] == "BBB"


@pytest.mark.parametrize(
    ("patch", "framework", "field"),
    [
        (
            {"JP": {"bank": {"dimensions": {"validity": {"rating": 7}}}}},
            "jp-bank",
            "framework_inputs.JP.bank.dimensions.validity.rating",
        ),
        ({"IPSCORE": {"answers": {"B3": 9}}}, "ipscore", "framework_inputs.IPSCORE.answers.B3"),
        (
            {
                "CN": {
                    "gbt42748": {
                        "weights": {
                            "dimension_weights": {"legal": 0.5, "technical": 0.5, "economic": 0.5}
                        }
                    }
                }
            },
            "gbt42748",
            "framework_inputs.CN.gbt42748.weights.dimension_weights",
        ),
    ],
)
def test_bad_input_exit_2_names_field(
    run: Any, tmp_path: Path, patch: dict[str, Any], framework: str, field: str
) -> None:
    src = "cn_split_rate.yaml" if framework == "gbt42748" else "jp_bank_assessment.yaml"
    data = copy.deepcopy(dict(read_case_data(EX / src)))

    def merge(dst: dict[str, Any], upd: dict[str, Any]) -> None:
        for k, v in upd.items():
            if isinstance(v, dict) and isinstance(dst.get(k), dict):
                merge(dst[k], v)
            else:
                dst[k] = v

    merge(data["framework_inputs"], patch)
    out = run(str(_write(tmp_path, data)), "--framework", framework)
    assert out.returncode == 2
    assert field in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_block_and_unknown_framework(run: Any) -> None:
    out = run(str(EX / "cn_split_rate.yaml"), "--framework", "smart")
    assert out.returncode == 2 and "framework_inputs.KR.smart" in out.stderr
    assert run(str(EX / "cn_split_rate.yaml"), "--framework", "dcf").returncode == 2
