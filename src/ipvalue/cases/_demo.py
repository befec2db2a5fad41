"""Demo organisation seeded from the example case files, with cases walked through review."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ipvalue.cases._intake import read_source
from ipvalue.cases._store import CaseStore
from ipvalue.core.db import read_session
from ipvalue.core.errors import InputError, InputErrors

PREPARER, REVIEWER, TECHNICAL, MARKET = "alice", "bob", "carol", "dan"


@dataclass(frozen=True)
class DemoReport:
    """Cases saved and reviewed, and example files that could not be saved (with why)."""

    saved: int
    reviewed: int
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def seed_demo(
    store: CaseStore,
    files: Sequence[Path],
    *,
    org: str = "demo",
    on_file: Callable[[], None] = lambda: None,
) -> DemoReport:
    """Save every example as a case of ``org`` by the preparer and review the first three:
    one approved by the primary reviewer, one with a technical second reviewer and a comment,
    one returned. Refuses an organisation that already has cases (no duplicates)."""
    try:
        with read_session(store.engine) as session:
            if store.org(session, org).latest_versions(limit=1):
                raise InputError(
                    "--org",
                    f"organisation {org} already has cases; use another --org or a fresh --db",
                )
    except InputError as exc:
        if exc.field == "--org" and "already" in exc.rule:
            raise
    for name in (PREPARER, REVIEWER, TECHNICAL, MARKET):
        store.add_user(org=org, actor=PREPARER, username=name)
    saved: list[int] = []
    skipped: list[tuple[str, str]] = []
    for path in files:
        try:
            saved.append(store.save(read_source(path), org=org, user=PREPARER).case_id)
        except (InputError, InputErrors, ValidationError) as exc:
            skipped.append((path.name, str(exc).splitlines()[0]))
        on_file()
    flows: list[Callable[[int], None]] = [
        lambda c: _approve(store, org, c),
        lambda c: _approve_with_second(store, org, c),
        lambda c: _return(store, org, c),
    ]
    for case_id, flow in zip(saved, flows, strict=False):
        flow(case_id)
    return DemoReport(len(saved), min(len(saved), len(flows)), tuple(skipped))


def _approve(store: CaseStore, org: str, case_id: int) -> None:
    store.submit(case_id, org=org, user=PREPARER, note="ready for review")
    store.assign(case_id, org=org, user=PREPARER, reviewer=REVIEWER)
    store.approve(case_id, org=org, user=REVIEWER, note="inputs traced to evidence")


def _approve_with_second(store: CaseStore, org: str, case_id: int) -> None:
    store.submit(case_id, org=org, user=PREPARER)
    store.assign(case_id, org=org, user=PREPARER, reviewer=REVIEWER)
    store.assign(case_id, org=org, user=PREPARER, reviewer=TECHNICAL, role="technical")
    store.comment(
        case_id,
        org=org,
        user=TECHNICAL,
        field="asset.economic_life_years",
        text="life agrees with the cycle time of the technology class",
    )
    store.approve(case_id, org=org, user=TECHNICAL)
    store.approve(case_id, org=org, user=REVIEWER)


def _return(store: CaseStore, org: str, case_id: int) -> None:
    store.submit(case_id, org=org, user=PREPARER)
    store.assign(case_id, org=org, user=PREPARER, reviewer=REVIEWER)
    store.comment(
        case_id,
        org=org,
        user=REVIEWER,
        field="approaches.0.discount_rate",
        text="show the build-up of the discount rate",
    )
    store.return_(case_id, org=org, user=REVIEWER, reason="discount rate not supported")
