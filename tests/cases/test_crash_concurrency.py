"""Crash safety (a writer killed with SIGKILL) and concurrent saves from several processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cases_helpers import source
from sqlalchemy import Engine, text

from ipvalue.cases import CaseStore
from ipvalue.core.db import read_session

CHILD = Path(__file__).with_name("writer_child.py")


def spawn(url: str, user: str, count: int, case_id: int | None = None) -> subprocess.Popen:
    args = [sys.executable, str(CHILD), url, "acme", user, str(count)]
    if case_id is not None:
        args.append(str(case_id))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def consistent(store: CaseStore, engine: Engine) -> int:
    """Assert the store holds only whole saves; return the number of versions."""
    assert store.verify("acme").ok
    with engine.connect() as conn:
        n_versions = conn.execute(text("SELECT count(*) FROM case_version")).scalar_one()
        n_saves = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'version.save'")
        ).scalar_one()
        assert n_versions == n_saves
        for case_id, latest in conn.execute(text("SELECT id, latest_version FROM case_header")):
            nos = (
                conn.execute(
                    text(
                        "SELECT version_no FROM case_version WHERE case_id = :c ORDER BY version_no"
                    ),
                    {"c": case_id},
                )
                .scalars()
                .all()
            )
            assert nos == list(range(1, latest + 1))
    return int(n_versions)


@pytest.mark.slow
def test_kill_9_keeps_every_acknowledged_save(
    db_url: str, store: CaseStore, engine: Engine
) -> None:
    store.save(source(0), org="acme", user="alice")  # schema and organisation exist
    child = spawn(db_url, "alice", 10_000)
    acks: list[tuple[int, int, str]] = []
    assert child.stdout is not None
    deadline = time.monotonic() + 120
    while len(acks) < 5 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        _, case_id, version_no, sha = line.split()
        acks.append((int(case_id), int(version_no), sha))
    time.sleep(0.05 * (len(acks) % 3))  # land the kill at different points of a save
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL and len(acks) == 5
    with read_session(engine) as s:
        repo = store.org(s, "acme")
        for case_id, version_no, sha in acks:
            assert repo.version(case_id, version_no).content_sha256 == sha
    n = consistent(store, engine)
    assert n >= 1 + len(acks)
    # the store stays writable after the crash (no stale lock, chain head intact)
    store.save(source(1), org="acme", user="alice")
    assert consistent(store, engine) == n + 1


@pytest.mark.slow
def test_concurrent_saves_from_several_processes_lose_nothing(
    db_url: str, store: CaseStore, engine: Engine
) -> None:
    store.save(source(0), org="acme", user="alice")
    per_child = 4
    children = [
        spawn(db_url, "alice", per_child),
        spawn(db_url, "bob", per_child),
        spawn(db_url, "carol", per_child, case_id=1),
        spawn(db_url, "dan", per_child, case_id=1),
    ]
    outs = [c.communicate(timeout=300) for c in children]
    for c, (out, err) in zip(children, outs, strict=True):
        assert c.returncode == 0, err
        assert out.count("ACK") == per_child
    acked = [tuple(line.split()[1:3]) for out, _ in outs for line in out.splitlines()]
    assert len(set(acked)) == 4 * per_child  # no two saves got the same version number
    assert consistent(store, engine) == 1 + 4 * per_child
    with read_session(engine) as s:
        assert store.org(s, "acme").case(1).latest_version == 1 + 2 * per_child
