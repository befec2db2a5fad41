"""The jurisdiction examples of the IVS family and the compare example run end to end."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ipvalue

EX = Path(__file__).resolve().parents[2] / "examples" / "jurisdictions"
MINE = [
    "ivs_patent_rfr",
    "sg_patent_collateral",
    "hk_trademark_bilingual",
    "in_patent_icai",
    "au_patent",
]


@pytest.mark.parametrize("name", MINE)
def test_example_values_with_framework_warnings(name: str) -> None:
    val = ipvalue.value(ipvalue.load_case(EX / f"{name}.yaml"))
    assert math.isfinite(val.value) and val.value > 0
    codes = {w.code for w in val.warnings}
    assert "unconfirmed_parameter" in codes  # U parameters are never silent
    assert val.trace[0].step == "framework_resolution"


def test_sg_example_hand_computed() -> None:
    """r = 3.279 % + 4.33 % + 7 % = 14.609 %, T = 17 %, mid-year, no TAB (collateral):
    V = Σ_t Rev_t · 0.035 · (1 − 0.17) / 1.14609^(t − 0.5)."""
    rev = [8.0e6, 9.5e6, 11.0e6, 12.0e6, 12.5e6, 12.0e6, 11.0e6]
    r = 0.03279 + 0.0433 + 0.07
    expected = sum(x * 0.035 * 0.83 / (1 + r) ** (t - 0.5) for t, x in enumerate(rev, 1))
    val = ipvalue.value(ipvalue.load_case(EX / "sg_patent_collateral.yaml"))
    assert val.value == pytest.approx(expected, rel=1e-12)
    assert "requirement.sg_ip_financing_panel" in {w.code for w in val.warnings}


def test_hk_example_records_bilingual_requirement() -> None:
    val = ipvalue.value(ipvalue.load_case(EX / "hk_trademark_bilingual.yaml"))
    codes = {w.code for w in val.warnings}
    assert {"requirement.hk_bilingual_report", "requirement.iso10668_analyses"} <= codes


@pytest.mark.slow
def test_compare_cli_json_sums_and_order() -> None:
    def run(codes: str) -> dict[str, Any]:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "ipvalue",
                "compare",
                str(EX / "compare_battery_patent.yaml"),
                "--jurisdictions",
                codes,
                "--currency",
                "USD",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    a = run("KR,CN,JP,SG,IVS")
    assert a["currency"] == "USD" and a["baseline"] == "IVS"
    for att in a["attributions"]:
        parts = math.fsum(att["contributions"].values())
        assert parts + att["residual"] == pytest.approx(att["difference"], abs=1e-6)
        assert abs(att["residual"]) <= 1e-9 * max(1.0, abs(att["difference"]))
    fx = {v["framework"]: v["fx"]["source_date"] for v in a["values"] if v["fx"]}
    assert set(fx.values()) == {"2025-06-30"}  # the ECB rate of the valuation date
    b = run("SG,IVS,JP,CN,KR")
    key = lambda d: sorted((v["framework"], v["value"]) for v in d["values"])  # noqa: E731
    assert key(a) == key(b)
    assert sorted(json.dumps(x, sort_keys=True) for x in a["attributions"]) == sorted(
        json.dumps(x, sort_keys=True) for x in b["attributions"]
    )


def test_compare_cli_bad_jurisdiction_exit_2() -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipvalue",
            "compare",
            str(EX / "compare_battery_patent.yaml"),
            "--jurisdictions",
            "KR,ZZ",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert "--jurisdictions" in r.stderr and "ZZ" in r.stderr and "Traceback" not in r.stderr


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipvalue", *args], capture_output=True, text=True, timeout=120
    )


def test_frameworks_list_and_resolve_cli() -> None:
    r = _cli("frameworks", "list", "--json")
    assert r.returncode == 0, r.stderr
    codes = {x["code"]: x["available"] for x in json.loads(r.stdout)}
    assert all(codes[c] for c in ("IVS", "SG", "HK", "IN", "AU"))
    r = _cli("frameworks", "resolve", str(EX / "hk_trademark_bilingual.yaml"), "-f", "HK", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {x["code"] for x in out["requirements"]} >= {"hk_bilingual_report"}
    rate = next(p for p in out["parameters"] if p["name"] == "discount_rate")
    assert rate["value"] == pytest.approx(0.03755 + 0.0513 + 0.04) and rate["evidence"] == "U"
    r = _cli("frameworks", "resolve", str(EX / "hk_trademark_bilingual.yaml"), "-f", "XX")
    assert r.returncode == 2 and "unknown framework" in r.stderr


def test_compare_cli_missing_profile_exit_2() -> None:
    r = _cli(
        "compare",
        str(EX / "compare_battery_patent.yaml"),
        "-j",
        "SG",
        "--profile",
        "/nonexistent/profile.yaml",
    )
    assert r.returncode == 2 and "profile file not found" in r.stderr


def test_compare_explains_each_gap_with_its_drivers() -> None:
    from ipvalue import load_case
    from ipvalue.frameworks.compare import compare

    cmp = compare(load_case(EX / "compare_battery_patent.yaml"), "JP,CN,KR")
    jp = cmp.attribution_of("JP")
    # JP: 9 % bank hurdle rate vs the IVS build-up r_f + ERP + 6 % (KR data: 3.473 + 4.99 + 6)
    (rate,) = [d for d in jp.drivers["discount_rate"] if d.name == "approaches.0.discount_rate"]
    assert rate.baseline_value == pytest.approx(0.03473 + 0.0499 + 0.06, abs=1e-15)
    assert rate.value == 0.09 and rate.evidence == "input"
    (roy,) = jp.drivers["income"]
    assert (roy.baseline_value, roy.value, roy.evidence) == (0.037, 0.043, "S")
    assert "fx" not in jp.drivers and jp.contributions["fx"] == 0.0
    # a home-currency rate on KRW flows is named, KR's own-currency rate is not
    cn_note = [w for w in cmp.value_of("CN").warnings if w.code == "rate_currency_untranslated"]
    assert len(cn_note) == 1 and "CNY" in cn_note[0].message and "KRW" in cn_note[0].message
    assert "without a currency translation" in cn_note[0].message
    assert not [w for w in cmp.value_of("KR").warnings if w.code == "rate_currency_untranslated"]
    js = cmp.to_json_dict()
    # every framework's warnings are {code, message}, as in every other result
    (cn_json,) = [v for v in js["values"] if v["framework"] == "CN"]
    assert {"code": "rate_currency_untranslated", "message": cn_note[0].message} in cn_json[
        "warnings"
    ]
    for v in js["values"]:
        assert v["warnings"] and all(set(w) == {"code", "message"} for w in v["warnings"])
        assert all(w["code"] and w["message"] for w in v["warnings"])
    (jp_json,) = [a for a in js["attributions"] if a["framework"] == "JP"]
    assert jp_json["drivers"]["income"] == [
        {"name": "approaches.0.royalty_rate", "baseline": 0.037, "value": 0.043, "evidence": "S"}
    ]


def test_compare_cli_text_shows_factor_amounts_and_drivers_unabridged() -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipvalue",
            "compare",
            str(EX / "compare_battery_patent.yaml"),
            "--jurisdictions",
            "JP,IVS",
            "--currency",
            "USD",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert r.returncode == 0, r.stderr
    # KRW → USD at the ECB rate of 2025-06-30 (KRW 1588.21, USD 1.172 per EUR): the KRW
    # amounts are those formerly converted at the rounded 2024-12-31 cross 1474.78, so each
    # USD figure is the former one × 1474.78 × 1.172 / 1588.21 = × 1.0882957:
    # 436,236.97 → 474,754.83; 249,458.40 → 271,484.51; -80,500.47 → -87,608.32
    assert "JP − IVS = 474,754.83 USD" in r.stdout
    assert "271,484.51" in r.stdout and "290,878.63" in r.stdout and "-87,608.32" in r.stdout
    flat = " ".join(r.stdout.replace("│", " ").split())  # table cells wrap at 80 columns
    assert "0.043 [S]" in flat and "approaches.0.royalty_rate 0.037" in flat
    assert "…" not in r.stdout  # no truncated amount


@pytest.mark.parametrize(
    ("edit", "field", "rule"),
    [
        (
            lambda d: d["framework_inputs"]["KR"]["rate"].update(trp_score=200),
            "framework_inputs.KR.rate.trp_score",
            "must be in [10, 50]",
        ),
        (
            lambda d: d["framework_inputs"]["JP"].update(royalty_field="nonsense"),
            "framework_inputs.JP.royalty_field",
            "must be one of",
        ),
        (
            lambda d: d["framework_inputs"]["common"].update(
                method_weights={"income": 0.5, "market": 0.2}
            ),
            "framework_inputs.common.method_weights",
            "must sum to 1 (they sum to 0.7)",
        ),
        (lambda d: d["framework_inputs"].update(KR=5), "framework_inputs.KR", "valid dictionary"),
    ],
)
def test_compare_cli_bad_framework_inputs_exit_2(
    tmp_path: Path, edit: Any, field: str, rule: str
) -> None:
    import yaml

    from ipvalue.api_python import read_case_data

    data = dict(read_case_data(EX / "compare_battery_patent.yaml"))
    edit(data)
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True))
    r = _cli("compare", str(f), "--jurisdictions", "KR,JP,IVS")
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"{field}:" in r.stderr and rule in r.stderr and "Traceback" not in r.stderr


def test_kr_cn_jp_valuers_may_convert_at_their_own_rate() -> None:
    from ipvalue.api_python import read_case_data
    from ipvalue.frameworks.compare import compare
    from ipvalue.refdata import fx_rate

    data = dict(read_case_data(EX / "compare_battery_patent.yaml"))
    data["framework_inputs"]["JP"]["fx_rate"] = 0.105  # the bank's JPY per KRW
    case = ipvalue.load_case(data)
    cmp = compare(case, "JP", currency="USD")
    jp = cmp.value_of("JP")
    usd_per_jpy = fx_rate("JPY", "USD", case.valuation_date).as_float()
    assert jp.fx is not None and jp.fx.rate == pytest.approx(0.105 * usd_per_jpy, rel=1e-12)
    assert jp.value == pytest.approx(jp.value_case_currency * 0.105 * usd_per_jpy, rel=1e-12)
    a = cmp.attribution_of("JP")
    assert a.contributions["fx"] != 0.0
    (d,) = a.drivers["fx"]
    assert d.value == pytest.approx(0.105 * usd_per_jpy, rel=1e-12)
    assert math.fsum(a.contributions.values()) + a.residual == a.difference
    bad = dict(read_case_data(EX / "compare_battery_patent.yaml"))
    bad["framework_inputs"]["CN"]["fx_rate"] = -1
    from ipvalue.core.errors import InputError
    from ipvalue.frameworks import get

    with pytest.raises(InputError) as exc:
        get("CN").resolve(ipvalue.load_case(bad))
    assert exc.value.field == "framework_inputs.CN.fx_rate"


def test_compare_text_names_each_warning_code_once_with_its_frameworks() -> None:
    r = _cli("compare", str(EX / "compare_battery_patent.yaml"), "-j", "CN,JP")
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())  # Rich wraps long lines
    assert "warning CN [rate_currency_untranslated]: the discount rate" in text
    # a warning several frameworks carry is one line naming them all, with its code
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("warning ")]
    assert len(lines) == len(set(lines)) and all("[" in ln for ln in lines)
