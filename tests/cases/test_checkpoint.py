"""Audit checkpoints: fast verification from a verified prefix, and every way to tamper with it."""

from __future__ import annotations

import pytest
from cases_helpers import disable_append_only, execute, source
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

import ipvalue
from ipvalue.cases import CaseStore
from ipvalue.core.errors import InputError


def _seeded(store: CaseStore, n: int = 3) -> None:
    for i in range(n):
        store.save(source(i), org="acme", user="alice")


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_checkpoint_records_the_verified_head_and_is_audited(
    store: CaseStore, engine: Engine
) -> None:
    _seeded(store)  # org, user, 3 × (case, version) = 8 entries
    report, cp = store.checkpoint("acme", user="alice")
    assert report.ok and cp is not None
    assert (cp.seq, cp.actor, cp.verified_by) == (8, "alice", ipvalue.__version__)
    assert cp.head_hash == _scalar(engine, "SELECT hash FROM audit_log WHERE seq = 8")
    # the checkpoint is entry 9 of the chain, which vouches for the checkpoint row
    assert _scalar(engine, "SELECT action FROM audit_log WHERE seq = 9") == "audit.checkpoint"
    assert store.verify("acme").ok


def test_fast_verify_rehashes_only_entries_after_the_checkpoint(store: CaseStore) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    store.save(source(9), org="acme", user="alice")
    full = store.verify("acme")
    fast = store.verify("acme", since_checkpoint=True)
    # full: 8 + checkpoint entry + case + version = 11; fast: the 3 after seq 8
    assert (full.entries, full.since, full.checkpoints) == (11, None, 1)
    assert fast.ok and fast.entries == 3 and fast.since is not None and fast.since.seq == 8
    assert (fast.head_seq, fast.head_hash) == (full.head_seq, full.head_hash)


def test_without_checkpoint_fast_verify_is_full(store: CaseStore) -> None:
    _seeded(store)
    fast = store.verify("acme", since_checkpoint=True)
    assert fast.ok and fast.since is None and fast.entries == 8


def test_latest_checkpoint_is_used(store: CaseStore) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    store.save(source(5), org="acme", user="alice")
    _, second = store.checkpoint("acme", user="alice")
    assert second is not None and second.seq == 11
    assert [c.seq for c in store.checkpoints("acme")] == [8, 11]
    fast = store.verify("acme", since_checkpoint=True)
    assert fast.since == second and fast.entries == 1  # only the second checkpoint's entry


def test_checkpoint_table_is_append_only(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    for sql in ("UPDATE audit_checkpoint SET seq = 1", "DELETE FROM audit_checkpoint"):
        with pytest.raises(DBAPIError, match="append-only"):
            execute(engine, sql)


def test_tamper_before_checkpoint_is_caught_by_full_verify_only(
    store: CaseStore, engine: Engine
) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    disable_append_only(engine, "case_version")
    execute(engine, "UPDATE case_version SET value = value * 2 WHERE case_id = 1")
    # the fast path trusts the verified prefix (documented) ...
    assert store.verify("acme", since_checkpoint=True).ok
    # ... a full verification does not: version 1 is recorded by entry 4
    problem = store.verify("acme").problem
    assert problem is not None and problem.seq == 4 and "altered" in problem.reason


def test_deleted_entry_before_checkpoint_is_caught_by_full_verify(
    store: CaseStore, engine: Engine
) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    disable_append_only(engine, "audit_log")
    execute(engine, "DELETE FROM audit_log WHERE seq = 2")
    assert store.verify("acme", since_checkpoint=True).ok
    problem = store.verify("acme").problem
    assert problem is not None and problem.seq == 3 and "expected seq 2" in problem.reason


def test_altered_checkpoint_entry_is_reported_by_both_paths(
    store: CaseStore, engine: Engine
) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    disable_append_only(engine, "audit_log")
    execute(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 8")
    fast = store.verify("acme", since_checkpoint=True).problem
    assert fast is not None and fast.seq == 8 and "checkpoint 1 at seq 8" in fast.reason
    full = store.verify("acme").problem
    assert full is not None and full.seq == 8 and "entry altered" in full.reason


def test_rewritten_chain_no_longer_matches_the_checkpoint(store: CaseStore, engine: Engine) -> None:
    """Someone rewrites entry 5 and re-hashes the whole chain consistently (and the head):
    every link verifies, but the checkpoint's hash at seq 8 is no longer the chain's."""
    from ipvalue.cases._audit import entry_hash

    _seeded(store)
    _, cp = store.checkpoint("acme", user="alice")
    assert cp is not None
    disable_append_only(engine, "audit_log")
    cols = "id, org_id, seq, at, actor, action, entity, entity_id, payload_json, prev_hash, hash"
    with engine.begin() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(text(f"SELECT {cols} FROM audit_log ORDER BY id"))
        ]
        prev = "0" * 64
        for r in rows:
            if r["seq"] == 5:
                r["actor"] = "mallory"
            r["prev_hash"] = prev
            r["hash"] = prev = entry_hash(r)
            conn.execute(
                text(
                    "UPDATE audit_log SET actor = :actor, prev_hash = :prev_hash, "
                    "hash = :hash WHERE id = :id"
                ),
                r,
            )
        conn.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
    for report in (store.verify("acme"), store.verify("acme", since_checkpoint=True)):
        assert report.problem is not None and report.problem.seq == 8
        assert "checkpoint 1 at seq 8" in report.problem.reason
        assert "rewritten" in report.problem.reason or "altered" in report.problem.reason


def test_altered_checkpoint_row_is_caught(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    disable_append_only(engine, "audit_checkpoint")
    other = _scalar(engine, "SELECT hash FROM audit_log WHERE seq = 7")
    execute(engine, "UPDATE audit_checkpoint SET head_hash = :h", h=other)
    fast = store.verify("acme", since_checkpoint=True).problem
    assert fast is not None and "recorded hash" in fast.reason
    full = store.verify("acme").problem
    # the first mismatch in chain order: the checkpoint at seq 8 against the chain
    assert full is not None and full.seq == 8 and "checkpoint 1" in full.reason


def test_deleted_checkpoint_row_is_caught(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    disable_append_only(engine, "audit_checkpoint")
    execute(engine, "DELETE FROM audit_checkpoint")
    problem = store.verify("acme").problem
    assert problem is not None and problem.seq == 9 and "missing" in problem.reason


def test_checkpoint_entry_deleted_from_chain(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    disable_append_only(engine, "audit_log")
    # remove entries 8 and 9 (the checkpointed head and the checkpoint's own entry)
    execute(engine, "DELETE FROM audit_log WHERE seq >= 8")
    fast = store.verify("acme", since_checkpoint=True).problem
    assert fast is not None and "no entry at that seq" in fast.reason
    full = store.verify("acme").problem
    assert full is not None and "beyond the end of the chain" in full.reason


def test_broken_chain_writes_no_checkpoint(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "audit_log")
    execute(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    report, cp = store.checkpoint("acme", user="alice")
    assert cp is None and report.problem is not None and report.problem.seq == 3
    assert _scalar(engine, "SELECT COUNT(*) FROM audit_checkpoint") == 0
    assert _scalar(engine, "SELECT MAX(seq) FROM audit_log") == 8


def test_checkpoint_needs_a_known_user(store: CaseStore) -> None:
    _seeded(store)
    with pytest.raises(InputError, match="unknown user 'mallory'"):
        store.checkpoint("acme", user="mallory")


def test_show_reports_the_checkpoint_and_case_entries(store: CaseStore) -> None:
    _seeded(store)
    store.checkpoint("acme", user="alice")
    store.check(2, org="acme", user="alice")
    report, entries = store.case_audit("acme", 2)
    assert report.ok and report.since is not None and report.entries == 2  # cp entry + check
    # case 2: created at seq 5, saved at 6, checked at 10 (case 12 would not match "case_id":1)
    assert [(e["seq"], e["action"]) for e in entries] == [
        (5, "case.create"),
        (6, "version.save"),
        (10, "version.check"),
    ]
