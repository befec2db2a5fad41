"""Evidence files of stored versions: recorded at save, missing or changed files reported at check.

The store tests value the real example case ``examples/patent_evidence_rfr.yaml`` (indicators and
cycle-time files from USPTO samples) with the real engine, on copies of its files in a temporary
folder, so the files can then be changed or removed.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ipvalue.cases import CaseStore, engine_evaluator, read_source
from ipvalue.cases._evidence import (
    EvidenceRecord,
    check_evidence,
    file_fields,
    record_evidence,
    traced_hashes,
    with_recorded_paths,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_file_fields_walks_evidence_keys_and_assets() -> None:
    case = {
        "patent_evidence": {"indicators_file": "a.csv", "cycle_time_file": "", "patent_id": "1"},
        "framework_inputs": {"KR": {"life": {"cycle_time_file": "/abs/c.csv"}}},
        "asset": {"name_file": "not evidence.csv"},  # only the evidence keys are data files
        "assets": [{"patent_evidence": {"indicators_file": "b.parquet"}}],
    }
    assert list(file_fields(case)) == [
        ("patent_evidence.indicators_file", "a.csv"),
        ("framework_inputs.KR.life.cycle_time_file", "/abs/c.csv"),
        ("assets.0.patent_evidence.indicators_file", "b.parquet"),
    ]


def test_record_takes_the_traced_hash_and_hashes_the_rest(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x\n")
    b.write_text("patent_id\n1\n")
    case = {
        "patent_evidence": {
            "indicators_file": str(a),
            "cycle_time_file": str(b),
            "other_file": str(tmp_path / "never-read.csv"),
        }
    }
    # the engine's hash of a is what was valued, even if it is not today's (it is recorded as is)
    result = {
        "trace": [
            {
                "step": "patent_evidence",
                "detail": {"indicators.file": str(a), "indicators.sha256": "f" * 64},
            }
        ]
    }
    assert traced_hashes(result) == {str(a.resolve()): "f" * 64}
    recs = record_evidence(case, result)
    assert recs == [
        EvidenceRecord("patent_evidence.indicators_file", str(a.resolve()), "f" * 64),
        EvidenceRecord(
            "patent_evidence.cycle_time_file",
            str(b.resolve()),
            hashlib.sha256(b"patent_id\n1\n").hexdigest(),
        ),
    ]


def test_check_evidence_names_missing_and_changed_files(tmp_path: Path) -> None:
    same, changed = tmp_path / "same.csv", tmp_path / "changed.csv"
    same.write_text("a\n")
    changed.write_text("b\n")
    recs = [
        EvidenceRecord("f.same_file", str(same), hashlib.sha256(b"a\n").hexdigest()),
        EvidenceRecord("f.changed_file", str(changed), hashlib.sha256(b"old\n").hexdigest()),
        EvidenceRecord("f.gone_file", str(tmp_path / "gone.csv"), "0" * 64),
    ]
    found = check_evidence(recs)
    assert [(f.code, f.severity, f.field) for f in found] == [
        ("evidence_file_changed", "error", "f.changed_file"),
        ("evidence_file_missing", "error", "f.gone_file"),
    ]
    assert found[0].detail["current_sha256"] == hashlib.sha256(b"b\n").hexdigest()
    assert check_evidence(recs[:1]) == []


def test_recorded_paths_replace_the_case_paths_only() -> None:
    case = {
        "patent_evidence": {"indicators_file": "data/a.csv", "patent_id": "7"},
        "assets": [{"patent_evidence": {"cycle_time_file": "c.csv"}}],
    }
    out = with_recorded_paths(
        case,
        [
            EvidenceRecord("patent_evidence.indicators_file", "/x/data/a.csv", "0" * 64),
            EvidenceRecord("assets.0.patent_evidence.cycle_time_file", "/x/c.csv", "0" * 64),
            EvidenceRecord("framework_inputs.KR.life.cycle_time_file", "/x/k.csv", "0" * 64),
        ],
    )
    assert out == {
        "patent_evidence": {"indicators_file": "/x/data/a.csv", "patent_id": "7"},
        "assets": [{"patent_evidence": {"cycle_time_file": "/x/c.csv"}}],
    }
    assert case["patent_evidence"]["indicators_file"] == "data/a.csv"  # not mutated


@pytest.fixture
def evidence_case(tmp_path: Path) -> Path:
    """The example case and copies of its evidence files (with their sidecars)."""
    folder = tmp_path / "valuer"
    (folder / "data").mkdir(parents=True)
    for name in ("uspto_sample_indicators.csv", "uspto_sample_cycle_time.csv"):
        for suffix in ("", ".meta.json"):
            shutil.copy(EXAMPLES / "data" / (name + suffix), folder / "data" / (name + suffix))
    shutil.copy(EXAMPLES / "patent_evidence_rfr.yaml", folder / "case.yaml")
    return folder / "case.yaml"


@pytest.fixture
def real_store(engine: Engine) -> CaseStore:
    return CaseStore(engine, evaluator=engine_evaluator)


def _saved(
    store: CaseStore, case_file: Path, monkeypatch: pytest.MonkeyPatch, elsewhere: Path
) -> int:
    # save from another working directory: the files are found next to the case file, and
    # the check runs from yet another folder, as a reviewer would
    monkeypatch.chdir(elsewhere)
    receipt = store.save(read_source(case_file), org="acme", user="alice")
    return receipt.version_id


def test_save_records_the_files_and_check_reproduces(
    real_store: CaseStore, evidence_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipvalue.core.db import read_session

    version_id = _saved(real_store, evidence_case, monkeypatch, tmp_path)
    data = evidence_case.parent / "data"
    with read_session(real_store.engine) as s:
        rows = real_store.org(s, "acme").evidence_files(version_id)
        got = [(r.field, r.path, r.sha256) for r in rows]
    assert got == [
        (
            "patent_evidence.indicators_file",
            str(data / "uspto_sample_indicators.csv"),
            hashlib.sha256((data / "uspto_sample_indicators.csv").read_bytes()).hexdigest(),
        ),
        (
            "patent_evidence.cycle_time_file",
            str(data / "uspto_sample_cycle_time.csv"),
            hashlib.sha256((data / "uspto_sample_cycle_time.csv").read_bytes()).hexdigest(),
        ),
    ]
    payload = real_store.export("acme")[-1]["payload"]
    assert payload["evidence"] == [{"field": f, "sha256": h} for f, _, h in got]
    monkeypatch.chdir(evidence_case.parent.parent)
    codes = {f.code for f in real_store.check(1, org="acme", user="alice")}
    assert "Q-CALC-000" in codes and not any(c.startswith("evidence_") for c in codes)


def test_changed_file_is_reported_not_a_calculation_error(
    real_store: CaseStore, evidence_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _saved(real_store, evidence_case, monkeypatch, tmp_path)
    cycle = evidence_case.parent / "data" / "uspto_sample_cycle_time.csv"
    # a new data run shortened the H01L cycle time: same file name, different content
    with cycle.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["code"] == "H01L":
            row["q3"] = "5.0"
    with cycle.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    found = real_store.check(1, org="acme", user="alice")
    codes = [f.code for f in found]
    assert "evidence_file_changed" in codes
    assert not any(c.startswith("Q-CALC") for c in codes)
    changed = next(f for f in found if f.code == "evidence_file_changed")
    assert changed.field == "patent_evidence.cycle_time_file"
    assert changed.detail["path"] == str(cycle)
    assert changed.detail["current_sha256"] == hashlib.sha256(cycle.read_bytes()).hexdigest()
    # Q3 only drives a warning here (the case fixes a 9-year life): the value is the same,
    # and the reviewer sees that from the detail rather than guessing
    assert changed.detail["recomputed_value"] == changed.detail["stored_value"]
    assert changed.detail["stored_value"] is not None


def test_missing_file_is_reported_and_nothing_recalculated(
    real_store: CaseStore, evidence_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _saved(real_store, evidence_case, monkeypatch, tmp_path)
    ind = evidence_case.parent / "data" / "uspto_sample_indicators.csv"
    ind.unlink()
    found = real_store.check(1, org="acme", user="alice")
    missing = [f for f in found if f.code == "evidence_file_missing"]
    assert [(f.field, f.detail["path"], f.detail["recalculated"]) for f in missing] == [
        ("patent_evidence.indicators_file", str(ind), False)
    ]
    assert not any(f.code.startswith("Q-CALC") for f in found)
    # the check run itself is stored and audited like any other
    from ipvalue.core.db import read_session

    with read_session(real_store.engine) as s:
        repo = real_store.org(s, "acme")
        stored = {f.code for f in repo.findings(repo.version(1).id)}
    assert "evidence_file_missing" in stored
    assert real_store.verify("acme").ok


def test_show_counts_an_evidence_finding_as_a_failed_recalculation() -> None:
    from ipvalue.commands.cases import _check_summary

    found = [{"code": "evidence_file_missing", "severity": "error", "message": "gone"}]
    (recalc,) = [c for c in _check_summary(found) if c["check"] == "recalculation"]
    assert recalc["status"] == "FAIL"
    (recalc,) = [c for c in _check_summary([]) if c["check"] == "recalculation"]
    assert recalc["status"].startswith("not run")


def test_evidence_and_checkpoint_rows_are_org_scoped_and_append_only(
    store: CaseStore, engine: Engine, tmp_path: Path
) -> None:
    """Evidence files recorded by any evaluator (here the fake one, so the file is hashed at
    save); both new tables hide other organisations' rows on PostgreSQL (row-level security)
    and refuse UPDATE / DELETE on both backends."""
    import uuid

    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from ipvalue.cases import parse_source
    from ipvalue.core.db import read_session

    data = tmp_path / "ind.csv"
    data.write_text("patent_id\n1\n")
    for org in ("acme", "globex"):
        text_ = f"title: t\nasset: {{type: patent}}\npatent_evidence:\n  indicators_file: {data}\n"
        store.save(parse_source(text_, "c.yaml"), org=org, user="alice")
        store.checkpoint(org, user="alice")
    pg = engine.dialect.name == "postgresql"
    role = f"ipvalue_app_{uuid.uuid4().hex[:8]}"
    if pg:  # superusers bypass RLS: act as an ordinary role
        with engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
            conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}'))
    try:
        with read_session(engine) as s:
            if pg:
                s.execute(text(f"SET LOCAL ROLE {role}"))
            store.org(s, "acme")
            counts = [
                s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("case_evidence_file", "audit_checkpoint")
            ]
    finally:
        if pg:
            with engine.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
    assert counts == ([1, 1] if pg else [2, 2])
    with read_session(engine) as s:
        (row,) = s.execute(text("SELECT sha256 FROM case_evidence_file WHERE org_id = 1")).all()
    assert row[0] == hashlib.sha256(b"patent_id\n1\n").hexdigest()
    for sql in ("UPDATE case_evidence_file SET sha256 = 'x'", "DELETE FROM case_evidence_file"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
