"""Alembic environment: always runs on a connection handed over by ``ipvalue.cases.migrate``."""

from __future__ import annotations

from alembic import context

from ipvalue.cases._models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
