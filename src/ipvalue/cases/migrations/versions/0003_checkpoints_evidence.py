"""Audit checkpoints and the evidence files of each stored version.

``audit_checkpoint``: a verified prefix of an organisation's audit chain (entry, its hash, when,
by which ipvalue version and user), so reads can verify only the entries after it.
``case_evidence_file``: the data files a version's valuation read (case field, path as read,
SHA-256 at save), so a later recalculation can tell a changed or missing file from a bug.
Both are append-only (same triggers as ``audit_log``) and, on PostgreSQL, under the same
row-level security policy as the other tenant tables.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("audit_checkpoint", "case_evidence_file")
_POLICY = (
    "NULLIF(current_setting('ipvalue.org_id', true), '') IS NULL "
    "OR org_id = NULLIF(current_setting('ipvalue.org_id', true), '')::integer"
)


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("entry_id", sa.Integer, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("verified_at", sa.String(40), nullable=False),
        sa.Column("verified_by", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
    )
    op.create_table(
        "case_evidence_file",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("case_version.id"), nullable=False, index=True
        ),
        sa.Column("field", sa.String(300), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'ipvalue: {table} is append-only'); END"
                )
        elif dialect == "postgresql":
            # ipvalue_append_only() was created by 0001.
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ipvalue_append_only()"
            )
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {table}_org_isolation ON {table} "
                f"USING ({_POLICY}) WITH CHECK ({_POLICY})"
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
