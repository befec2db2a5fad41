"""CLI for the case database: ``ipvalue cases``, ``ipvalue review``, ``ipvalue audit``.

Every command takes ``--db URL`` (default: setting ``IPVALUE_DB_URL``) and ``--org``; commands
that write take ``--user`` (accounts and login come with the web platform; until then the acting
user is explicit). The database is migrated automatically before any command runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from ipvalue.core.errors import InputError

cases_app = typer.Typer(
    help="Case database: save, list, show, history, similar cases, checks.", no_args_is_help=True
)
review_app = typer.Typer(
    help="Review workflow: submit, assign, approve, return, comment.", no_args_is_help=True
)
audit_app = typer.Typer(help="Tamper-evident audit trail: verify and export.", no_args_is_help=True)
config_app = typer.Typer(help="Organisation settings of the quality checks.", no_args_is_help=True)
user_app = typer.Typer(help="Users of an organisation.", no_args_is_help=True)
cases_app.add_typer(config_app, name="config")
cases_app.add_typer(user_app, name="user")

_out = Console(highlight=False, soft_wrap=True)

Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: IPVALUE_DB_URL).")]
Org = Annotated[str, typer.Option("--org", help="Organisation code; every query is scoped to it.")]
UserOpt = Annotated[str, typer.Option("--user", help="Acting user (username in the organisation).")]
Version = Annotated[int | None, typer.Option("--version", help="Version number (default: latest).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
CaseId = Annotated[int, typer.Argument(help="Case id (see `ipvalue cases list`).")]


def _store(db: str | None) -> Any:
    from ipvalue.cases import CaseStore
    from ipvalue.core.db import make_engine

    return CaseStore(make_engine(db, pooled=False))


def _say(text: str) -> None:
    """Print user-supplied text literally (no Rich markup: titles may contain brackets)."""
    _out.print(text, markup=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _print_findings(findings: Any) -> None:
    """One wrapped entry per finding (field names and messages are never cut off)."""
    _say("Quality checks" if findings else "Quality checks: no finding")
    for f in findings:
        _wrap(f"{f.code} {f.severity} [{f.field}] {f.message}")


def _finding_dict(f: Any) -> dict[str, Any]:
    detail = json.loads(f.detail_json) if hasattr(f, "detail_json") else dict(f.detail)
    return {
        "code": f.code,
        "severity": f.severity,
        "field": f.field,
        "message": f.message,
        "detail": detail,
    }


# ------------------------------------------------------------------------------------ cases
@cases_app.command("migrate")
def migrate_cmd(db: Db = None) -> None:
    """Create or upgrade the case database schema (other commands do this automatically)."""
    from ipvalue.cases import migrate
    from ipvalue.core.db import make_engine

    before, after = migrate(make_engine(db, pooled=False))
    _out.print(f"schema at revision {after}" + ("" if before == after else f" (was {before})"))


@cases_app.command("save")
def save_cmd(
    file: Annotated[Path, typer.Argument(help="Case file (YAML or JSON).")],
    org: Org,
    user: UserOpt,
    case: Annotated[
        int | None,
        typer.Option("--case", help="Save as a new version of this case id (default: a new case)."),
    ] = None,
    db: Db = None,
    as_json: AsJson = False,
) -> None:
    """Value a case file and store it (the file as given, the resolved parameters, the result)."""
    from ipvalue.cases import read_source

    source = read_source(file)
    receipt = _store(db).save(source, org=org, user=user, case_id=case)
    if as_json:
        _print_json(
            {
                "case_id": receipt.case_id,
                "version": receipt.version_no,
                "value": receipt.value,
                "currency": receipt.currency,
                "findings": [_finding_dict(f) for f in receipt.findings],
            }
        )
        return
    _out.print(
        f"saved case {receipt.case_id} version {receipt.version_no}: "
        f"{receipt.value:,.2f} {receipt.currency or ''}"
        if receipt.value is not None
        else f"saved case {receipt.case_id} version {receipt.version_no}"
    )
    if receipt.findings:
        _print_findings(receipt.findings)


@cases_app.command("list")
def list_cmd(
    org: Org,
    db: Db = None,
    as_json: AsJson = False,
    limit: Annotated[int, typer.Option(min=1, help="Newest N cases.")] = 50,
) -> None:
    """List the organisation's cases (latest version of each)."""
    from ipvalue.core.db import read_session

    store = _store(db)
    with read_session(store.engine) as session:
        repo = store.org(session, org)
        rows = [
            {
                "case_id": v.case_id,
                "version": v.version_no,
                "title": v.title,
                "ip_type": v.ip_type,
                "jurisdiction": v.jurisdiction,
                "purpose": v.purpose,
                "value": v.value,
                "currency": v.currency,
                "state": repo.state(v.id),
                "saved": v.created_at,
            }
            for v in repo.latest_versions(limit=limit)
        ]
    if as_json:
        _print_json(rows)
        return
    from rich import box

    wide = _out.size.width >= 120  # the save time only when it fits (always in --json)
    table = Table("case", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("title", ratio=1, min_width=16)
    table.add_column("type jur.", max_width=12)
    table.add_column("purpose", no_wrap=True, max_width=11, overflow="ellipsis")
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("state", no_wrap=True)
    if wide:
        table.add_column("saved", no_wrap=True)
    for r in rows:
        value = f"{r['value']:,.0f} {r['currency'] or ''}" if r["value"] is not None else "-"
        table.add_row(
            f"{r['case_id']}v{r['version']}",
            r["title"],
            f"{r['ip_type'] or '-'} {r['jurisdiction'] or '-'}",
            r["purpose"] or "-",
            value,
            r["state"],
            *([_short_time(r["saved"])] if wide else []),
        )
    _out.print(table)


#: Check families as a reviewer reads them: label and the finding codes that belong to each.
_CHECKS = (
    ("completeness", "completeness checkpoints for the purpose", ("Q-COMP-",)),
    ("method", "method selection", ("Q-METH-001", "Q-METH-002")),
    ("terminal", "terminal value share", ("Q-METH-003",)),
    ("deviation", "key parameters against similar cases", ("Q-DEV-",)),
    ("anomaly", "anomaly over the case base", ("Q-ANOM-",)),
    # a changed or missing evidence file is what the recalculation found instead of a value
    (
        "recalculation",
        "recalculation (evidence files as saved, re-run and compare)",
        ("Q-CALC-", "evidence_file_"),
    ),
)


def _check_summary(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per check family: pass / warning / error / not run, from the latest run."""
    out = []
    for key, label, codes in _CHECKS:
        mine = [f for f in findings if f["code"].startswith(codes)]
        flagged = [f for f in mine if f["severity"] in ("warning", "error")]
        if key == "recalculation" and not mine:
            status = "not run (ipvalue cases check runs it)"
        elif any(f["severity"] == "error" for f in flagged):
            status = "FAIL"
        elif flagged:
            status = f"{len(flagged)} warning{'s' if len(flagged) > 1 else ''}"
        else:
            status = "pass"
        notes = [f["message"] for f in mine if f["severity"] == "info"]
        out.append({"check": key, "label": label, "status": status, "notes": notes})
    return out


def _version_view(repo: Any, v: Any) -> dict[str, Any]:
    name = repo.username
    result = json.loads(v.result_json)
    rows = repo.findings(v.id)
    findings = [_finding_dict(f) for f in rows]
    steps = repo.transitions(v.id)
    approved = [t for t in steps if t.action == "approve" and t.to_state == "approved"]
    return {
        "case_id": v.case_id,
        "version": v.version_no,
        "title": v.title,
        "state": repo.state(v.id),
        "saved_at": v.created_at,
        "saved_by": name(v.created_by),
        "source": {"name": v.source_name, "format": v.source_format},
        "classification": {
            "ip_type": v.ip_type,
            "jurisdiction": v.jurisdiction,
            "tech_class": v.tech_class,
            "purpose": v.purpose,
        },
        "value": v.value,
        "currency": v.currency,
        "range": result.get("range"),
        "approaches": result.get("approaches", []),
        "parameters": {
            p: getattr(v, p)
            for p in ("royalty_rate", "discount_rate", "economic_life", "growth", "contribution")
        },
        "software_version": v.software_version,
        "refdata_version": v.refdata_version,
        "content_sha256": v.content_sha256,
        "checked": {"trigger": rows[0].trigger, "at": rows[0].run_at} if rows else None,
        "checks": _check_summary(findings),
        "findings": findings,
        "approved": (
            {"by": name(approved[-1].actor_id), "at": approved[-1].at} if approved else None
        ),
        "reviewers": [
            {"user": name(a.reviewer_id), "role": a.role, "signed_off": a.signed_off}
            for a in repo.assignments(v.id)
        ],
        "transitions": [
            {
                "at": t.at,
                "by": name(t.actor_id),
                "action": t.action,
                "from": t.from_state,
                "to": t.to_state,
                "note": t.note,
                "reviewer": name(t.subject_id) if t.subject_id else None,
                "role": t.role,
            }
            for t in repo.transitions(v.id)
        ],
        "comments": [
            {"at": c.at, "by": name(c.author_id), "field": c.field, "text": c.text}
            for c in repo.comments(v.id)
        ],
    }


@cases_app.command("show")
def show_cmd(
    case_id: CaseId,
    org: Org,
    version: Version = None,
    db: Db = None,
    as_json: AsJson = False,
    source: Annotated[
        bool, typer.Option("--source", help="Print the case file exactly as saved.")
    ] = False,
) -> None:
    """Show one version as a reviewer needs it: value, each check run with its result,
    deviations from similar cases (compared cases, values, statistic), approval and review
    trail (who, when), and the audit status of the entries concerning the case."""
    from ipvalue.core.db import read_session

    store = _store(db)
    with read_session(store.engine) as session:
        repo = store.org(session, org)
        v = repo.version(case_id, version)
        if source:
            sys.stdout.write(v.source_text)
            return
        view = _version_view(repo, v)
    report, entries = store.case_audit(org, case_id)
    view["audit"] = {
        "chain_intact": report.ok,
        "entries_checked": report.entries,
        "since_checkpoint": _report_dict(report)["since_checkpoint"],
        "problem": str(report.problem) if report.problem else None,
        "case_entries": entries,
    }
    if as_json:
        _print_json(view)
        return
    _show_text(view)


def _wrap(text: str, indent: int = 2) -> None:
    """Print ``text`` wrapped to the console (at most 100 columns), later lines indented."""
    import textwrap

    width = max(40, min(_out.size.width, 100))
    pad = " " * indent
    _say(
        textwrap.fill(
            text, width, initial_indent=pad, subsequent_indent=pad + "  ", break_on_hyphens=False
        )
    )


def _short_time(at: str | None) -> str:
    """``2026-11-23T17:28:16.020074Z`` → ``2026-11-23 17:28:16Z`` (full value in --json)."""
    return at.replace("T", " ").split(".")[0].rstrip("Z") + "Z" if at else "-"


def _trail(view: dict[str, Any]) -> list[tuple[str, str]]:
    """Workflow steps and field comments of a version in time order: ``(at, text)``."""
    trail = [
        (
            t["at"],
            f"{t['by']} {t['action']}"
            + (f" {t['reviewer']} ({t['role']})" if t["reviewer"] else "")
            + f": {t['from']} → {t['to']}"
            + (f" — {t['note']}" if t["note"] else ""),
        )
        for t in view["transitions"]
    ]
    trail += [
        (c["at"], f"{c['by']} comment on {c['field']}: {c['text']}") for c in view["comments"]
    ]
    return sorted(trail)


def _show_text(view: dict[str, Any]) -> None:
    """The reviewer's page: what was checked, what deviates, who approved, audit status."""
    _wrap(f"case {view['case_id']} v{view['version']} [{view['state']}] {view['title']}", 0)
    if view["value"] is not None:
        _wrap(f"value {view['value']:,.2f} {view['currency']}")
    _wrap(
        f"saved {_short_time(view['saved_at'])} by {view['saved_by']} from "
        f"{view['source']['name']}; software {view['software_version']}, refdata "
        f"{view['refdata_version']}; sha256 {view['content_sha256'][:16]}"
    )
    ok = view["approved"]
    _say("\nApproval")
    _wrap(
        f"approved by {ok['by']} at {_short_time(ok['at'])}"
        if ok
        else f"not approved (state {view['state']})"
    )
    for r in view["reviewers"]:
        _wrap(
            f"reviewer {r['user']} ({r['role']}): {'signed off' if r['signed_off'] else 'pending'}"
        )
    run = view["checked"]
    _say(
        "\nChecks"
        + (f" (last run: {run['trigger']} at {_short_time(run['at'])})" if run else " (never run)")
    )
    for c in view["checks"]:
        _wrap(f"{c['label']}: {c['status']}" + "".join(f"; {n}" for n in c["notes"]))
    flagged = [f for f in view["findings"] if f["severity"] in ("warning", "error")]
    if flagged:
        _say("\nFindings")
        for f in flagged:
            _wrap(f"{f['code']} {f['severity']} [{f['field']}] {f['message']}")
    deviations = [f for f in flagged if f["code"].startswith("Q-DEV-")]
    if deviations:
        _say("\nDeviations from similar cases")
        for f in deviations:
            d = f["detail"]
            z = f"robust z {d['z']:.2f}" if d.get("z") is not None else "no spread"
            _wrap(
                f"{d['parameter']} {d['value']:.6g}: median {d['median']:.6g}, scale "
                f"{d['scale']:.6g} ({d['method']}), {z}, threshold {d['threshold']:g}; "
                f"{len(d['peers'])} cases: "
                + ", ".join(f"{p['case']} {p['value']:.6g}" for p in d["peers"])
            )
    if view["transitions"] or view["comments"]:
        _say("\nReview trail")
        for at, text in _trail(view):
            _wrap(f"{_short_time(at)} {text}")
    audit = view["audit"]
    _say("\nAudit")
    status = "chain intact" if audit["chain_intact"] else f"CHAIN BROKEN: {audit['problem']}"
    cp = audit["since_checkpoint"]
    n = audit["entries_checked"]
    checked = f"{n} {'entry' if n == 1 else 'entries'}"
    scope = (
        f"{checked} of the organisation verified"
        if cp is None
        else f"{checked} verified after checkpoint {cp['id']} at "
        f"seq {cp['seq']}, verified {_short_time(cp['verified_at'])} by ipvalue "
        f"{cp['verified_by']} ({cp['actor']}); `ipvalue audit verify` re-checks "
        "the whole chain"
    )
    _wrap(f"{status} ({scope}); {len(audit['case_entries'])} entries concern this case:")
    for e in audit["case_entries"]:
        _wrap(f"#{e['seq']} {_short_time(e['at'])} {e['actor']} {e['action']} {e['hash'][:12]}", 4)


@cases_app.command("history")
def history_cmd(case_id: CaseId, org: Org, db: Db = None, as_json: AsJson = False) -> None:
    """Every version of a case with its workflow steps and comments, oldest first."""
    from ipvalue.core.db import read_session

    store = _store(db)
    with read_session(store.engine) as session:
        repo = store.org(session, org)
        views = [_version_view(repo, v) for v in repo.versions(case_id)]
    if as_json:
        _print_json(views)
        return
    for view in views:
        value = f"{view['value']:,.2f} {view['currency']}" if view["value"] is not None else "-"
        _wrap(
            f"v{view['version']} {_short_time(view['saved_at'])} by {view['saved_by']}: "
            f"{value} [{view['state']}] sha256 {view['content_sha256'][:12]}",
            0,
        )
        for at, text in _trail(view):
            _wrap(f"{_short_time(at)} {text}", 4)


@cases_app.command("similar")
def similar_cmd(
    query: Annotated[
        str, typer.Argument(metavar="CASE_ID|FILE", help="A stored case id or a case file.")
    ],
    org: Org,
    top: Annotated[int, typer.Option(min=1, max=1000, help="Number of cases.")] = 10,
    db: Db = None,
    as_json: AsJson = False,
) -> None:
    """Most similar stored cases by IP type, jurisdiction, technology class, purpose and text."""
    from ipvalue.cases import read_source

    path = Path(query)
    if path.is_file():
        target: int | Any = read_source(path)
    elif query.isdigit():
        target = int(query)
    else:
        raise InputError("CASE_ID|FILE", "must be a stored case id or an existing case file")
    hits = _store(db).similar(org, target, top=top)
    if as_json:
        _print_json(
            [
                {
                    "case_id": h.case_id,
                    "version": h.version_no,
                    "title": h.title,
                    "score": h.score,
                    "components": h.components,
                }
                for h in hits
            ]
        )
        return
    table = Table("case", "v", "title", "score", "type", "jur.", "class", "purpose", "text")
    for h in hits:
        c = h.components
        table.add_row(
            str(h.case_id),
            str(h.version_no),
            h.title,
            f"{h.score:.3f}",
            *(f"{c[k]:.2f}" for k in ("ip_type", "jurisdiction", "tech_class", "purpose", "text")),
        )
    _out.print(table)


@cases_app.command("check")
def check_cmd(
    case_id: CaseId,
    org: Org,
    user: UserOpt,
    version: Version = None,
    db: Db = None,
    as_json: AsJson = False,
) -> None:
    """Run every quality check now, including a recalculation, and record the result."""
    findings = _store(db).check(case_id, org=org, user=user, version_no=version)
    if as_json:
        _print_json([_finding_dict(f) for f in findings])
        return
    _print_findings(findings)


@cases_app.command("anomalies")
def anomalies_cmd(org: Org, user: UserOpt, db: Db = None, as_json: AsJson = False) -> None:
    """Scan the whole case base with a seeded IsolationForest; flag unusual cases for review."""
    flagged = _store(db).scan_anomalies(org=org, user=user)
    if as_json:
        _print_json([{"case_id": c, "version": v, **_finding_dict(f)} for c, v, f in flagged])
        return
    if not flagged:
        _out.print("no case flagged (or fewer than 20 cases with key parameters)")
    for c, v, f in flagged:
        _say(f"case {c} v{v}: {f.message}")


@cases_app.command("reindex")
def reindex_cmd(org: Org, db: Db = None, as_json: AsJson = False) -> None:
    """Rebuild the organisation's similar-case index now (TF-IDF refitted on every case's
    latest version) instead of when appended rows pass IPVALUE_CASES_INDEX_REBUILD_SHARE."""
    import time

    t = time.perf_counter()
    state = _store(db).reindex(org)
    seconds = time.perf_counter() - t
    if as_json:
        _print_json(
            {
                "org": org,
                "cases": len(state.index),
                "through_version_id": state.last_id,
                "audit_seq": state.seq,
                "seconds": round(seconds, 3),
            }
        )
        return
    _out.print(
        f"similar-case index of {org} rebuilt: {len(state.index):,} cases (through "
        f"version id {state.last_id}, audit seq {state.seq}) in {seconds:.2f} s",
        markup=False,
    )


@cases_app.command("seed-demo")
def seed_demo_cmd(
    db: Db = None,
    org: Annotated[str, typer.Option("--org", help="Organisation to create.")] = "demo",
    examples: Annotated[Path, typer.Option(help="Folder of example case files.")] = Path(
        "examples"
    ),
) -> None:
    """Fill a demo organisation from the example case files and walk cases through review."""
    from ipvalue.cases._demo import seed_demo

    files = sorted([*examples.rglob("*.yaml"), *examples.rglob("*.json")])
    if not examples.is_dir() or not files:
        raise InputError("--examples", f"{examples} must be a folder with example case files")
    with Progress(console=Console(stderr=True)) as progress:
        task = progress.add_task("saving examples", total=len(files))
        report = seed_demo(_store(db), files, org=org, on_file=lambda: progress.advance(task))
    _out.print(
        f"organisation {org}: {report.saved} cases saved, {report.reviewed} reviewed, "
        f"{len(report.skipped)} skipped"
    )
    for name, why in report.skipped:
        _out.print(f"  skipped {name}: {why}")


# ------------------------------------------------------------------------------------ users, config
@user_app.command("add")
def user_add_cmd(
    username: Annotated[str, typer.Argument(help="New username.")],
    org: Org,
    user: UserOpt,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    db: Db = None,
) -> None:
    """Add a user to an organisation (created if new); audited."""
    created = _store(db).add_user(org=org, actor=user, username=username, display_name=name)
    _out.print(f"user {username} {'added to' if created else 'already in'} {org}")


@config_app.command("set")
def config_set_cmd(
    key: Annotated[str, typer.Argument(help="Setting name.")],
    value: Annotated[str, typer.Argument(help="New value.")],
    org: Org,
    user: UserOpt,
    db: Db = None,
) -> None:
    """Override a quality-check setting for the organisation; audited with old and new value."""
    _store(db).set_setting(org=org, user=user, key=key, value=value)
    _out.print(f"{org}: {key} = {value}")


@config_app.command("show")
def config_show_cmd(org: Org, db: Db = None) -> None:
    """Effective quality-check settings of the organisation."""
    from dataclasses import asdict

    from ipvalue.cases import CheckSettings
    from ipvalue.core.db import read_session

    store = _store(db)
    with read_session(store.engine) as session:
        overrides = store.org(session, org).settings()
    for k, v in asdict(CheckSettings.load(overrides)).items():
        _out.print(f"{k} = {v}" + ("  (organisation)" if k in overrides else "  (setting)"))


# ------------------------------------------------------------------------------------ review
@review_app.command("submit")
def submit_cmd(
    case_id: CaseId,
    org: Org,
    user: UserOpt,
    version: Version = None,
    note: Annotated[str, typer.Option(help="Note to the reviewers.")] = "",
    db: Db = None,
) -> None:
    """Preparer submits a draft version for review."""
    state = _store(db).submit(case_id, org=org, user=user, version_no=version, note=note)
    _out.print(f"case {case_id}: {state}")


@review_app.command("assign")
def assign_cmd(
    case_id: CaseId,
    org: Org,
    user: UserOpt,
    reviewer: Annotated[str, typer.Option(help="Username of the reviewer.")],
    role: Annotated[
        str, typer.Option(help="primary, or technical / market for a second reviewer.")
    ] = "primary",
    version: Version = None,
    db: Db = None,
) -> None:
    """Assign a reviewer (never the preparer)."""
    state = _store(db).assign(
        case_id, org=org, user=user, reviewer=reviewer, role=role, version_no=version
    )
    _out.print(f"case {case_id}: {reviewer} assigned as {role} reviewer; {state}")


@review_app.command("approve")
def approve_cmd(
    case_id: CaseId,
    org: Org,
    user: UserOpt,
    version: Version = None,
    note: Annotated[str, typer.Option(help="Approval note.")] = "",
    db: Db = None,
) -> None:
    """Sign off as an assigned reviewer; the primary reviewer's sign-off approves."""
    state = _store(db).approve(case_id, org=org, user=user, version_no=version, note=note)
    _out.print(f"case {case_id}: {state}")


@review_app.command("return")
def return_cmd(
    case_id: CaseId,
    org: Org,
    user: UserOpt,
    reason: Annotated[str, typer.Option(help="Why it goes back to the preparer.")],
    version: Version = None,
    db: Db = None,
) -> None:
    """Return a version in review to the preparer (a change is then saved as a new version)."""
    state = _store(db).return_(case_id, org=org, user=user, reason=reason, version_no=version)
    _out.print(f"case {case_id}: {state}")


@review_app.command("comment")
def comment_cmd(
    case_id: CaseId,
    org: Org,
    user: UserOpt,
    field: Annotated[str, typer.Option(help="Dotted path of the field.")],
    text: Annotated[str, typer.Option(help="The comment.")],
    version: Version = None,
    db: Db = None,
) -> None:
    """Comment on one field of a version."""
    cid = _store(db).comment(
        case_id, org=org, user=user, field=field, text=text, version_no=version
    )
    _out.print(f"comment {cid} recorded on case {case_id} {field}")


# ------------------------------------------------------------------------------------ audit
def _report_dict(report: Any) -> dict[str, Any]:
    since = report.since
    return {
        "org": report.org_code,
        "ok": report.ok,
        "entries": report.entries,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
        "since_checkpoint": None
        if since is None
        else {
            "id": since.id,
            "seq": since.seq,
            "entry_id": since.entry_id,
            "head_hash": since.head_hash,
            "verified_at": since.verified_at,
            "verified_by": since.verified_by,
            "actor": since.actor,
        },
        "checkpoints_checked": report.checkpoints,
        "problem": str(report.problem) if report.problem else None,
    }


def _scope_text(report: Any) -> str:
    if report.since is None:
        return f"{report.entries} entries from the first"
    return f"{report.entries} entries after {report.since.describe()}"


@audit_app.command("verify")
def verify_cmd(
    org: Org,
    db: Db = None,
    as_json: AsJson = False,
    since_checkpoint: Annotated[
        bool,
        typer.Option(
            "--since-checkpoint",
            help="Re-hash only the entries after the latest checkpoint (fast path; "
            "tampering before it is caught by a full verify).",
        ),
    ] = False,
) -> None:
    """Re-hash the audit chain and every row it vouches for; exit 1 naming the first bad entry.

    By default the whole chain, also checking every checkpoint against it."""
    report = _store(db).verify(org, since_checkpoint=since_checkpoint)
    if as_json:
        _print_json(_report_dict(report))
    elif report.ok:
        _out.print(
            f"audit chain of {org} intact: {_scope_text(report)}, head seq "
            f"{report.head_seq} {report.head_hash}"
            + (
                f"; {report.checkpoints} checkpoint(s) match the chain"
                if report.since is None and report.checkpoints
                else ""
            ),
            markup=False,
        )
    else:
        Console(stderr=True, highlight=False).print(
            f"audit chain of {org} BROKEN: {report.problem}", markup=False
        )
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint_cmd(org: Org, user: UserOpt, db: Db = None, as_json: AsJson = False) -> None:
    """Verify the whole chain and record its head as a checkpoint (exit 1, nothing written,
    when the chain is broken). Later reads verify only the entries after it."""
    report, cp = _store(db).checkpoint(org, user=user)
    if as_json:
        _print_json(
            {
                **_report_dict(report),
                "checkpoint": None
                if cp is None
                else {
                    "id": cp.id,
                    "seq": cp.seq,
                    "entry_id": cp.entry_id,
                    "head_hash": cp.head_hash,
                    "verified_at": cp.verified_at,
                    "verified_by": cp.verified_by,
                    "actor": cp.actor,
                },
            }
        )
    elif cp is not None:
        _out.print(
            f"audit chain of {org} intact ({report.entries} entries); recorded "
            f"{cp.describe()}, hash {cp.head_hash}",
            markup=False,
        )
    else:
        Console(stderr=True, highlight=False).print(
            f"audit chain of {org} BROKEN: {report.problem}; no checkpoint written", markup=False
        )
    if cp is None:
        raise typer.Exit(1)


@audit_app.command("export")
def export_cmd(
    org: Org,
    db: Db = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write JSON Lines here (default: standard output).")
    ] = None,
) -> None:
    """Export the organisation's audit log as JSON Lines (one entry per line, in order)."""
    entries = _store(db).export(org)
    lines = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
    if out is None:
        sys.stdout.write(lines)
    else:
        out.write_text(lines, encoding="utf-8")
        Console(stderr=True).print(f"{len(entries)} entries written to {out}")


def register(app: typer.Typer) -> None:
    """Add ``cases``, ``review`` and ``audit`` to the top-level app."""
    app.add_typer(cases_app, name="cases")
    app.add_typer(review_app, name="review")
    app.add_typer(audit_app, name="audit")
