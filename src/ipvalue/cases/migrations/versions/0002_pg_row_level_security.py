"""PostgreSQL row-level security: a transaction scoped to an organisation sees only its rows.

The repository sets ``ipvalue.org_id`` (``set_config(..., true)``, i.e. for the transaction)
whenever it is bound to an organisation; the policy then hides every other organisation's rows,
even from a query that forgot its ``WHERE org_id``. Without the setting (migrations, creating
an organisation) the policy lets the row through, so RLS is defence in depth on top of the
repository's own filter. ``FORCE`` applies it to the table owner too. SQLite: no-op.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "app_user",
    "case_header",
    "case_version",
    "review_transition",
    "review_comment",
    "quality_finding",
    "org_setting",
    "audit_head",
    "audit_log",
)
_POLICY = (
    "NULLIF(current_setting('ipvalue.org_id', true), '') IS NULL "
    "OR org_id = NULLIF(current_setting('ipvalue.org_id', true), '')::integer"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_org_isolation ON {table} "
            f"USING ({_POLICY}) WITH CHECK ({_POLICY})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY {table}_org_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
