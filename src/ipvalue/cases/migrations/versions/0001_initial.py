"""Initial case store: organisations, users, cases, versions, review, findings, audit chain.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Tables whose rows are never updated nor deleted once written.
APPEND_ONLY = (
    "case_version",
    "review_transition",
    "review_comment",
    "quality_finding",
    "audit_log",
)


def _ts() -> sa.Column:
    return sa.Column("at", sa.String(40), nullable=False)


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("org_id", "username"),
    )
    op.create_table(
        "case_header",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("app_user.id"), nullable=False),
    )
    op.create_table(
        "case_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("case_header.id"), nullable=False, index=True
        ),
        sa.Column("version_no", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("source_format", sa.String(8), nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("case_json", sa.Text, nullable=False),
        sa.Column("resolved_json", sa.Text, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("software_version", sa.String(40), nullable=False),
        sa.Column("refdata_version", sa.String(80), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("ip_type", sa.String(40), nullable=True, index=True),
        sa.Column("jurisdiction", sa.String(16), nullable=True),
        sa.Column("tech_class", sa.String(40), nullable=True),
        sa.Column("purpose", sa.String(40), nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("royalty_rate", sa.Float, nullable=True),
        sa.Column("discount_rate", sa.Float, nullable=True),
        sa.Column("economic_life", sa.Float, nullable=True),
        sa.Column("growth", sa.Float, nullable=True),
        sa.Column("contribution", sa.Float, nullable=True),
        sa.UniqueConstraint("case_id", "version_no"),
    )
    op.create_table(
        "review_transition",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("case_version.id"), nullable=False, index=True
        ),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("subject_id", sa.Integer, sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        _ts(),
    )
    op.create_table(
        "review_comment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("case_version.id"), nullable=False, index=True
        ),
        sa.Column("field", sa.String(300), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("app_user.id"), nullable=False),
        _ts(),
    )
    op.create_table(
        "quality_finding",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey("case_version.id"), nullable=False, index=True
        ),
        sa.Column("run_at", sa.String(40), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("field", sa.String(300), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("detail_json", sa.Text, nullable=False),
    )
    op.create_table(
        "org_setting",
        sa.Column("org_id", sa.Integer, sa.ForeignKey("organisation.id"), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_table(
        "audit_head",
        sa.Column("org_id", sa.Integer, sa.ForeignKey("organisation.id"), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("organisation.id"), nullable=False, index=True
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        _ts(),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("payload_json", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("org_id", "seq"),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION ipvalue_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'ipvalue: % is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'ipvalue: {table} is append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ipvalue_append_only()"
            )


def downgrade() -> None:
    for table in (
        "audit_log",
        "audit_head",
        "org_setting",
        "quality_finding",
        "review_comment",
        "review_transition",
        "case_version",
        "case_header",
        "app_user",
        "organisation",
    ):
        op.drop_table(table)
