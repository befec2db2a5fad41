"""Tamper-evident audit trail: one hash chain per organisation.

Each entry stores ``prev_hash`` (the previous entry's hash, 64 zeros for the first) and ``hash`` =
SHA-256 of the canonical JSON (sorted keys, no whitespace, UTF-8) of all its fields except
``hash``. Writers lock the organisation's chain head (``audit_head``) before writing anything, so
the chain stays linear under concurrent saves. Entries that record a stored row (a case version,
a transition, a comment) carry that row's SHA-256, so editing the row itself is detected too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipvalue.cases._models import AuditEntry, AuditHead, CaseVersion, Comment, Transition
from ipvalue.core.db import insert_ignore

GENESIS = "0" * 64
#: Entities whose row is re-hashed by :func:`verify_chain`.
_ROW_TABLES: dict[str, Any] = {
    "case_version": CaseVersion,
    "review_transition": Transition,
    "review_comment": Comment,
}


def utc_now() -> str:
    """Current UTC time as ISO 8601 text (stored as text so hashes do not depend on the driver)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def canonical_json(obj: Any) -> str:
    """Canonical JSON: sorted keys, compact separators, non-ASCII kept, NaN refused."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def sha256_hex(text: str) -> str:
    """SHA-256 of UTF-8 ``text`` as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_fields(row: Any) -> dict[str, Any]:
    """All column values of an ORM row (the content an audit entry vouches for)."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def row_sha256(row: Any) -> str:
    """SHA-256 of the canonical JSON of a row's columns."""
    return sha256_hex(canonical_json(row_fields(row)))


def entry_hash(fields: Mapping[str, Any]) -> str:
    """Hash of an audit entry: SHA-256 over the canonical JSON of every field except ``hash``.

    ``id`` (the storage key) is excluded; ``seq`` and ``prev_hash`` are included, so that
    changing the order or removing an entry breaks the chain.
    """
    body = {k: v for k, v in fields.items() if k not in ("hash", "id")}
    return sha256_hex(canonical_json(body))


def lock_head(session: Session, org_id: int) -> AuditHead:
    """Lock and return the organisation's chain head (created on first use).

    Call first in every write transaction: on PostgreSQL the row lock serialises writers of one
    organisation; on SQLite ``BEGIN IMMEDIATE`` has already done so.
    """
    stmt = select(AuditHead).where(AuditHead.org_id == org_id).with_for_update()
    head = session.execute(stmt).scalar_one_or_none()
    if head is None:
        insert_ignore(session, AuditHead.__table__,  # type: ignore[arg-type]
                      {"org_id": org_id, "seq": 0, "hash": GENESIS})
        head = session.execute(stmt).scalar_one()
    return head


def append(
    session: Session,
    head: AuditHead,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int,
    payload: Mapping[str, Any],
    row: Any = None,
) -> AuditEntry:
    """Append one entry after ``head`` (which must be locked by :func:`lock_head`).

    ``row``, when given, is flushed first and its SHA-256 is recorded in the payload as
    ``row_sha256``.
    """
    body = dict(payload)
    if row is not None:
        session.flush()
        body["row_sha256"] = row_sha256(row)
    fields: dict[str, Any] = {
        "org_id": head.org_id,
        "seq": head.seq + 1,
        "at": utc_now(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "payload_json": canonical_json(body),
        "prev_hash": head.hash,
    }
    fields["hash"] = entry_hash(fields)
    entry = AuditEntry(**fields)
    session.add(entry)
    head.seq = fields["seq"]
    head.hash = fields["hash"]
    return entry


@dataclass(frozen=True)
class AuditProblem:
    """The first inconsistency found: which entry (by position and seq) and why."""

    position: int
    seq: int | None
    entry_id: int | None
    reason: str

    def __str__(self) -> str:
        who = f"entry seq {self.seq} (row id {self.entry_id})" if self.seq is not None else "chain"
        return f"{who} at position {self.position}: {self.reason}"


@dataclass(frozen=True)
class AuditReport:
    """Outcome of :func:`verify_chain`: entries checked, head, and the first problem if any."""

    org_code: str
    entries: int
    head_seq: int
    head_hash: str
    problem: AuditProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def iter_entries(session: Session, org_id: int) -> Iterator[AuditEntry]:
    """Entries of one organisation in storage order (row id)."""
    yield from session.execute(
        select(AuditEntry).where(AuditEntry.org_id == org_id).order_by(AuditEntry.id)
    ).scalars()


def verify_chain(session: Session, org_id: int, org_code: str) -> AuditReport:
    """Re-hash an organisation's chain and the rows it vouches for; report the first problem.

    Detects an altered entry (its hash no longer matches), a removed entry (sequence gap and
    ``prev_hash`` mismatch), reordered entries (sequence out of storage order), an altered or
    removed case version / transition / comment (row hash differs or row missing) and a removed
    tail (chain head ahead of the last entry).
    """
    prev, expected_seq, position, last_hash = GENESIS, 1, 0, GENESIS
    for position, entry in enumerate(iter_entries(session, org_id), start=1):
        problem = _check_entry(session, entry, position, expected_seq, prev)
        if problem is not None:
            return AuditReport(org_code, position, 0, "", problem)
        prev = last_hash = entry.hash
        expected_seq += 1
    head = session.get(AuditHead, org_id)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != last_hash:
        problem = AuditProblem(
            position + 1, expected_seq, None,
            f"chain head is at seq {head_seq} but the log ends at seq {expected_seq - 1}: "
            "entries were removed from the end or the head was altered",
        )
        return AuditReport(org_code, position, head_seq, head_hash, problem)
    return AuditReport(org_code, position, head_seq, head_hash, None)


def _check_entry(
    session: Session, entry: AuditEntry, position: int, expected_seq: int, prev: str
) -> AuditProblem | None:
    def bad(reason: str) -> AuditProblem:
        return AuditProblem(position, entry.seq, entry.id, reason)

    if entry.seq != expected_seq:
        kind = "removed" if entry.seq > expected_seq else "reordered or duplicated"
        return bad(f"expected seq {expected_seq}, found {entry.seq} (entries {kind})")
    if entry.prev_hash != prev:
        return bad("prev_hash does not match the previous entry's hash (entry removed or moved)")
    if entry_hash(row_fields(entry)) != entry.hash:
        return bad("stored hash does not match the entry's content (entry altered)")
    table = _ROW_TABLES.get(entry.entity)
    if table is None:
        return None
    recorded = json.loads(entry.payload_json).get("row_sha256")
    row = session.get(table, int(entry.entity_id))
    if row is None:
        return bad(f"{entry.entity} {entry.entity_id} it records is missing (row deleted)")
    if recorded is not None and row_sha256(row) != recorded:
        return bad(f"{entry.entity} {entry.entity_id} it records was altered after writing")
    return None
