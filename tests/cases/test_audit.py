"""Audit chain: hashing by hand, and verification catching altered, deleted, reordered rows."""

from __future__ import annotations

import hashlib
import itertools
import json

import pytest
from cases_helpers import disable_append_only, execute, source
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from ipvalue.cases import CaseStore, canonical_json, entry_hash
from ipvalue.cases._audit import GENESIS


def test_canonical_json_sorts_keys_and_is_compact() -> None:
    assert canonical_json({"b": 1, "a": [1.5, "é"]}) == '{"a":[1.5,"é"],"b":1}'


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


def test_entry_hash_is_sha256_of_canonical_fields_without_id_and_hash() -> None:
    fields = {"id": 99, "seq": 1, "prev_hash": GENESIS, "action": "a", "hash": "ignored"}
    by_hand = hashlib.sha256(
        ('{"action":"a","prev_hash":"' + GENESIS + '","seq":1}').encode()
    ).hexdigest()
    assert entry_hash(fields) == by_hand


def _seeded(store: CaseStore) -> None:
    for i in range(3):
        store.save(source(i), org="acme", user="alice")
    store.add_user(org="acme", actor="alice", username="bob")
    store.submit(1, org="acme", user="alice")


def _entries(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(
                text(
                    "SELECT id, seq, action, hash, prev_hash, payload_json FROM audit_log "
                    "ORDER BY id"
                )
            )
        ]


def test_intact_chain_verifies_and_links(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    report = store.verify("acme")
    rows = _entries(engine)
    assert report.ok and report.entries == len(rows) == report.head_seq
    # org, user alice, 3 × (case + version), user bob, submit
    assert [r["action"] for r in rows] == [
        "org.create",
        "user.create",
        "case.create",
        "version.save",
        "case.create",
        "version.save",
        "case.create",
        "version.save",
        "user.create",
        "review.submit",
    ]
    assert rows[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    assert report.head_hash == rows[-1]["hash"]


def test_append_only_trigger_refuses_update_and_delete(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    for sql in (
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "UPDATE case_version SET value = 1 WHERE id = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            execute(engine, sql)
    assert store.verify("acme").ok


def test_altered_entry_is_named(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "audit_log")
    execute(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 4")
    report = store.verify("acme")
    assert not report.ok and report.problem is not None
    assert report.problem.seq == 4 and report.problem.position == 4
    assert "altered" in report.problem.reason


def test_deleted_entry_is_named(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "audit_log")
    execute(engine, "DELETE FROM audit_log WHERE seq = 3")
    problem = store.verify("acme").problem
    # position 3 now holds seq 4: the gap is reported at the first entry after the hole
    assert problem is not None and problem.position == 3 and problem.seq == 4
    assert "expected seq 3" in problem.reason


def test_reordered_entries_are_named(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "audit_log")
    rows = {r["seq"]: r for r in _entries(engine)}
    a, b = rows[5], rows[6]
    # Swap the stored order: entry 6's content moves to entry 5's row and back.
    cols = "seq, at, actor, action, entity, entity_id, payload_json, prev_hash, hash"
    with engine.begin() as conn:
        got = {
            r.id: dict(r._mapping)
            for r in conn.execute(
                text(f"SELECT id, {cols} FROM audit_log WHERE id IN (:a, :b)"),
                {"a": a["id"], "b": b["id"]},
            )
        }
        conn.execute(text("UPDATE audit_log SET seq = -1 WHERE id = :a"), {"a": a["id"]})
        for target, src in ((b["id"], a["id"]), (a["id"], b["id"])):
            vals = {k: v for k, v in got[src].items() if k != "id"}
            sets = ", ".join(f"{k} = :{k}" for k in vals)
            conn.execute(
                text(f"UPDATE audit_log SET {sets} WHERE id = :id"), {**vals, "id": target}
            )
    problem = store.verify("acme").problem
    assert problem is not None and problem.position == 5 and problem.seq == 6


def test_deleted_tail_is_detected_by_the_head(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "audit_log")
    execute(engine, "DELETE FROM audit_log WHERE seq = 10")
    problem = store.verify("acme").problem
    assert problem is not None and "head is at seq 10" in problem.reason


def test_altered_case_version_is_caught_through_its_entry(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "case_version")
    execute(engine, "UPDATE case_version SET value = value * 2 WHERE case_id = 2")
    problem = store.verify("acme").problem
    assert problem is not None and problem.seq == 6
    assert "case_version" in problem.reason and "altered" in problem.reason


def test_deleted_transition_is_caught(store: CaseStore, engine: Engine) -> None:
    _seeded(store)
    disable_append_only(engine, "review_transition")
    execute(engine, "DELETE FROM review_transition")
    problem = store.verify("acme").problem
    assert problem is not None and problem.seq == 10 and "missing" in problem.reason


def test_export_is_the_chain_in_order(store: CaseStore) -> None:
    _seeded(store)
    entries = store.export("acme")
    assert [e["seq"] for e in entries] == list(range(1, 11))
    assert entries[3]["payload"]["case_id"] == 1
    body = {
        k: (json.dumps(v, sort_keys=True, separators=(",", ":")) if k == "payload" else v)
        for k, v in entries[3].items()
    }
    body["payload_json"] = body.pop("payload")
    body["org_id"] = 1
    assert entry_hash(body) == entries[3]["hash"]


def test_verification_in_batches_finds_the_same_problems(
    store: CaseStore, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are fetched per batch of entries; with batches of 3 the 10 entries span four
    batches, and a problem in any batch is reported as without batching."""
    from ipvalue.cases import _audit

    monkeypatch.setattr(_audit, "_BATCH", 3)
    _seeded(store)
    report = store.verify("acme")
    assert report.ok and report.entries == 10
    disable_append_only(engine, "case_version")
    execute(engine, "UPDATE case_version SET value = value * 2 WHERE case_id = 2")
    problem = store.verify("acme").problem
    assert problem is not None and problem.seq == 6 and "altered" in problem.reason
    disable_append_only(engine, "review_transition")
    execute(engine, "DELETE FROM review_transition")
    monkeypatch.setattr(_audit, "_BATCH", 1)
    assert store.verify("acme").problem.seq == 6  # type: ignore[union-attr]
