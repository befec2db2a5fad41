"""The CLI end to end (in process): exit codes 0 / 1 / 2, JSON output, review and audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cases_helpers import case_text, disable_append_only, execute

import ipvalue.cli as cli_module
from ipvalue.core.db import make_engine

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "relief_from_royalty_patent.yaml"


@pytest.fixture(autouse=True)
def _register_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # cli.main() registers every command group on each call; in one process that would add
    # the groups again and again. Register once, then let main() skip it.
    if not any(g.name == "cases" for g in cli_module.app.registered_groups):
        cli_module._register_all()
    monkeypatch.setattr(cli_module, "_register_all", lambda: None)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        cli_module.main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], db_url: str):
    def call(*args: str, org: str | None = "acme", user: str | None = None):
        extra = ["--db", db_url]
        if org:
            extra += ["--org", org]
        if user:
            extra += ["--user", user]
        return run(capsys, *args, *extra)

    return call


def test_save_list_show_history_similar_check(cli, tmp_path: Path) -> None:
    code, out, err = cli("cases", "save", str(EXAMPLE), "--json", user="alice")
    assert code == 0, err
    saved = json.loads(out)
    assert (saved["case_id"], saved["version"], saved["currency"]) == (1, 1, "KRW")
    assert saved["value"] == pytest.approx(1767250577.9655604, rel=1e-12)
    assert "Q-METH-002" in {f["code"] for f in saved["findings"]}
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("royalty_rate: 0.04", "royalty_rate: 0.05")
    )
    assert cli("cases", "save", str(edited), "--case", "1", user="alice")[0] == 0
    code, out, _ = cli("cases", "list", "--json")
    (row,) = json.loads(out)
    assert (row["case_id"], row["version"], row["state"]) == (1, 2, "draft")
    code, out, _ = cli("cases", "show", "1", "--version", "1", "--json")
    shown = json.loads(out)
    assert shown["parameters"]["royalty_rate"] == 0.04
    assert shown["refdata_version"] and shown["software_version"] == "0.1.0"
    code, out, _ = cli("cases", "show", "1", "--source")
    assert out == edited.read_text(encoding="utf-8")
    code, out, _ = cli("cases", "history", "1", "--json")
    assert [v["version"] for v in json.loads(out)] == [1, 2]
    code, out, _ = cli("cases", "similar", str(EXAMPLE), "--json")
    assert json.loads(out)[0]["case_id"] == 1 and json.loads(out)[0]["score"] == pytest.approx(
        1.0, abs=0.1
    )
    code, out, _ = cli("cases", "check", "1", "--json", user="alice")
    assert code == 0 and "Q-CALC-000" in {f["code"] for f in json.loads(out)}


def test_review_flow_and_rule_violations_exit_2(cli) -> None:
    assert cli("cases", "save", str(EXAMPLE), user="alice")[0] == 0
    assert cli("cases", "user", "add", "bob", user="alice")[0] == 0
    assert cli("review", "submit", "1", user="alice")[0] == 0
    code, _, err = cli("review", "assign", "1", "--reviewer", "alice", user="alice")
    assert code == 2 and "--reviewer: the preparer cannot review" in err
    assert cli("review", "assign", "1", "--reviewer", "bob", user="alice")[0] == 0
    code, _, err = cli("review", "approve", "1", user="alice")
    assert code == 2 and "--user: the preparer cannot approve" in err
    assert (
        cli(
            "review",
            "comment",
            "1",
            "--field",
            "approaches.0.royalty_rate",
            "--text",
            "source?",
            user="bob",
        )[0]
        == 0
    )
    code, out, _ = cli("review", "approve", "1", user="bob")
    assert code == 0 and "approved" in out
    code, _, err = cli("review", "return", "1", "--reason", "late", user="bob")
    assert code == 2 and "only a version in review" in err


def test_audit_verify_and_export(cli, db_url: str, tmp_path: Path) -> None:
    cli("cases", "save", str(EXAMPLE), user="alice")
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "intact: 4 entries" in out
    dest = tmp_path / "audit.jsonl"
    assert cli("audit", "export", "--out", str(dest))[0] == 0
    lines = [json.loads(x) for x in dest.read_text(encoding="utf-8").splitlines()]
    assert [e["action"] for e in lines] == [
        "org.create",
        "user.create",
        "case.create",
        "version.save",
    ]
    engine = make_engine(db_url)
    disable_append_only(engine, "audit_log")
    execute(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    engine.dispose()
    code, _, err = cli("audit", "verify")
    assert code == 1 and "BROKEN: entry seq 2" in err and "altered" in err


@pytest.mark.parametrize(
    "args, field",
    [
        (("cases", "list"), "--org: unknown organisation"),
        (("cases", "show", "7"), "--org"),
        (("cases", "history", "1"), "--org"),
    ],
)
def test_unknown_org_exits_2(cli, args: tuple[str, ...], field: str) -> None:
    code, _, err = cli(*args, org="ghost")
    assert code == 2 and field in err


def test_bad_inputs_exit_2(cli, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli("cases", "save", str(tmp_path / "missing.yaml"), user="alice")
    assert code == 2 and "file not found" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    code, _, err = cli("cases", "save", str(bad), user="alice")
    assert code == 2 and "bad.yaml:2: invalid YAML" in err
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(case_text(1), encoding="utf-8")  # not a valid engine case
    code, _, err = cli("cases", "save", str(invalid), user="alice")
    assert code == 2 and err.startswith("error: ")
    assert cli("cases", "save", str(EXAMPLE), user="alice")[0] == 0
    code, _, err = cli("cases", "similar", "abc")
    assert code == 2 and "CASE_ID|FILE: must be a stored case id" in err
    code, _, err = cli("cases", "show", "99")
    assert code == 2 and "CASE_ID: no case 99" in err
    code, _, err = cli("cases", "config", "set", "deviation_threshold", "0", user="alice")
    assert code == 2 and "deviation_threshold: must be in" in err
    code, _, err = run(capsys, "cases", "list", "--db", "mysql://x/y", "--org", "a")
    assert code == 2 and "--db: backend 'mysql' unsupported" in err
    code, _, err = run(
        capsys, "cases", "list", "--db", f"sqlite:///{tmp_path}/no/x.db", "--org", "a"
    )
    assert code == 2 and "--db: folder of the SQLite file" in err
    code, _, err = run(capsys, "cases", "list", "--db", "not a url", "--org", "a")
    assert code == 2 and "--db: must be a SQLAlchemy URL" in err


def test_seed_demo(cli, tmp_path: Path) -> None:
    # Four real examples (the three review flows + one draft) and one file the engine refuses:
    # the same code path as the whole examples/ folder at a fifth of the time.
    folder = tmp_path / "examples"
    folder.mkdir()
    for name in (
        "cost_data_asset.yaml",
        "dcf_copyright.yaml",
        "market_comparables_trademark.yaml",
        "relief_from_royalty_patent.yaml",
    ):
        (folder / name).write_text((EXAMPLES / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "zz_broken.yaml").write_text("title: broken\ncurrency: KRW\n", encoding="utf-8")
    code, out, err = cli("cases", "seed-demo", "--examples", str(folder), org="demo")
    assert code == 0, err
    assert "4 cases saved, 3 reviewed, 1 skipped" in out and "zz_broken.yaml" in out
    code, out, _ = cli("cases", "list", "--json", org="demo")
    states = sorted(r["state"] for r in json.loads(out))
    assert states == ["approved", "approved", "draft", "returned"]
    code, _, err = cli("cases", "seed-demo", "--examples", str(folder), org="demo")
    assert code == 2 and "already has cases" in err
    assert cli("audit", "verify", org="demo")[0] == 0


def test_show_gives_the_reviewer_checks_deviations_approval_and_audit(
    cli, store, db_url: str
) -> None:
    from cases_helpers import source

    for i, rate in enumerate((0.02, 0.03, 0.03, 0.04, 0.05), start=1):
        store.save(source(i, royalty=rate), org="acme", user="alice")
    store.save(source(6, royalty=0.08), org="acme", user="alice")
    store.add_user(org="acme", actor="alice", username="bob")
    store.submit(6, org="acme", user="alice")
    store.assign(6, org="acme", user="alice", reviewer="bob")
    store.approve(6, org="acme", user="bob", note="checked")
    code, out, err = cli("cases", "show", "6", "--json")
    assert code == 0, err
    view = json.loads(out)
    checks = {c["check"]: c["status"] for c in view["checks"]}
    assert checks["deviation"] == "1 warning" and checks["terminal"] == "pass"
    assert checks["method"] == "1 warning"  # Q-METH-002: the fake case cites no royalty source
    assert checks["recalculation"].startswith("not run")
    (dev,) = [f["detail"] for f in view["findings"] if f["code"] == "Q-DEV-ROYALTY_RATE"]
    # peers 0.02 0.03 0.03 0.04 0.05: median 0.03, MAD 0.01, scale 1.4826 × 0.01;
    # z = (0.08 - 0.03) / 0.014826 = 3.3725 > 3
    assert dev["median"] == pytest.approx(0.03) and dev["z"] == pytest.approx(0.05 / 0.014826)
    assert sorted(p["value"] for p in dev["peers"]) == pytest.approx([0.02, 0.03, 0.03, 0.04, 0.05])
    assert view["approved"]["by"] == "bob" and view["approved"]["at"].startswith("20")
    audit = view["audit"]
    assert audit["chain_intact"] and audit["problem"] is None
    assert [e["action"] for e in audit["case_entries"]] == [
        "case.create",
        "version.save",
        "review.submit",
        "review.assign",
        "review.approve",
    ]
    code, text, _ = cli("cases", "show", "6")
    assert code == 0 and "approved by bob at" in text and "chain intact" in text
    assert "Deviations from similar cases" in text and "robust z 3.37" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    engine = make_engine(db_url)
    disable_append_only(engine, "review_transition")
    execute(engine, "UPDATE review_transition SET note = 'rubber stamp'")
    engine.dispose()
    code, text, _ = cli("cases", "show", "6")
    assert code == 0 and "CHAIN BROKEN" in text and "altered" in text


def test_audit_checkpoint_and_show_from_it(cli, db_url: str) -> None:
    cli("cases", "save", str(EXAMPLE), user="alice")
    code, out, err = cli("audit", "checkpoint", user="alice")
    assert code == 0, err
    assert "intact (4 entries)" in out and "checkpoint 1 at seq 4" in out
    cli("cases", "save", str(EXAMPLE), user="alice")  # case 2: entries 6 and 7
    code, out, _ = cli("audit", "verify", "--since-checkpoint", "--json")
    report = json.loads(out)
    # entries after seq 4: the checkpoint's own entry, then case 2's two entries
    assert code == 0 and report["entries"] == 3 and report["since_checkpoint"]["seq"] == 4
    code, out, _ = cli("audit", "verify", "--json")
    full = json.loads(out)
    assert (full["entries"], full["since_checkpoint"], full["checkpoints_checked"]) == (7, None, 1)
    code, out, _ = cli("cases", "show", "1")
    assert code == 0
    assert "3 entries verified after checkpoint 1 at seq 4" in " ".join(out.split())
    # tampering before the checkpoint: show trusts the verified prefix, a full verify does not
    engine = make_engine(db_url)
    disable_append_only(engine, "audit_log")
    execute(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    engine.dispose()
    assert cli("audit", "verify", "--since-checkpoint")[0] == 0
    code, _, err = cli("audit", "verify")
    assert code == 1 and "entry seq 2" in err
    code, _, err = cli("audit", "checkpoint", user="alice")
    assert code == 1 and "no checkpoint written" in err
    code, _, err = cli("audit", "checkpoint", user="mallory")
    assert code == 2 and "--user" in err
