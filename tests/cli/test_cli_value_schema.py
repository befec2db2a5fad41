"""CLI contract: ``ipvalue value`` (summary and --json), ``ipvalue schema``, exit codes 0/2/1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RFR = EXAMPLES / "relief_from_royalty_patent.yaml"
MC = EXAMPLES / "monte_carlo_rfr_patent.yaml"


def test_value_json_has_public_keys(run_cli: Any) -> None:
    code, out, err = run_cli("value", RFR, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {
        "value",
        "currency",
        "range",
        "approaches",
        "assumptions",
        "warnings",
        "trace",
        "software_version",
        "refdata_version",
    } <= data.keys()
    assert set(data["range"]) >= {"low", "high"}
    assert set(data["approaches"][0]) >= {"approach", "method", "value", "weight"}
    assert all(
        {"name", "value", "unit", "source", "source_date", "confidence"} <= set(a)
        for a in data["assumptions"]
    )
    assert all(set(w) == {"code", "message"} for w in data["warnings"])
    assert data["currency"] == "KRW"


def test_value_json_distribution_when_simulated(run_cli: Any) -> None:
    code, out, _ = run_cli("value", MC, "--json", "--paths", "3000", "--seed", "42")
    assert code == 0
    d = json.loads(out)["distribution"]
    assert set(d) >= {"mean", "p5", "p50", "p95", "n", "seed"}
    assert d["seed"] == 42 and d["n"] + d["rejected"] == 3000


def test_value_summary_is_readable(run_cli: Any) -> None:
    code, out, _ = run_cli("value", RFR)
    assert code == 0
    assert "Concluded value: 1,767,250,578 KRW" in out
    assert "relief_from_royalty" in out and "Range" in out


def test_value_summary_shows_monte_carlo(run_cli: Any) -> None:
    code, out, _ = run_cli("value", MC, "--paths", "2000", "--seed", "1")
    assert code == 0 and "Monte Carlo: n = 2,000" in out and "seed 1" in out


@pytest.mark.parametrize("kind", ["case", "result"])
def test_schema(run_cli: Any, kind: str) -> None:
    code, out, _ = run_cli("schema", kind)
    assert code == 0
    schema = json.loads(out)
    text = json.dumps(schema)
    if kind == "case":
        assert "relief_from_royalty" in text and "real_option_binomial" in text
        assert "valuation_date" in text and "additionalProperties" in text
    else:
        assert {"value", "currency", "range", "approaches", "trace"} <= set(schema["properties"])


def test_schema_unknown_kind_is_usage_error(run_cli: Any) -> None:
    code, _, _ = run_cli("schema", "nonsense")
    assert code == 2


def test_unexpected_error_exits_1_without_traceback(run_cli: Any, monkeypatch: Any) -> None:
    import ipvalue.valuation.engine as engine

    def boom(*a: Any, **k: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "value", boom)
    code, _out, err = run_cli("value", RFR)
    assert code == 1 and "disk on fire" in err and "Traceback" not in err


def test_version_kept(run_cli: Any) -> None:
    from ipvalue import __version__

    code, out, _ = run_cli("version")
    assert code == 0 and out.strip() == __version__


def test_brackets_in_case_text_are_printed_literally(tmp_path: Path, run_cli: Any) -> None:
    # Rich would swallow "[b]" or "[tvl-app]" as markup: case ids and warnings are data
    import yaml

    root = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((root / "examples/relief_from_royalty_patent.yaml").read_text())
    data["id"] = "case [b]42[/b]"
    f = tmp_path / "case.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True))
    code, out, err = run_cli("value", str(f))
    assert code == 0, (out, err)
    assert "case [b]42[/b]" in out
    # the KR auto-score warnings cite their source as "[tvl-app]"
    code, out, err = run_cli("value", str(root / "examples/jurisdictions/kr_patent_evidence.yaml"))
    assert code == 0, (out, err)
    assert "[tvl-app]" in out
