"""Tamper-evident audit trail: one hash chain per organisation.

Each entry stores ``prev_hash`` (the previous entry's hash, 64 zeros for the first) and ``hash`` =
SHA-256 of the canonical JSON (sorted keys, no whitespace, UTF-8) of all its fields except
``hash``. Writers lock the organisation's chain head (``audit_head``) before writing anything, so
the chain stays linear under concurrent saves. Entries that record a stored row (a case version,
a transition, a comment) carry that row's SHA-256, so editing the row itself is detected too.

A *checkpoint* records a prefix of the chain that was verified in full (the entry, its hash,
when, by which ipvalue version and user). Reads that report audit status verify only from the
latest checkpoint (after checking that the chain still has the recorded hash at that entry);
a full verification re-hashes everything and also checks every checkpoint against the chain.
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

from ipvalue.cases._models import (
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    CaseVersion,
    Comment,
    Transition,
)
from ipvalue.core.db import insert_ignore

GENESIS = "0" * 64
#: Entities whose row is re-hashed by :func:`verify_chain`.
_ROW_TABLES: dict[str, Any] = {
    "case_version": CaseVersion,
    "review_transition": Transition,
    "review_comment": Comment,
    "audit_checkpoint": AuditCheckpoint,
}


def utc_now() -> str:
    """Current UTC time as ISO 8601 text (stored as text so hashes do not depend on the driver)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def canonical_json(obj: Any) -> str:
    """Canonical JSON: sorted keys, compact separators, non-ASCII kept, NaN refused."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


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
        insert_ignore(
            session,
            AuditHead.__table__,  # type: ignore[arg-type]
            {"org_id": org_id, "seq": 0, "hash": GENESIS},
        )
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
class Checkpoint:
    """A recorded checkpoint: entries up to ``seq`` (row id ``entry_id``, hash ``head_hash``)
    were verified at ``verified_at`` by ipvalue ``verified_by`` on request of ``actor``."""

    id: int
    seq: int
    entry_id: int
    head_hash: str
    verified_at: str
    verified_by: str
    actor: str

    @classmethod
    def of(cls, row: AuditCheckpoint) -> Checkpoint:
        return cls(
            row.id,
            row.seq,
            row.entry_id,
            row.head_hash,
            row.verified_at,
            row.verified_by,
            row.actor,
        )

    def describe(self) -> str:
        return (
            f"checkpoint {self.id} at seq {self.seq} (verified {self.verified_at} by "
            f"ipvalue {self.verified_by}, {self.actor})"
        )


@dataclass(frozen=True)
class AuditReport:
    """Outcome of :func:`verify_chain`: entries checked, head, and the first problem if any.

    ``since`` is the checkpoint verification started after (None: the whole chain from the
    first entry); ``entries`` counts the entries re-hashed, i.e. only those after ``since``.
    ``checkpoints`` counts the checkpoints compared with the chain.
    """

    org_code: str
    entries: int
    head_seq: int
    head_hash: str
    problem: AuditProblem | None
    since: Checkpoint | None = None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def iter_entries(session: Session, org_id: int, *, after_id: int = 0) -> Iterator[AuditEntry]:
    """Entries of one organisation in storage order (row id), those after ``after_id``."""
    yield from session.execute(
        select(AuditEntry)
        .where(AuditEntry.org_id == org_id, AuditEntry.id > after_id)
        .order_by(AuditEntry.id)
    ).scalars()


def checkpoints(session: Session, org_id: int) -> list[Checkpoint]:
    """The organisation's checkpoints, oldest first."""
    rows = session.execute(
        select(AuditCheckpoint).where(AuditCheckpoint.org_id == org_id).order_by(AuditCheckpoint.id)
    ).scalars()
    return [Checkpoint.of(r) for r in rows]


def latest_checkpoint(session: Session, org_id: int) -> Checkpoint | None:
    """The checkpoint covering the longest prefix (the newest one among equals)."""
    row = session.execute(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.org_id == org_id)
        .order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if row is None else Checkpoint.of(row)


def verify_chain(
    session: Session, org_id: int, org_code: str, *, since_checkpoint: bool = False
) -> AuditReport:
    """Re-hash an organisation's chain and the rows it vouches for; report the first problem.

    Detects an altered entry (its hash no longer matches), a removed entry (sequence gap and
    ``prev_hash`` mismatch), reordered entries (sequence out of storage order), an altered or
    removed case version / transition / comment / checkpoint (row hash differs or row missing),
    a removed tail (chain head ahead of the last entry), and a checkpoint whose recorded hash
    is not the chain's at its entry (the chain before it was rewritten, or the checkpoint was
    altered).

    With ``since_checkpoint`` only the entries after the latest checkpoint are re-hashed, once
    the checkpoint's entry is found to still carry the recorded hash and content; tampering
    before the checkpoint that leaves that entry intact (e.g. an entry removed before it) is
    then found only by a full verification. Without a checkpoint the whole chain is verified.
    """
    since = latest_checkpoint(session, org_id) if since_checkpoint else None
    if since is None:
        marks: dict[int, list[Checkpoint]] = {}
        for cp in checkpoints(session, org_id):
            marks.setdefault(cp.seq, []).append(cp)
        return _verify(session, org_id, org_code, None, marks)
    anchor = session.execute(
        select(AuditEntry).where(AuditEntry.org_id == org_id, AuditEntry.seq == since.seq)
    ).scalar_one_or_none()
    problem = None
    if anchor is None:
        problem = AuditProblem(
            since.seq,
            since.seq,
            since.entry_id,
            f"{since.describe()}: the chain has no entry at that seq (entries removed)",
        )
    elif anchor.id != since.entry_id or entry_hash(row_fields(anchor)) != anchor.hash:
        problem = AuditProblem(
            since.seq,
            since.seq,
            anchor.id,
            f"{since.describe()}: the entry at that seq was altered or moved since the checkpoint",
        )
    else:
        problem = _checkpoint_mismatch(since, anchor)
    if problem is not None:
        return AuditReport(org_code, 0, 0, "", problem, since, 1)
    return _verify(session, org_id, org_code, since, {})


def _checkpoint_mismatch(cp: Checkpoint, entry: AuditEntry) -> AuditProblem | None:
    if cp.entry_id == entry.id and cp.head_hash == entry.hash:
        return None
    return AuditProblem(
        cp.seq,
        entry.seq,
        entry.id,
        f"{cp.describe()} recorded hash {cp.head_hash[:16]}… for entry id {cp.entry_id}, but "
        f"the chain has {entry.hash[:16]}… (entry id {entry.id}) there: the chain before the "
        "checkpoint was rewritten, or the checkpoint was altered",
    )


def _verify(
    session: Session,
    org_id: int,
    org_code: str,
    since: Checkpoint | None,
    marks: dict[int, list[Checkpoint]],
) -> AuditReport:
    """Walk the entries after ``since`` (all without), checking each against ``marks``."""
    base = since.seq if since else 0
    prev = last_hash = since.head_hash if since else GENESIS
    expected_seq, position, checked = base + 1, base, 1 if since else 0
    after = since.entry_id if since else 0
    for batch in _batches(iter_entries(session, org_id, after_id=after)):
        rows = _recorded_rows(session, batch)
        for entry in batch:
            position += 1
            problem = _check_entry(rows, entry, position, expected_seq, prev)
            for cp in marks.get(entry.seq, ()) if problem is None else ():
                checked += 1
                problem = problem or _checkpoint_mismatch(cp, entry)
            if problem is not None:
                return AuditReport(org_code, position - base, 0, "", problem, since, checked)
            prev = last_hash = entry.hash
            expected_seq += 1
    entries = position - base
    beyond = [cp for seq, cps in marks.items() if seq >= expected_seq for cp in cps]
    if beyond:
        cp = beyond[0]
        problem = AuditProblem(
            position + 1,
            cp.seq,
            cp.entry_id,
            f"{cp.describe()} lies beyond the end of the chain (seq "
            f"{expected_seq - 1}): entries were removed",
        )
        return AuditReport(org_code, entries, 0, "", problem, since, checked + len(beyond))
    head = session.get(AuditHead, org_id)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != expected_seq - 1 or head_hash != last_hash:
        problem = AuditProblem(
            position + 1,
            expected_seq,
            None,
            f"chain head is at seq {head_seq} but the log ends at seq {expected_seq - 1}: "
            "entries were removed from the end or the head was altered",
        )
        return AuditReport(org_code, entries, head_seq, head_hash, problem, since, checked)
    return AuditReport(org_code, entries, head_seq, head_hash, None, since, checked)


#: Entries verified per batch; the rows they record are fetched with one query per table.
_BATCH = 2_000


def _batches(entries: Iterator[AuditEntry]) -> Iterator[list[AuditEntry]]:
    batch: list[AuditEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _recorded_rows(session: Session, batch: list[AuditEntry]) -> dict[tuple[str, int], Any]:
    """The rows the entries of ``batch`` vouch for, by (entity, id): one query per table
    instead of one per entry (verification of long chains is dominated by these lookups)."""
    ids: dict[str, set[int]] = {}
    for e in batch:
        if e.entity in _ROW_TABLES and e.entity_id.isdigit():
            ids.setdefault(e.entity, set()).add(int(e.entity_id))
    out: dict[tuple[str, int], Any] = {}
    for entity, wanted in ids.items():
        table = _ROW_TABLES[entity]
        for row in session.execute(select(table).where(table.id.in_(sorted(wanted)))).scalars():
            out[(entity, row.id)] = row
    return out


def _check_entry(
    rows: dict[tuple[str, int], Any],
    entry: AuditEntry,
    position: int,
    expected_seq: int,
    prev: str,
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
    row = rows.get((entry.entity, int(entry.entity_id))) if entry.entity_id.isdigit() else None
    if row is None:
        return bad(f"{entry.entity} {entry.entity_id} it records is missing (row deleted)")
    if recorded is not None and row_sha256(row) != recorded:
        return bad(f"{entry.entity} {entry.entity_id} it records was altered after writing")
    return None
