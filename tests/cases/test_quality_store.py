"""Quality checks as the store runs them: at save, on demand, recorded and audited."""

from __future__ import annotations

import json

import pytest
from cases_helpers import fake_evaluator, source
from sqlalchemy import Engine

import ipvalue.cases._store as _store
from ipvalue.cases import CaseStore, Evaluation, parse_source
from ipvalue.core.db import read_session


def test_deviation_at_save_names_the_compared_cases(store: CaseStore) -> None:
    for i, rate in enumerate((0.02, 0.03, 0.03, 0.04, 0.05), start=1):
        store.save(source(i, royalty=rate), org="acme", user="alice")
    r = store.save(source(6, royalty=0.08), org="acme", user="alice")
    (dev,) = [f for f in r.findings if f.code == "Q-DEV-ROYALTY_RATE"]
    # median .03, MAD .01: z = .05 / (1.4826 × .01) = 3.37 > 3
    assert dev.detail["z"] == pytest.approx(0.05 / 0.014826)
    assert sorted(p["case"] for p in dev.detail["peers"]) == [f"#{i}v1" for i in range(1, 6)]
    # the discount rate is the same everywhere: no deviation for it
    assert not [f for f in r.findings if f.code == "Q-DEV-DISCOUNT_RATE"]
    with read_session(store.engine) as s:
        stored = store.org(s, "acme").findings(r.version_id)
        assert "Q-DEV-ROYALTY_RATE" in {f.code for f in stored}
        assert {f.trigger for f in stored} == {"save"}


def test_org_threshold_setting_changes_the_deviation_check(store: CaseStore) -> None:
    for i, rate in enumerate((0.02, 0.03, 0.03, 0.04, 0.05), start=1):
        store.save(source(i, royalty=rate), org="acme", user="alice")
    store.set_setting(org="acme", user="alice", key="deviation_threshold", value="4")
    r = store.save(source(6, royalty=0.08), org="acme", user="alice")
    assert not [f for f in r.findings if f.code == "Q-DEV-ROYALTY_RATE"]


@pytest.mark.slow
def test_anomaly_over_the_case_base_flags_the_odd_case(store: CaseStore) -> None:
    for i in range(24):
        store.save(source(i, royalty=0.03 + 0.0005 * (i % 7)), org="acme", user="alice")
    normal = store.save(source(98, royalty=0.032), org="acme", user="alice")
    _store._STATES.clear()  # the next save runs as a fresh process would: index from disk
    odd = store.save(source(99, royalty=0.45), org="acme", user="alice")
    assert "Q-ANOM-001" not in {f.code for f in normal.findings}
    (anom,) = [f for f in odd.findings if f.code == "Q-ANOM-001"]
    # The index (and its forest) is rebuilt when appended rows pass 20 % of its rows: built at
    # 1, 2, 3, 4 cases, then 6 (2/6 > 0.2; 1/5 is not), 8, 11 (3/11), 14 (3/14), 18 (4/18),
    # 23 (5/23 = 0.217; 4/22 = 0.18 was not). With 25 stored (2/25 appended) the persisted
    # forest fitted on cases 1..23 is reused, not refitted.
    assert (anom.detail["cases"], anom.detail["fitted_through_version_id"]) == (23, 23)
    assert anom.detail["seed"] == 0 and anom.detail["beyond_range"] == ["royalty_rate"]


def test_method_rules_run_at_save(store: CaseStore) -> None:
    result = {
        "value": 100.0,
        "currency": "KRW",
        "approaches": [
            {"approach": "cost", "method": "cost", "value": 100.0, "weight": 0.7},
            {"approach": "income", "method": "relief_from_royalty", "value": 100.0, "weight": 0.3},
        ],
        "assumptions": [
            {"name": "approaches.1.royalty_rate", "value": 0.03, "source": "case file"}
        ],
        "trace": [{"detail": {"value": 100.0, "pv_terminal": 90.0}}],
    }
    text = "title: t\nasset: {type: patent}\nrevenue: [5]\nfake_result: " + json.dumps(result)
    r = store.save(parse_source(text, "t.yaml"), org="acme", user="alice")
    got = {f.code for f in r.findings}
    assert {"Q-METH-001", "Q-METH-002", "Q-METH-003", "Q-COMP-001"} <= got


def test_on_demand_check_recalculates_and_is_recorded(store: CaseStore, engine: Engine) -> None:
    store.save(source(1), org="acme", user="alice")
    findings = store.check(1, org="acme", user="alice")
    assert ("Q-CALC-000", "info") in {(f.code, f.severity) for f in findings}

    def drifted(case, seed=None) -> Evaluation:
        ev = fake_evaluator(case, seed)
        return Evaluation(
            ev.resolved,
            {**ev.result, "value": ev.result["value"] * 1.01},
            ev.software_version,
            ev.refdata_version,
        )

    findings = CaseStore(engine, evaluator=drifted).check(1, org="acme", user="alice")
    (calc,) = [f for f in findings if f.code == "Q-CALC-001"]
    assert calc.detail["stored"] == 250.0 and calc.detail["recomputed"] == pytest.approx(252.5)
    with read_session(engine) as s:
        repo = store.org(s, "acme")
        latest = repo.findings(repo.version(1).id)
        assert {f.trigger for f in latest} == {"check"}
        assert "Q-CALC-001" in {f.code for f in latest}
    assert store.export("acme")[-1]["action"] == "version.check"
    assert store.verify("acme").ok


def test_case_base_scan_flags_the_outlier_and_records_it(store: CaseStore) -> None:
    # 24 saves (the scan reads the stored case base), the last one odd
    for i in range(23):
        store.save(source(i, royalty=0.03 + 0.0005 * (i % 7)), org="acme", user="alice")
    store.save(source(99, royalty=0.45), org="acme", user="alice")
    flagged = store.scan_anomalies(org="acme", user="alice")
    assert 24 in {c for c, _, _ in flagged}
    assert all(f.code == "Q-ANOM-002" for _, _, f in flagged)
    assert len(flagged) <= 2  # contamination 5 % of 24 cases
    entry = store.export("acme")[-1]
    assert entry["action"] == "anomaly.scan" and "#24v1" in entry["payload"]["flagged"]
    with read_session(store.engine) as s:
        repo = store.org(s, "acme")
        assert [f.code for f in repo.findings(repo.version(24).id)] == ["Q-ANOM-002"]


def test_real_engine_monte_carlo_case_recalculates_with_its_seed(engine: Engine) -> None:
    from pathlib import Path

    from ipvalue.cases import read_source

    example = Path(__file__).resolve().parents[2] / "examples" / "monte_carlo_rfr_patent.yaml"
    store = CaseStore(engine)  # the real valuation engine
    r = store.save(read_source(example), org="acme", user="alice")
    with read_session(engine) as s:
        stored = json.loads(store.org(s, "acme").version(r.case_id).result_json)
    assert stored["distribution"]["seed"] is not None
    codes = {f.code for f in store.check(r.case_id, org="acme", user="alice")}
    assert "Q-CALC-000" in codes and "Q-CALC-001" not in codes


def test_unseeded_monte_carlo_records_the_drawn_seed_and_reproduces(engine: Engine) -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "monte_carlo_rfr_patent.yaml"
    text = example.read_text(encoding="utf-8").replace("  seed: 20250630\n", "")
    assert "seed:" not in text.split("simulation:")[1].split("correlations")[0]
    store = CaseStore(engine)
    r = store.save(parse_source(text, "mc.yaml"), org="acme", user="alice")
    codes = {f.code for f in store.check(r.case_id, org="acme", user="alice")}
    assert "Q-CALC-000" in codes and "Q-CALC-001" not in codes
