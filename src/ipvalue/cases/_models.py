"""SQLAlchemy 2 tables of the case store.

Every row that belongs to a client carries ``org_id``; :class:`~ipvalue.cases.CaseRepository`
adds the organisation filter to every query. Versions, transitions, comments, findings and audit
entries are append-only (database triggers refuse UPDATE and DELETE, see the initial migration);
the only mutable rows are the case header (latest version pointer), the audit-chain head and the
organisation settings.
"""

from __future__ import annotations

from sqlalchemy import (
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the case store."""


class Organisation(Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("org_id", "username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))


class Case(Base):
    """Case header: identity, classification of the latest version, pointer to it."""

    __tablename__ = "case_header"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class CaseVersion(Base):
    """One immutable saved valuation: the case as given, what was resolved, the result."""

    __tablename__ = "case_version"
    __table_args__ = (UniqueConstraint("case_id", "version_no"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_header.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    source_name: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    case_json: Mapped[str] = mapped_column(Text)
    resolved_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(40))
    refdata_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Classification and key parameters, denormalised for similar-case queries and checks.
    title: Mapped[str] = mapped_column(String(300))
    ip_type: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tech_class: Mapped[str | None] = mapped_column(String(40), nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    royalty_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    discount_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    economic_life: Mapped[float | None] = mapped_column(Float, nullable=True)
    growth: Mapped[float | None] = mapped_column(Float, nullable=True)
    contribution: Mapped[float | None] = mapped_column(Float, nullable=True)


class Transition(Base):
    """A workflow step of one version (who, when, from which state to which)."""

    __tablename__ = "review_transition"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("case_version.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[str] = mapped_column(String(40))


class Comment(Base):
    """A reviewer's or preparer's remark on one field of a version."""

    __tablename__ = "review_comment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("case_version.id"), index=True)
    field: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[str] = mapped_column(String(40))


class Finding(Base):
    """One quality-check result of one check run on a version."""

    __tablename__ = "quality_finding"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("case_version.id"), index=True)
    run_at: Mapped[str] = mapped_column(String(40))
    trigger: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(8))
    field: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    detail_json: Mapped[str] = mapped_column(Text)


class OrgSetting(Base):
    """An organisation-level override of a case-store setting (changes are audited)."""

    __tablename__ = "org_setting"
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class EvidenceFile(Base):
    """A data file a version's valuation read: case field, path as read, SHA-256 at save."""

    __tablename__ = "case_evidence_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("case_version.id"), index=True)
    field: Mapped[str] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """Tip of an organisation's audit chain; locked by every writer to keep the chain linear."""

    __tablename__ = "audit_head"
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """One audited write; ``hash`` = SHA-256 of the canonical JSON of the entry incl. prev_hash."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("org_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    payload_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A verified prefix of an organisation's chain: entries up to ``seq`` re-hashed and found
    intact at ``verified_at`` by ipvalue ``verified_by``, on request of ``actor``."""

    __tablename__ = "audit_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[str] = mapped_column(String(40))
    verified_by: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(64))
