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
    expected = (
        0.6 * values["relief_from_royalty"]
        + 0.3 * values["market_comparables"]
        + 0.1 * values["cost"]
    )
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


def test_patent_evidence_rfr_by_hand() -> None:
    # Σ_t Rev_t · 3 % · (1 − 35 %) / 1.14^t over the 9-year forecast (economic life 9 y caps
    # nothing); no TAB, no TV.
    revenue = [20e6, 22e6, 24e6, 25e6, 25e6, 24e6, 22e6, 19e6, 15e6]
    expected = sum(r * 0.03 * 0.65 / 1.14 ** (t + 1) for t, r in enumerate(revenue))
    assert expected == pytest.approx(2_134_411.98, abs=0.01)
    v = _value("patent_evidence_rfr.yaml")
    assert v.value == pytest.approx(expected, rel=1e-13)
    a = {x.name: x for x in v.assumptions}
    # legal term from the file's expiry 2024-02-24: 3891 days / 365.25 at 2013-06-30
    assert a["asset.remaining_legal_term_years"].value == pytest.approx(3891 / 365.25, rel=1e-15)
    assert "uspto_sample_indicators.csv" in a["asset.remaining_legal_term_years"].source
    assert a["patent.cycle_time.q3"].value == pytest.approx(9.1567, abs=1e-4)  # IPC H01L
    assert a["patent.claims"].value == 28.0
    # cohort: granted 2006; first IPC code H01L 23/12 → WIPO field 8 Semiconductors (derived at
    # import from the concordance, USPTO XML carrying no field)
    assert v.trace[0].step == "patent_evidence" and v.trace[0].detail["cohort"] == "2006 field 8"
    assert not [w for w in v.warnings if w.code.startswith(("evidence_", "economic_life"))]


def test_patent_evidence_market_ratio_by_hand() -> None:
    # V = (1/4) Σ X_i · Q / Q_i with Q = quality_index of 6982482 and Q_i of each comparable,
    # read from the indicators file. Each quality index is the mean of two components here:
    # fwd_cits5 (0 everywhere in these cohorts: p99 0 → score 0) and claims / cohort p99
    # (capped at 1); family size and generality are empty. Cohort claims, p99 by linear
    # interpolation at 0.99·(n − 1):
    #   6982482 2006 field 8 [1, 28]: p99 27.73 ≤ 28 → Q = (0 + 1)/2 = 0.5
    #   6838391 2005 field 8 [18, 24, 38]: p99 = 24 + 0.98·14 = 37.72 → Q_1 = (24/37.72)/2
    #   6838741 same cohort, 38 ≥ 37.72 → 0.5; 7473606 2009 field 8 [16, 17] → 0.5;
    #   8089078 2012 field 8 [17, 18] → 0.5
    # V = (1.2 m · 0.5 · 37.72/12 + 1.5 m + 1.35 m + 1.4 m) / 4
    #   = (1,886,000 + 1,500,000 + 1,350,000 + 1,400,000) / 4 = 1,534,000
    import pyarrow.csv as pacsv

    t = pacsv.read_csv(
        EXAMPLES / "data" / "uspto_sample_indicators.csv",
        convert_options=pacsv.ConvertOptions(column_types={"patent_id": "string"}),
    )
    q = dict(
        zip(t.column("patent_id").to_pylist(), t.column("quality_index").to_pylist(), strict=True)
    )
    prices = {"6838391": 1.2e6, "6838741": 1.5e6, "7473606": 1.35e6, "8089078": 1.4e6}
    expected = sum(x * q["6982482"] / q[p] for p, x in prices.items()) / 4
    assert expected == pytest.approx(1_534_000.00, abs=0.01)
    v = _value("patent_evidence_market_ratio.yaml")
    assert v.value == pytest.approx(expected, rel=1e-13)
    assert (v.range.low, v.range.high) == (
        pytest.approx(1_350_000.00, abs=0.01),
        pytest.approx(1_886_000.00, abs=0.01),
    )
    names = {a.name for a in v.assumptions}
    assert {"approaches.0.subject_quality", "approaches.0.comparables.3.quality_score"} <= names


def test_portfolio_patent_evidence_by_hand() -> None:
    # Each asset Σ_t Rev_t · royalty · (1 − 35 %) / (1 + r)^t (end-year, no TAB, no TV), with
    # the income period capped by the shorter of legal term and economic life.
    v = _value("portfolio_patent_evidence.yaml")
    got = {a.id: a.value for a in v.assets}
    # US-6982482: term from expiry 2024-02-24: L = 3891 / 365.25 = 10.653 y caps the 12-year
    # forecast: years 1–10 whole, year 11 earns f = L − 10 of its flow at 10 + f.
    L = 3891 / 365.25
    f = L - 10
    a = 10e6 * 0.03 * 0.65 * (sum(1.14**-t for t in range(1, 11)) + f * 1.14 ** -(10 + f))
    assert got["US-6982482"] == pytest.approx(a, rel=1e-12)
    # US-6983169: term 3708 / 365.25 = 10.15 y filled, economic life 8 y caps 10 years
    b = sum(6e6 * 1.05 ** (t - 1) * 0.025 * 0.65 / 1.15**t for t in range(1, 9))
    assert got["US-6983169"] == pytest.approx(b, rel=1e-12)
    # US-6982130: case term 12 kept (file 10.94 y: legal_term_mismatch); economic life 7 y
    c = sum(4e6 * 0.04 * 0.65 / 1.15**t for t in range(1, 8))
    assert got["US-6982130"] == pytest.approx(c, rel=1e-12)
    # US-7643624: term 14.25 y filled, beyond its 8-year forecast and economic life 8: no cap
    d = sum(5e6 * 0.03 * 0.65 / 1.16**t for t in range(1, 9))
    assert got["US-7643624"] == pytest.approx(d, rel=1e-12)
    e = sum(20e6 * 1.02 ** (t - 1) * 0.01 * 0.65 / 1.13**t for t in range(1, 6))
    assert got["TM-001"] == pytest.approx(e, rel=1e-12)
    assert v.value == pytest.approx(a + b + c + d + e, rel=1e-12)
    s = v.trace[0].detail
    assert (s["assets_with_evidence"], s["assets_without_evidence"], s["legal_term_filled"]) == (
        4,
        1,
        3,
    )
    assert s["warnings_by_code"] == (
        "citation_window_incomplete 1, economic_life_beyond_cycle_time 1, legal_term_mismatch 1"
    )
    rows = {r["asset"]: r for r in v.trace[0].rows}
    assert rows["US-6982482"]["legal_term_years_at_valuation_date"] == L
    assert rows["US-6983169"]["legal_term_years_at_valuation_date"] == 3708 / 365.25
    assert rows["US-6982130"]["legal_term_filled"] is False
    # quality 0.5 in the cohort 2006 field 8 of two: the other grant (1 claim) scores
    # (0 + 1/27.73)/2 = 0.018: 1 below, itself equal -> 1.5 / 2
    assert rows["US-6982482"]["quality_cohort_percentile"] == 1.5 / 2
