"""Every example case runs through the CLI (exit 0, public JSON keys) and the simple ones
reproduce values computed by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(EXAMPLES.glob("*.yaml"))
KEYS = {"value", "currency", "range", "approaches", "assumptions", "warnings", "trace"}


def test_examples_cover_every_method_and_ip_type() -> None:
    from ipvalue.api_python import load_case
    from ipvalue.model import METHODS

    methods: set[str] = set()
    types: set[str] = set()
    for f in FILES:
        case = load_case(f)
        items = getattr(case, "assets", None) or [case]
        for item in items:
            types.add(item.asset.type)
            methods.update(a.method for a in item.approaches)
    assert methods == set(METHODS)
    assert types == {"patent", "trademark", "copyright", "trade_secret", "data_asset"}
    assert (EXAMPLES / "relief_from_royalty_patent.yaml").exists()


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_example_runs_via_cli(run_cli: Any, path: Path) -> None:
    code, out, err = run_cli("value", path, "--json", "--seed", "7")
    assert code == 0, err
    data = json.loads(out)
    assert data.keys() >= KEYS
    assert math.isfinite(data["value"])
    assert data["range"]["low"] <= data["value"] <= data["range"]["high"]


def _value(name: str, **kw: Any) -> Any:
    from ipvalue import load_case, value

    return value(load_case(EXAMPLES / name), **kw)


def test_rfr_patent_by_hand() -> None:
    # After-tax royalty: revenue × 4 % × (1 − 26.5 %) = revenue × 0.0294 (KR CIT from refdata).
    # End-year factors 1.12^-t; economic life 8 y > 5-y forecast: no cap, no TV, no TAB.
    revenue = [12e9, 15e9, 18e9, 20e9, 21e9]
    expected = sum(r * 0.04 * (1 - 0.265) / 1.12 ** (t + 1) for t, r in enumerate(revenue))
    # 315,000,000 + 351,562,500 + 376,674,107.14 + 373,684,630.10 + 350,329,340.72
    assert expected == pytest.approx(1_767_250_577.97, abs=0.01)
    v = _value("relief_from_royalty_patent.yaml")
    assert v.value == pytest.approx(expected, rel=1e-13)
    assert v.currency == "KRW"
    tax = next(a for a in v.assumptions if a.name == "approaches.0.tax_rate")
    assert tax.value == 0.265 and "country_parameters/KR" in tax.source


def test_with_and_without_by_hand() -> None:
    # ΔI = 140, 130, 40, 20 (INR m); × (1 − 25.168 % IN CIT) ; ÷ 1.16^t
    v = _value("with_and_without_patent.yaml")
    tax = next(a.value for a in v.assumptions if a.name == "approaches.0.tax_rate")
    delta = [140e6, 130e6, 40e6, 20e6]
    expected = sum(d * (1 - tax) / 1.16 ** (t + 1) for t, d in enumerate(delta))
    assert v.value == pytest.approx(expected, rel=1e-13)


def test_cost_data_asset_by_hand() -> None:
    # RC = 3.8 + 0.6 + 15 % × 4.4 + 0.4 = 5.46 m; × (1 − 0)(1 − 0.20)(1 − 0.10) = 3.9312 m
    v = _value("cost_data_asset.yaml")
    assert v.value == pytest.approx(3_931_200.0, rel=1e-13)
    assert v.approaches[0].approach == "cost"


def test_market_comparables_by_hand() -> None:
    # V_A = 0.045 × 2.4 m × 0.9 × 1.0 = 97,200; V_B = 0.06 × 2.4 m × 0.8 × 0.9 = 103,680;
    # V_C = 0.04 × 2.4 m × 1.1 = 105,600; V = 0.5 V_A + 0.3 V_B + 0.2 V_C = 100,824
    v = _value("market_comparables_trademark.yaml")
    assert v.value == pytest.approx(100_824.0, rel=1e-13)
    assert (v.range.low, v.range.high) == pytest.approx((97_200.0, 105_600.0), rel=1e-13)


def test_multi_approach_reconciliation_by_hand() -> None:
    v = _value("multi_approach_trademark.yaml")
    values = {a.method: a.value for a in v.approaches}
    # cost: (2.5 + 0.5) bn × 1.1 = 3.3 bn; market: 30 bn × (0.6 × 0.025 × 1.1 + 0.4 × 0.035 × 0.9)
    assert values["cost"] == pytest.approx(3.3e9, rel=1e-13)
    assert values["market_comparables"] == pytest.approx(30e9 * (0.0165 + 0.0126), rel=1e-13)
    expected = 0.6 * values["relief_from_royalty"] + 0.3 * values["market_comparables"] \
        + 0.1 * values["cost"]
    assert v.value == pytest.approx(expected, rel=1e-14)
    assert any(w.code == "approaches_diverge" for w in v.warnings)


def test_portfolio_total_by_hand() -> None:
    v = _value("portfolio_patents.yaml")
    subtotal = math.fsum(a.value for a in v.assets)
    assert v.value == pytest.approx(subtotal * 1.05, rel=1e-15)
    assert v.synergy == pytest.approx(subtotal * 0.05, rel=1e-15)


def test_monte_carlo_example_is_seeded_and_reproducible() -> None:
    a = _value("monte_carlo_rfr_patent.yaml", paths=5000)
    b = _value("monte_carlo_rfr_patent.yaml", paths=5000)
    assert a.distribution is not None and b.distribution is not None
    assert a.distribution.seed == 20250630
    assert a.distribution.mean == b.distribution.mean
    assert a.distribution.n + a.distribution.rejected == 5000
    assert a.range.basis == "monte_carlo_p5_p95"
    assert a.sensitivity  # tornado bars for the uncertain inputs
